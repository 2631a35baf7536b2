// Keyboard shortcuts for the editor (the help overlay lists them).
import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import {
  autoLayout,
  copySelection,
  deleteSelected,
  duplicateSelection,
  makeBlockFromSelection,
  openScope,
  pasteClipboard,
  redoEdit,
  selectAll,
  undoEdit,
  useEditor,
} from '../store/editor';
import { closePicker, useDatasets } from '../store/datasets';
import { save, useSession } from '../store/session';
import { toggleHelp, useUi } from '../store/ui';

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

export function useShortcuts() {
  const rf = useReactFlow();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 's') {
        e.preventDefault();
        void save();
        return;
      }
      // The start screen and the question before discarding are modal: they take their own keys.
      if (useSession.getState().welcome || useSession.getState().pendingDiscard) return;
      // The dataset picker is modal: the graph's shortcuts wait; Escape closes it.
      if (useDatasets.getState().pickerOpen) {
        if (e.key === 'Escape') closePicker();
        return;
      }
      if (typing(e.target)) return;
      if (mod && key === 'z') {
        e.preventDefault();
        if (e.shiftKey) redoEdit();
        else undoEdit();
      } else if (mod && key === 'y') {
        e.preventDefault();
        redoEdit();
      } else if (mod && key === 'a') {
        e.preventDefault();
        selectAll();
      } else if (mod && key === 'c') {
        if (copySelection()) e.preventDefault();
      } else if (mod && key === 'v') {
        e.preventDefault();
        pasteClipboard();
      } else if (mod && key === 'd') {
        e.preventDefault();
        duplicateSelection();
      } else if (mod && key === 'g') {
        e.preventDefault();
        makeBlockFromSelection();
      } else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) {
        e.preventDefault();
        deleteSelected();
      } else if (!mod && e.key === '?') {
        toggleHelp();
      } else if (!mod && e.key === 'Escape') {
        if (useUi.getState().helpOpen) toggleHelp(false);
        else if (useEditor.getState().scope !== null) openScope(null);
      } else if (!mod && !e.altKey && key === 'f') {
        void rf.fitView({ padding: 0.15, maxZoom: 1.25, duration: 200 });
      } else if (!mod && !e.altKey && key === 'l') {
        autoLayout();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rf]);
}
