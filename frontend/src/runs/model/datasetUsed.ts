// What a run trains on, for its header and the runs table: the worker's word once it has
// loaded the data (`dataset_used`: "mnist", or its stand-in such as "scikit-learn digits
// upsampled to 28x28 (stand-in for mnist)"), else what its config asks for. An upload is
// named by its file when this browser's catalog knows it (the worker says only "csv").
import type { DatasetRecord, RunRecord } from '../../api/types';
import { inEnglish, type Translate } from '../../model/translate';

/** The record's `dataset_used`; null until the worker has said what it loaded. */
export function datasetUsed(record: Pick<RunRecord, 'dataset_used'> | null | undefined): string | null {
  const value = record?.dataset_used;
  return typeof value === 'string' && value.trim() ? value : null;
}

/** What a run's config asks to train on. */
export interface DatasetAsked {
  dataset: string | null;
  /** Its options name an uploaded file (by hash). */
  upload: boolean;
  /** That upload's name, when the catalog has it. */
  uploadName: string | null;
}

export function datasetAsked(
  config: { dataset?: string | null; dataset_options?: Record<string, unknown> },
  uploads: readonly Pick<DatasetRecord, 'sha256' | 'name' | 'config'>[],
): DatasetAsked {
  const dataset = config.dataset ?? null;
  const sha = config.dataset_options?.upload;
  if (typeof sha !== 'string') return { dataset, upload: false, uploadName: null };
  const record = uploads.find((r) => r.sha256 === sha && r.config.dataset === dataset);
  return { dataset, upload: true, uploadName: record?.name ?? null };
}

export interface DatasetShown {
  text: string;
  /** It trains on an offline look-alike, not the set its config names. */
  standIn: boolean;
  title: string;
}

/** What to show for it, said by `t` (English where the caller passes none). */
export function datasetShown(asked: DatasetAsked, used: string | null, t: Translate = inEnglish): DatasetShown {
  const name = asked.dataset;
  const same = used !== null && name !== null && used.trim().toLowerCase() === name.toLowerCase();
  if (asked.upload && (used === null || same)) {
    const text = asked.uploadName ?? t('runs.dataset.upload', { name: name ?? '?' });
    return { text, standIn: false, title: t('runs.dataset.uploadTitle', { name }) };
  }
  if (used === null) {
    return { text: name ?? '–', standIn: false, title: name ? t('runs.dataset.askedTitle', { name }) : t('runs.dataset.none') };
  }
  const standIn = !asked.upload && name !== null && !same;
  return {
    text: used,
    standIn,
    title: standIn ? t('runs.dataset.standInTitle', { name }) : t('runs.dataset.usedTitle', { name: used }),
  };
}
