// One upload's life as a pure state machine: sending (bytes so far, of the whole request),
// reading (every byte sent; the server parses the file), then done, failed or cancelled.
// Events that arrive late (progress after a cancel, an answer to a cancelled upload) change
// nothing. The words come from `t` (model/translate.ts).
import { formatBytes } from '../model/format';
import { currentT, type TFunction } from '../model/translate';

export type UploadState =
  | { phase: 'idle' }
  | { phase: 'sending'; file: string; loaded: number; total: number }
  | { phase: 'reading'; file: string; total: number }
  | { phase: 'done'; file: string; recordId: string; created: boolean }
  | { phase: 'failed'; file: string; message: string }
  | { phase: 'cancelled'; file: string };

export type UploadEvent =
  | { type: 'start'; file: string; size: number }
  | { type: 'progress'; loaded: number; total: number }
  | { type: 'done'; recordId: string; created: boolean }
  | { type: 'failed'; message: string }
  | { type: 'cancelled' }
  | { type: 'dismiss' };

export const IDLE: UploadState = { phase: 'idle' };

export const isActive = (s: UploadState): s is Extract<UploadState, { phase: 'sending' | 'reading' }> =>
  s.phase === 'sending' || s.phase === 'reading';

export function uploadStep(state: UploadState, event: UploadEvent): UploadState {
  switch (event.type) {
    case 'start':
      // One upload at a time: a second start while one runs is ignored (the UI disables it).
      return isActive(state) ? state : { phase: 'sending', file: event.file, loaded: 0, total: Math.max(event.size, 0) };
    case 'progress': {
      if (state.phase !== 'sending') return state;
      const total = Math.max(event.total, 0);
      const loaded = Math.min(Math.max(event.loaded, state.loaded), total);
      return total > 0 && loaded >= total ? { phase: 'reading', file: state.file, total } : { ...state, loaded, total };
    }
    case 'done':
      return isActive(state) ? { phase: 'done', file: state.file, recordId: event.recordId, created: event.created } : state;
    case 'failed':
      return isActive(state) ? { phase: 'failed', file: state.file, message: event.message } : state;
    case 'cancelled':
      return isActive(state) ? { phase: 'cancelled', file: state.file } : state;
    case 'dismiss':
      return isActive(state) ? state : IDLE;
  }
}

export interface ProgressView {
  /** 0..1 of the bytes sent; null while the server reads (an indeterminate bar). */
  fraction: number | null;
  /** What the bar says: "1.2 MB of 4.8 MB · 25%". */
  text: string;
}

export function progressView(state: UploadState, t: TFunction = currentT): ProgressView | null {
  if (state.phase === 'sending') {
    const fraction = state.total > 0 ? state.loaded / state.total : 0;
    // Floored: 100% only once every byte has gone.
    const percent = Math.floor(fraction * 100);
    return { fraction, text: t('editor.upload.progress', { loaded: formatBytes(state.loaded), total: formatBytes(state.total), percent }) };
  }
  if (state.phase === 'reading') return { fraction: null, text: t('editor.upload.reading', { total: formatBytes(state.total) }) };
  return null;
}

/** The line under the bar, or the outcome: "Uploading iris.csv", "iris.csv was uploaded before: its record is shown". */
export function statusLine(state: UploadState, t: TFunction = currentT): string {
  switch (state.phase) {
    case 'idle':
      return '';
    case 'sending':
    case 'reading':
      return t('editor.upload.uploading', { file: state.file });
    case 'done':
      return state.created ? t('editor.upload.uploaded', { file: state.file }) : t('editor.upload.beforeLine', { file: state.file });
    case 'failed':
      return t('editor.upload.notTakenLine', { file: state.file, message: state.message });
    case 'cancelled':
      return t('editor.upload.cancelled', { file: state.file });
  }
}

/** The upload's heading: what is happening to which file. */
export function headline(state: Exclude<UploadState, { phase: 'idle' }>, t: TFunction = currentT): string {
  if (isActive(state)) return t('editor.upload.uploading', { file: state.file });
  if (state.phase === 'done') return state.created ? t('editor.upload.uploaded', { file: state.file }) : t('editor.upload.before', { file: state.file });
  if (state.phase === 'failed') return t('editor.upload.notTaken', { file: state.file });
  return t('editor.upload.cancelled', { file: state.file });
}

/** What a failed request said, for people: the server's message (it names the row, column or
 * entry at fault), the status when it sent no message. */
export function failureText(status: number | null, message: string | null | undefined, t: TFunction = currentT): string {
  if (message) return message;
  if (status === 413) return t('editor.upload.tooLargeForServer');
  return status ? t('editor.upload.answered', { status }) : t('editor.upload.unreachable');
}
