// The dataset catalog (GET /api/datasets) as the editor uses it: the facts the graph
// fixes need, which entry the document trains on, each built-in set's availability said
// for people, the kinds a person can upload (with their size limits), and the uploads'
// rows. Pure: no React, no store; the words come from `t` (model/translate.ts).
import type { Availability, BuiltinDataset, DatasetCatalog, DatasetRecord } from '../api/types';
import { formatBytes } from '../model/format';
import type { DatasetFacts } from '../model/fixes';
import { currentT, type TFunction } from '../model/translate';

export const EMPTY_CATALOG: DatasetCatalog = { builtin: [], uploads: [] };

export function factsOfBuiltin(dataset: BuiltinDataset): DatasetFacts {
  return {
    name: dataset.name,
    input_shape: dataset.input_shape ?? null,
    input_dtype: dataset.input_dtype ?? null,
    target: dataset.target ?? null,
    num_classes: dataset.num_classes ?? null,
    unavailable: dataset.availability.state === 'needs_file' ? dataset.availability.message : null,
  };
}

export function factsOfUpload(record: DatasetRecord): DatasetFacts {
  return {
    name: record.config.dataset,
    label: record.name,
    options: record.config.dataset_options,
    upload: record.sha256,
    input_shape: record.info.input_shape,
    input_dtype: record.info.input_dtype,
    target: record.info.target,
    num_classes: record.info.num_classes ?? null,
  };
}

/** Every entry's facts: uploads first (they are what a person just chose), then built-in. */
export function catalogFacts(catalog: DatasetCatalog): DatasetFacts[] {
  return [...catalog.uploads.map(factsOfUpload), ...catalog.builtin.map(factsOfBuiltin)];
}

const uploadOf = (training: Record<string, unknown>): string | null => {
  const options = training.dataset_options as Record<string, unknown> | undefined;
  return typeof options?.upload === 'string' ? options.upload : null;
};

/** The facts of what `training` trains on: an upload (by its file's hash) or a built-in set. */
export function activeFacts(training: Record<string, unknown> | undefined, facts: readonly DatasetFacts[]): DatasetFacts | null {
  const name = training?.dataset;
  if (typeof name !== 'string') return null;
  const upload = uploadOf(training ?? {});
  return facts.find((f) => f.name === name && (f.upload ?? null) === upload) ?? null;
}

/** What the document trains on, as the picker shows it. */
export type Choice =
  | { type: 'none' }
  | { type: 'builtin'; dataset: BuiltinDataset }
  | { type: 'upload'; record: DatasetRecord }
  /** Named by the document but not in this server's catalog (or an upload since deleted). */
  | { type: 'unknown'; name: string; upload: string | null };

export function currentChoice(training: Record<string, unknown> | undefined, catalog: DatasetCatalog): Choice {
  const name = training?.dataset;
  if (typeof name !== 'string' || !name) return { type: 'none' };
  const upload = uploadOf(training ?? {});
  if (upload) {
    const record = catalog.uploads.find((r) => r.sha256 === upload && r.config.dataset === name);
    return record ? { type: 'upload', record } : { type: 'unknown', name, upload };
  }
  const dataset = catalog.builtin.find((d) => d.name === name);
  return dataset ? { type: 'builtin', dataset } : { type: 'unknown', name, upload: null };
}

export type Tone = 'ok' | 'warning' | 'needs';

/** A built-in set's availability: the server's sentence, and how it should look. */
export function availabilityView(availability: Availability): { tone: Tone; text: string; uploadKind: string | null } {
  const tone: Tone = availability.state === 'stand_in' ? 'warning' : availability.state === 'needs_file' ? 'needs' : 'ok';
  return { tone, text: availability.message, uploadKind: availability.upload_kind ?? null };
}

/** Can it train as it is (on its own data or a stand-in), or does it wait for a file? */
export const trainable = (dataset: BuiltinDataset) => dataset.availability.state !== 'needs_file';

/** The kinds a person can upload: the built-in sets with an upload limit. */
export function uploadKinds(catalog: DatasetCatalog): BuiltinDataset[] {
  return catalog.builtin.filter((d) => (d.max_upload_bytes ?? 0) > 0);
}

/** The largest file the server takes as `kind` (null: any kind, the largest of them). */
export function uploadLimit(catalog: DatasetCatalog, kind: string | null): number | null {
  const limits = uploadKinds(catalog)
    .filter((d) => kind === null || d.name === kind)
    .map((d) => d.max_upload_bytes ?? 0);
  return limits.length ? Math.max(...limits) : null;
}

/** Said before sending a file the server would refuse for its size; null when it may go. */
export function sizeProblem(file: { name: string; size: number }, catalog: DatasetCatalog, kind: string | null, t: TFunction = currentT): string | null {
  const limit = uploadLimit(catalog, kind);
  if (limit === null || file.size <= limit) return null;
  const sizes = { name: file.name, size: formatBytes(file.size), limit: formatBytes(limit) };
  return kind ? t('editor.upload.tooLargeKind', { ...sizes, kind }) : t('editor.upload.tooLarge', sizes);
}

/** The built-in sets that train without an upload, grouped by kind in a fixed order. */
export function builtinGroups(catalog: DatasetCatalog): { kind: string; datasets: BuiltinDataset[] }[] {
  const groups = new Map<string, BuiltinDataset[]>();
  for (const d of catalog.builtin) {
    if ((d.max_upload_bytes ?? 0) > 0) continue;
    groups.set(d.kind, [...(groups.get(d.kind) ?? []), d]);
  }
  const order = ['image', 'points', 'tabular', 'sequence', 'text'];
  const rank = (kind: string) => (order.includes(kind) ? order.indexOf(kind) : order.length);
  return [...groups].map(([kind, datasets]) => ({ kind, datasets })).sort((a, b) => rank(a.kind) - rank(b.kind));
}

const KINDS = ['image', 'points', 'tabular', 'sequence', 'text'] as const;
type Kind = (typeof KINDS)[number];
export const kindTitle = (kind: string, t: TFunction = currentT) =>
  (KINDS as readonly string[]).includes(kind) ? t(`editor.catalog.kind.${kind as Kind}`) : kind;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
const two = (n: number) => String(n).padStart(2, '0');

/** "today 14:05", "12 Mar", "12 Mar 2025": short, in local time. */
export function formatDate(iso: string, now: Date, t: TFunction = currentT): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const sameDay = at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  if (sameDay) return t('editor.catalog.today', { time: `${two(at.getHours())}:${two(at.getMinutes())}` });
  const day = { day: at.getDate(), month: t(`editor.catalog.month.${MONTHS[at.getMonth()] ?? 'jan'}`) };
  return at.getFullYear() === now.getFullYear() ? t('editor.catalog.day', day) : t('editor.catalog.dayYear', { ...day, year: at.getFullYear() });
}

/** An upload as a row of the list: name, kind, size and date for people. */
export function uploadRow(record: DatasetRecord, now: Date, t: TFunction = currentT) {
  return {
    id: record.id,
    name: record.name,
    kind: record.kind,
    size: formatBytes(record.bytes),
    date: formatDate(record.created_at, now, t),
    title: t('editor.catalog.uploadTitle', {
      name: record.name,
      kind: record.kind,
      bytes: record.bytes.toLocaleString('en-US'),
      date: new Date(record.created_at).toLocaleString(),
    }),
  };
}
