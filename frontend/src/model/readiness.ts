// Whether the document can train here, said before Train is pressed: the data problems
// (no dataset chosen, one this server does not have, one that waits for a file) as
// Problems with a fix, and the one reason Train is disabled, in words for people.
// Pure: no React, no store.
import type { DatasetFacts } from './fixes';

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
export function dataProblem(training: Record<string, unknown> | undefined, facts: readonly DatasetFacts[] | null): DataProblem | null {
  const name = training?.dataset;
  if (typeof name !== 'string' || !name) {
    return { code: 'no_dataset', message: 'No dataset is chosen yet: choose what this network learns from.', fixLabel: 'Choose a dataset…' };
  }
  if (facts === null) return null;
  const upload = uploadOf(training ?? {});
  const found = facts.find((f) => f.name === name && (f.upload ?? null) === upload);
  if (!found) {
    return upload
      ? { code: 'dataset_unknown', message: `The uploaded ${name} file this graph trains on is not on this server (deleted?): upload it again or choose another dataset.`, fixLabel: 'Choose a dataset…' }
      : { code: 'dataset_unknown', message: `This server has no dataset called "${name}": choose one it has.`, fixLabel: 'Choose a dataset…' };
  }
  if (found.unavailable) {
    const label = found.label ?? name;
    const raw = found.unavailable;
    const message = raw.startsWith('not available here')
      ? `${label} is not available on this server: ${raw.replace(/^not available here:\s*/, '')}, or choose another dataset.`
      : `${label} needs a file before it can train: ${raw}.`;
    return { code: 'dataset_unavailable', message, fixLabel: 'Upload or choose…' };
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
export function trainBlocked(s: TrainState): string | null {
  if (s.empty) return 'The graph is empty: drag layers from the palette, or open a preset.';
  if (s.offline) return 'The server is unreachable: reconnecting…';
  if (!s.checked) return 'Checking the graph…';
  if (s.errors > 0) return `Fix ${s.errors} error${s.errors > 1 ? 's' : ''} first: ${s.firstError ?? ''}`.trim();
  if (s.data) return s.data;
  return null;
}
