// Undo history: a pure, bounded stack of snapshots. Consecutive records with the same
// key (typing into one field) merge into one step, so undo takes back the whole edit.

export interface History<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
  /** Key of the last record, for merging; null after undo/redo or an unkeyed record. */
  readonly lastKey: string | null;
}

export const HISTORY_LIMIT = 200;

export function initHistory<T>(present: T): History<T> {
  return { past: [], present, future: [], lastKey: null };
}

export function record<T>(
  h: History<T>,
  next: T,
  options: { key?: string; limit?: number } = {},
): History<T> {
  const key = options.key ?? null;
  if (key !== null && key === h.lastKey) {
    return { ...h, present: next, future: [] };
  }
  const limit = options.limit ?? HISTORY_LIMIT;
  const past = [...h.past, h.present];
  return {
    past: past.length > limit ? past.slice(past.length - limit) : past,
    present: next,
    future: [],
    lastKey: key,
  };
}

/** Replace the present without a new step (e.g. the document was loaded or saved). */
export function reset<T>(present: T): History<T> {
  return initHistory(present);
}

export function undo<T>(h: History<T>): History<T> {
  const previous = h.past[h.past.length - 1];
  if (previous === undefined) return h;
  return {
    past: h.past.slice(0, -1),
    present: previous,
    future: [h.present, ...h.future],
    lastKey: null,
  };
}

export function redo<T>(h: History<T>): History<T> {
  const [next, ...rest] = h.future;
  if (next === undefined) return h;
  return { past: [...h.past, h.present], present: next, future: rest, lastKey: null };
}

/** End merging: the next keyed record starts a new step (a field lost focus). */
export function seal<T>(h: History<T>): History<T> {
  return h.lastKey === null ? h : { ...h, lastKey: null };
}

export const canUndo = <T>(h: History<T>): boolean => h.past.length > 0;
export const canRedo = <T>(h: History<T>): boolean => h.future.length > 0;
