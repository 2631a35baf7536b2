// The editor's datasets: the catalog (built-in sets with their availability, and uploads),
// the one upload in flight (survives the inspector switching to a node), previews, the
// picker dialog, and the last dataset applied to the graph with what it changed (one
// undo step).
import { create } from 'zustand';
import { api, ApiError, OfflineError, uploadDataset } from '../api/client';
import { i18n } from '../i18n';
import type { DatasetCatalog, DatasetPreview, DatasetRecord, GraphDocument } from '../api/types';
import { catalogFacts, EMPTY_CATALOG, sizeProblem } from '../data/catalog';
import { failureText, IDLE, isActive, uploadStep, type UploadEvent, type UploadState } from '../data/upload';
import { applyDataset, type DataChange } from '../model/applyDataset';
import type { DatasetFacts } from '../model/fixes';
import { currentDoc, editDocument, setDatasets, undoEdit, useEditor } from './editor';
import { taskChoice, useMeta } from './meta';

/** A row of the picker: an upload (by id) or a built-in set (by name). */
export type PickerKey = `upload:${string}` | `builtin:${string}`;

export type PreviewEntry = { state: 'loading' } | { state: 'ready'; preview: DatasetPreview } | { state: 'error'; message: string };

export interface AppliedNote {
  /** The document the choice made: the note (and its Undo) stand while it is the present. */
  doc: GraphDocument;
  label: string;
  changes: DataChange[];
}

export interface DatasetsState {
  catalog: DatasetCatalog;
  loaded: boolean;
  loadError: string | null;
  upload: UploadState;
  previews: Record<string, PreviewEntry>;
  pickerOpen: boolean;
  focus: PickerKey | null;
  applied: AppliedNote | null;
}

export const useDatasets = create<DatasetsState>(() => ({
  catalog: EMPTY_CATALOG,
  loaded: false,
  loadError: null,
  upload: IDLE,
  previews: {},
  pickerOpen: false,
  focus: null,
  applied: null,
}));

const get = useDatasets.getState;
const set = useDatasets.setState;

const errorText = (err: unknown) =>
  err instanceof ApiError ? failureText(err.status, err.body?.message ?? err.message) : err instanceof Error ? err.message : String(err);

function setCatalog(catalog: DatasetCatalog) {
  set({ catalog, loaded: true, loadError: null });
  setDatasets(catalogFacts(catalog));
}

export async function loadDatasets() {
  try {
    setCatalog(await api.datasets());
  } catch (err) {
    // The editor works without datasets (the server loads them from a heavier module).
    set({ loadError: errorText(err) });
  }
}

// --- the picker ----------------------------------------------------------------------------

export function openPicker(focus: PickerKey | null = null) {
  set({ pickerOpen: true, ...(focus ? { focus } : {}) });
  if (focus?.startsWith('upload:')) void loadPreview(focus.slice('upload:'.length));
}

export const closePicker = () => set({ pickerOpen: false });

export function focusEntry(focus: PickerKey) {
  set({ focus });
  if (focus.startsWith('upload:')) void loadPreview(focus.slice('upload:'.length));
}

export async function loadPreview(id: string, again = false) {
  const known = get().previews[id];
  if (known && !again && known.state !== 'error') return;
  set({ previews: { ...get().previews, [id]: { state: 'loading' } } });
  let entry: PreviewEntry;
  try {
    entry = { state: 'ready', preview: await api.datasetPreview(id) };
  } catch (err) {
    entry = { state: 'error', message: i18n.t('editor.preview.failed', { error: errorText(err) }) };
  }
  set({ previews: { ...get().previews, [id]: entry } });
}

// --- uploading --------------------------------------------------------------------------------

let controller: AbortController | null = null;

const step = (event: UploadEvent) => set({ upload: uploadStep(get().upload, event) });

/** Upload `file` (as `kind`, or sniffed by the server), then show its preview in the picker. */
export async function uploadFile(file: File, kind: string | null = null) {
  if (isActive(get().upload)) return;
  step({ type: 'dismiss' });
  step({ type: 'start', file: file.name, size: file.size });
  openPicker();
  const tooLarge = sizeProblem(file, get().catalog, kind);
  if (tooLarge) {
    step({ type: 'failed', message: tooLarge });
    return;
  }
  controller = new AbortController();
  try {
    const { record, created } = await uploadDataset(file, { kind }, (p) => step({ type: 'progress', ...p }), controller.signal);
    adoptRecord(record);
    step({ type: 'done', recordId: record.id, created });
    focusEntry(`upload:${record.id}`);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') step({ type: 'cancelled' });
    else step({ type: 'failed', message: err instanceof OfflineError ? err.message : errorText(err) });
  } finally {
    controller = null;
  }
}

export function cancelUpload() {
  controller?.abort();
}

export const dismissUpload = () => step({ type: 'dismiss' });

function adoptRecord(record: DatasetRecord) {
  const { catalog } = get();
  setCatalog({ ...catalog, uploads: [record, ...catalog.uploads.filter((r) => r.id !== record.id)] });
}

/** Delete an upload; resolves to the server's refusal (409 while a run uses it), else null. */
export async function deleteUpload(id: string): Promise<string | null> {
  try {
    await api.deleteDataset(id);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) return errorText(err);
  }
  const { catalog, focus, previews, upload } = get();
  const rest = { ...previews };
  delete rest[id];
  setCatalog({ ...catalog, uploads: catalog.uploads.filter((r) => r.id !== id) });
  set({
    previews: rest,
    focus: focus === `upload:${id}` ? null : focus,
    upload: upload.phase === 'done' && upload.recordId === id ? IDLE : upload,
  });
  return null;
}

// --- applying a dataset to the graph -------------------------------------------------------------

/** Train on `facts`: one undo step that records it and fits the graph to it. */
export function chooseDataset(facts: DatasetFacts) {
  const { doc, changes } = applyDataset(currentDoc(), facts, taskChoice(useMeta.getState().meta));
  editDocument(() => doc);
  const { upload } = get();
  set({
    applied: { doc: currentDoc(), label: facts.label ?? facts.name, changes },
    pickerOpen: false,
    // The upload's story ends in the note.
    upload: upload.phase === 'done' ? IDLE : upload,
  });
}

/** The note of the last choice while its edit is the latest one (undo and other edits hide it). */
export function useAppliedNote(): AppliedNote | null {
  const applied = useDatasets((s) => s.applied);
  const present = useEditor((s) => s.history.present);
  return applied && applied.doc === present ? applied : null;
}

/** Undo the choice (one step). The note stays known: a redo brings it back with its edit. */
export function undoChoice() {
  const { applied } = get();
  if (applied && currentDoc() === applied.doc) undoEdit();
}

export const dismissNote = () => set({ applied: null });
