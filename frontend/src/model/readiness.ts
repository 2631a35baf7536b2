// Whether the document can train here, said before Train is pressed: the data problems
// (no dataset chosen, one this server does not have, one that waits for a file) as
// Problems with a fix, and the one reason Train is disabled, in words for people.
// Pure: no React, no store; the words come from `t` (see translate.ts).
import type { DatasetFacts } from './fixes';
import { currentT, type TFunction } from './translate';

export type DataProblemCode = 'no_dataset' | 'dataset_unknown' | 'dataset_unavailable';

export interface DataProblem {
  code: DataProblemCode;
  message: string;
  /** The fix: open the dataset picker (with an upload when the set waits for a file). */
  fixLabel: string;
}

const uploadOf = (training: Record<string, unknown>): string | null => {
  const options = training.dataset_options as Record<string, unknown> | undefined;
  return typeof options?.upload === 'string' ? options.upload : null;
};

/** What stops this document's data from loading here; null when it can, or while the
 * catalog is not known yet (`facts` null). */
export function dataProblem(
  training: Record<string, unknown> | undefined,
  facts: readonly DatasetFacts[] | null,
  t: TFunction = currentT,
): DataProblem | null {
  const name = training?.dataset;
  if (typeof name !== 'string' || !name) {
    return { code: 'no_dataset', message: t('editor.readiness.noDataset'), fixLabel: t('editor.readiness.choose') };
  }
  if (facts === null) return null;
  const upload = uploadOf(training ?? {});
  const found = facts.find((f) => f.name === name && (f.upload ?? null) === upload);
  if (!found) {
    const message = upload ? t('editor.readiness.uploadGone', { name }) : t('editor.readiness.unknown', { name });
    return { code: 'dataset_unknown', message, fixLabel: t('editor.readiness.choose') };
  }
  if (found.unavailable) {
    const label = found.label ?? name;
    // The server's sentence (English): "not available here: upload input.txt", or a need.
    const raw = found.unavailable;
    const message = raw.startsWith('not available here')
      ? t('editor.readiness.notHere', { label, how: raw.replace(/^not available here:\s*/, '') })
      : t('editor.readiness.needsFile', { label, reason: raw });
    return { code: 'dataset_unavailable', message, fixLabel: t('editor.readiness.uploadOrChoose') };
  }
  return null;
}

export interface TrainState {
  /** The document has no nodes at all. */
  empty: boolean;
  /** A check report for the document as it is now has come back. */
  checked: boolean;
  errors: number;
  firstError: string | null;
  offline: boolean;
  /** What stops the data from loading here (a DataProblem's message). */
  data: string | null;
}

/** Why Train is disabled, or null when it may start. */
export function trainBlocked(s: TrainState, t: TFunction = currentT): string | null {
  if (s.empty) return t('editor.readiness.empty');
  if (s.offline) return t('editor.readiness.offline');
  if (!s.checked) return t('editor.readiness.checking');
  if (s.errors > 0) return t('editor.readiness.fixErrors', { count: s.errors, first: s.firstError ?? '' }).trim();
  if (s.data) return s.data;
  return null;
}
