// The local draft: the document being edited, kept in this browser after every change, so
// unsaved work survives a reload or a crash.
import type { GraphDocument } from '../api/types';

const KEY = 'layerlab.draft';

export interface Draft {
  doc: GraphDocument;
  graphId: string | null;
  version: number | null;
  savedJson: string | null;
}

export function saveDraft(draft: Draft) {
  try {
    localStorage.setItem(KEY, JSON.stringify(draft));
  } catch {
    /* storage full or disabled: the server copy is still there */
  }
}

export function loadDraft(): Draft | null {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Draft | null;
    return value && typeof value === 'object' && value.doc && Array.isArray(value.doc.nodes ?? []) ? value : null;
  } catch {
    return null;
  }
}

export function clearDraft() {
  localStorage.removeItem(KEY);
}
