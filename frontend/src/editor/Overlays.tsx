// What floats over the editor: the shortcut help, the save-conflict dialog, the question
// before unsaved work is replaced, notices.
import { useEffect, useRef } from 'react';
import { useFocusTrap } from '../ui/focusTrap';
import { useEditor } from '../store/editor';
import { answerDiscard, resolveConflict, useSession, type PendingDiscard } from '../store/session';
import { toggleHelp, useUi } from '../store/ui';

export const SHORTCUTS: [string, string][] = [
  ['Ctrl/⌘ Z', 'Undo'],
  ['Shift Ctrl/⌘ Z, Ctrl Y', 'Redo'],
  ['Ctrl/⌘ C / V', 'Copy / paste nodes (across documents and tabs)'],
  ['Ctrl/⌘ D', 'Duplicate the selection'],
  ['Ctrl/⌘ A', 'Select all'],
  ['Ctrl/⌘ G', 'Make a block from the selection'],
  ['Ctrl/⌘ S', 'Save'],
  ['Delete, Backspace', 'Delete the selection'],
  ['Shift + drag', 'Box select'],
  ['Ctrl/⌘ + click', 'Add to the selection'],
  ['Double-click canvas', 'Search and add a node there'],
  ['Double-click block', 'Open the block'],
  ['Escape', 'Close the block, the menu or this help'],
  ['F', 'Zoom to fit'],
  ['L', 'Auto-layout'],
  ['?', 'This help'],
];

export function HelpOverlay() {
  const open = useUi((s) => s.helpOpen);
  if (!open) return null;
  return <Help />;
}

function Help() {
  const dialog = useRef<HTMLDivElement>(null);
  useFocusTrap(dialog);
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" data-testid="help" onClick={() => toggleHelp(false)}>
      <div ref={dialog} className="dialog" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map(([keys, what]) => (
              <tr key={keys}>
                <td>
                  <kbd>{keys}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button autoFocus onClick={() => toggleHelp(false)}>
          Close
        </button>
      </div>
    </div>
  );
}

export function ConflictDialog() {
  const conflict = useSession((s) => s.conflict);
  return conflict ? <Conflict currentVersion={conflict.currentVersion} /> : null;
}

function Conflict({ currentVersion }: { currentVersion: number | null }) {
  const dialog = useRef<HTMLDivElement>(null);
  useFocusTrap(dialog);
  return (
    <div className="overlay" role="alertdialog" aria-modal="true" data-testid="conflict">
      <div ref={dialog} className="dialog">
        <h2>Saved elsewhere meanwhile</h2>
        <p>
          Another tab or person saved this graph{currentVersion ? ` (now version ${currentVersion})` : ''} after you opened it. Your changes are still here, and in
          this browser's draft.
        </p>
        <div className="button-row">
          <button autoFocus className="primary" data-testid="conflict-copy" onClick={() => void resolveConflict('copy')}>
            Save mine as a new graph
          </button>
          <button data-testid="conflict-overwrite" onClick={() => void resolveConflict('overwrite')}>
            Save mine over theirs
          </button>
          <button className="danger" data-testid="conflict-theirs" onClick={() => void resolveConflict('theirs')}>
            Discard mine, open theirs
          </button>
        </div>
      </div>
    </div>
  );
}

export function ConfirmDiscard() {
  const pending = useSession((s) => s.pendingDiscard);
  return pending ? <Discard pending={pending} /> : null;
}

function Discard({ pending }: { pending: PendingDiscard }) {
  const dialog = useRef<HTMLDivElement>(null);
  const name = useEditor((s) => s.history.present.name ?? 'Untitled');
  useFocusTrap(dialog);
  return (
    <div className="overlay overlay-top" role="alertdialog" aria-modal="true" aria-labelledby="discard-title" data-testid="confirm-discard">
      <div ref={dialog} className="dialog" onKeyDown={(e) => e.key === 'Escape' && void answerDiscard('cancel')}>
        <h2 id="discard-title">Unsaved changes to {name}</h2>
        <p>
          To {pending.what}, this graph's changes would be replaced. Save them first, or discard them?
        </p>
        <div className="button-row">
          <button autoFocus className="primary" data-testid="discard-save" onClick={() => void answerDiscard('save')}>
            Save, then continue
          </button>
          <button className="danger" data-testid="discard-discard" onClick={() => void answerDiscard('discard')}>
            Discard changes
          </button>
          <button data-testid="discard-cancel" onClick={() => void answerDiscard('cancel')}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}

export function NoticeToast() {
  const notice = useEditor((s) => s.notice);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => useEditor.setState((s) => (s.notice?.id === notice.id ? { notice: null } : s)), notice.kind === 'error' ? 6000 : 2500);
    return () => clearTimeout(timer);
  }, [notice]);
  if (!notice) return null;
  return (
    <div className={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
      {notice.text}
    </div>
  );
}
