// The editor's life with the server: loading the catalog, the debounced live check (with
// reconnection when the server restarts), the local draft, opening and saving documents,
// asking before unsaved work is replaced, and the start screen.
import { create } from 'zustand';
import { api, ApiError, OfflineError } from '../api/client';
import { i18n } from '../i18n';
import type { CheckResult, GraphDocument, GraphSummary, PresetSummary } from '../api/types';
import { emptyDocument } from '../model/convert';
import { refusalMessage } from '../model/imports';
import { loadDatasets } from './datasets';
import { loadDraft, saveDraft } from './draft';
import { currentDoc, notify, openDocument, setCatalog, setCheck, setCheckStatus, useEditor } from './editor';

export type SaveState = 'new' | 'saved' | 'dirty' | 'saving' | 'conflict';

export interface SessionState {
  graphId: string | null;
  version: number | null;
  /** The document as last saved or opened, to tell unsaved changes. */
  savedJson: string | null;
  dirty: boolean;
  saving: boolean;
  conflict: { currentVersion: number | null } | null;
  online: boolean;
  presets: PresetSummary[];
  graphs: GraphSummary[];
  /** The start screen is shown (first visit, or the logo). */
  welcome: boolean;
  /** Opening something else over unsaved changes waits for the person's answer. */
  pendingDiscard: PendingDiscard | null;
  /** The weights the server kept when the open document was imported from ONNX: Train
   * starts from them until the person drops them or opens another document. */
  importedWeights: string | null;
  /** The preset the open document came from (edits allowed): a lesson step may ask for it. */
  preset: string | null;
}

/** What would replace unsaved work: a preset, a saved graph, a new empty graph or an
 * imported file (the question names it in a sentence of its own), or the caller's words
 * ("open the preset LeNet-5"), which the question puts in a general sentence. */
export type Replacement = { kind: 'preset' | 'graph' | 'import'; name: string } | { kind: 'blank' } | string;

export interface PendingDiscard {
  /** What would replace the work, for the question. */
  what: Replacement;
  proceed: () => void | Promise<void>;
}

export const useSession = create<SessionState>(() => ({
  graphId: null,
  version: null,
  savedJson: null,
  dirty: false,
  saving: false,
  conflict: null,
  online: true,
  presets: [],
  graphs: [],
  welcome: false,
  pendingDiscard: null,
  importedWeights: null,
  preset: null,
}));

export const CHECK_DELAY_MS = 150;
const DRAFT_DELAY_MS = 300;

const getS = useSession.getState;
const setS = useSession.setState;
const docJson = (doc: GraphDocument) => JSON.stringify(doc);
/** A notice's words, in the interface's language when it is shown. */
const t = i18n.t.bind(i18n);
const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function saveState(s: Pick<SessionState, 'graphId' | 'dirty' | 'saving' | 'conflict'>): SaveState {
  if (s.conflict) return 'conflict';
  if (s.saving) return 'saving';
  if (s.dirty) return 'dirty';
  return s.graphId ? 'saved' : 'new';
}

// --- the live check ------------------------------------------------------------------------

let checkTimer: ReturnType<typeof setTimeout> | undefined;
let checkSeq = 0;
let inflight: AbortController | null = null;
let retryDelay = 500;

function emptyResult(errors: CheckResult['errors']): CheckResult {
  return {
    ok: false,
    errors,
    warnings: [],
    nodes: [],
    inner: [],
    edges: [],
    networks: [],
    totals: { params: 0, flops: 0, memory_bytes: 0, batch_size: 32, nodes: 0 },
  };
}

export function scheduleCheck(delay = CHECK_DELAY_MS) {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => void runCheck(), delay);
}

async function runCheck() {
  checkSeq += 1;
  const seq = checkSeq;
  inflight?.abort();
  inflight = new AbortController();
  setCheckStatus('checking');
  const revision = useEditor.getState().revision;
  try {
    const result = await api.check(currentDoc(), null, inflight.signal);
    if (seq !== checkSeq) return;
    wentOnline();
    setCheck(result, 'done', revision);
  } catch (err) {
    if (seq !== checkSeq || (err instanceof DOMException && err.name === 'AbortError')) return;
    if (err instanceof OfflineError) {
      wentOffline();
      scheduleCheck(retryDelay);
      retryDelay = Math.min(retryDelay * 2, 4000);
    } else if (err instanceof ApiError) {
      // A document that does not parse: its issues are the report.
      wentOnline();
      const issues = err.body?.issues?.length
        ? err.body.issues
        : [{ code: 'invalid_document' as const, message: err.message }];
      setCheck(emptyResult(issues), 'done', revision);
    } else {
      setCheckStatus('done');
      notify(t('editor.notice.checkFailed', { error: String(err) }), 'error');
    }
  }
}

function wentOffline() {
  if (getS().online) setS({ online: false });
  setCheckStatus('offline');
}

function wentOnline() {
  retryDelay = 500;
  if (!getS().online) {
    setS({ online: true });
    notify(t('editor.notice.reconnected'));
    if (!useEditor.getState().ops.length) void loadCatalog();
  }
}

// --- catalog -----------------------------------------------------------------------------------

export async function loadCatalog() {
  try {
    // The presets' cards take the server a moment the first time: the palette does not wait.
    const presets = api.presets().then(
      (list) => setS({ presets: list }),
      () => undefined, // the start screen says it is loading; Open lists them once they come
    );
    setCatalog(await api.ops());
    void presets;
    void loadDatasets();
    void refreshGraphs();
  } catch (err) {
    if (err instanceof OfflineError) {
      wentOffline();
      setTimeout(() => void loadCatalog(), 1000);
    } else notify(t('editor.notice.noNodeTypes', { error: String(err) }), 'error');
  }
}

export async function refreshGraphs() {
  try {
    setS({ graphs: (await api.graphs()).items });
  } catch {
    /* the list is a convenience; opening by id still works */
  }
}

// --- documents ---------------------------------------------------------------------------------

function adopt(doc: GraphDocument, graphId: string | null, version: number | null, saved: boolean) {
  openDocument(doc);
  const json = docJson(currentDoc());
  // A document not saved yet (a preset, an import, New) is unchanged until it is edited;
  // a saved graph opened at another version differs from its saved copy from the start.
  setS({ graphId, version, savedJson: saved || graphId === null ? json : null, dirty: false, conflict: null, welcome: false, importedWeights: null, preset: null });
  flushDraft();
  setRoute(graphId);
}

function setRoute(graphId: string | null) {
  // Only the editor's own addresses follow the document; a run's page keeps its own.
  if (!/^(#\/?|#\/graphs\/.*)?$/.test(window.location.hash)) return;
  const hash = graphId ? `#/graphs/${graphId}` : '#/';
  if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
}

export function newDocument() {
  adopt(emptyDocument(), null, null, false);
}

// --- unsaved work is never replaced without a word ----------------------------------------------

/** Run `proceed` now when nothing is unsaved, else ask first (save, discard or cancel). */
export function unlessUnsaved(what: Replacement, proceed: () => void | Promise<void>) {
  if (!getS().dirty) return void proceed();
  setS({ pendingDiscard: { what, proceed } });
}

export async function answerDiscard(choice: 'save' | 'discard' | 'cancel') {
  const pending = getS().pendingDiscard;
  setS({ pendingDiscard: null });
  if (!pending || choice === 'cancel') return;
  if (choice === 'save' && !(await save())) return;
  await pending.proceed();
}

const titleOf = (name: string) => getS().presets.find((p) => p.name === name)?.title ?? name;

/** What the menus and the start screen call: each asks before replacing unsaved work. */
export const request = {
  preset: (name: string) => unlessUnsaved({ kind: 'preset', name: titleOf(name) }, () => openPreset(name)),
  graph: (id: string) => unlessUnsaved({ kind: 'graph', name: getS().graphs.find((g) => g.id === id)?.name ?? id }, () => openGraph(id)),
  blank: () => unlessUnsaved({ kind: 'blank' }, newDocument),
  file: (text: string, filename: string) => unlessUnsaved({ kind: 'import', name: filename }, () => importDocument(text, filename)),
  onnx: (file: File) => unlessUnsaved({ kind: 'import', name: file.name }, () => importOnnx(file)),
};

// --- the start screen ---------------------------------------------------------------------------

const WELCOMED_KEY = 'layerlab.welcomed';

export const showWelcome = (welcome = true) => setS({ welcome });

/** Whether this browser has not seen the start screen yet (and from now on, has). */
function firstVisit(): boolean {
  try {
    if (localStorage.getItem(WELCOMED_KEY) === '1') return false;
    localStorage.setItem(WELCOMED_KEY, '1');
  } catch {
    /* storage disabled: every visit is a first one */
  }
  return true;
}

export async function openPreset(name: string) {
  try {
    const preset = await api.preset(name);
    adopt(preset.document, null, null, false);
    setS({ preset: name });
    notify(t('editor.notice.openedPreset', { title: preset.title }));
  } catch (err) {
    notify(t('editor.notice.noPreset', { name, error: String(err) }), 'error');
  }
}

export async function openGraph(id: string) {
  try {
    const record = await api.graph(id);
    adopt(record.document, record.id, record.version, true);
  } catch (err) {
    notify(t('editor.notice.noGraph', { id, error: reason(err) }), 'error');
  }
}

/** A run's graph as it trained: the saved graph when that version is still its newest,
 * else the run's snapshot on top of the newest version (saving it makes a new version). */
export async function openRunGraph(doc: GraphDocument, graphId: string, version: number | null) {
  try {
    const latest = await api.graph(graphId);
    if (version === null || latest.version === version) {
      adopt(latest.document, latest.id, latest.version, true);
      return;
    }
    adopt(doc, latest.id, latest.version, false);
    setS({ dirty: true });
    notify(t('editor.notice.openedVersion', { version, name: latest.name, newest: latest.version }));
  } catch (err) {
    notify(t('editor.notice.noGraph', { id: graphId, error: reason(err) }), 'error');
  }
}

export function importDocument(text: string, filename: string) {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    notify(t('editor.notice.notJson', { name: filename }), 'error');
    return;
  }
  if (!value || typeof value !== 'object' || (value as { format?: unknown }).format !== 'layerlab.graph') {
    notify(t('editor.notice.notAGraph', { name: filename }), 'error');
    return;
  }
  adopt(value as GraphDocument, null, null, false);
  notify(t('editor.notice.imported', { name: filename }));
}

/** An ONNX model as the open document (the server parses it and keeps its weights). */
export async function importOnnx(file: File) {
  try {
    const result = await api.importOnnx(file);
    if (!result.ok || !result.document) {
      notify(refusalMessage(file.name, result.unsupported), 'error');
      return;
    }
    adopt(result.document, null, null, false);
    setS({ importedWeights: result.weights_id });
    notify(t('editor.notice.importedOnnx', { name: file.name, nodes: result.document.nodes?.length ?? 0, tensors: result.tensors, weights: result.weights_id }));
  } catch (err) {
    notify(t('editor.notice.noImport', { name: file.name, error: reason(err) }), 'error');
  }
}

/** Train from a fresh start instead of the imported weights. */
export function dropImportedWeights() {
  setS({ importedWeights: null });
}

export async function save(): Promise<boolean> {
  const { graphId, version } = getS();
  const doc = currentDoc();
  setS({ saving: true });
  try {
    const record = graphId && version !== null ? await api.updateGraph(graphId, version, doc) : await api.createGraph(doc);
    setS({ graphId: record.id, version: record.version, savedJson: docJson(doc), conflict: null });
    setS({ dirty: docJson(currentDoc()) !== getS().savedJson });
    flushDraft();
    setRoute(record.id);
    notify(t('editor.notice.saved', { name: record.name, version: record.version }));
    void refreshGraphs();
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      setS({ conflict: { currentVersion: err.body?.current_version ?? null } });
      notify(t('editor.notice.conflict'), 'error');
    } else {
      notify(t('editor.notice.notSaved', { error: reason(err) }), 'error');
    }
    return false;
  } finally {
    setS({ saving: false });
  }
}

/** After a conflict: save mine over theirs, open theirs, or keep mine as a new graph. */
export async function resolveConflict(choice: 'overwrite' | 'theirs' | 'copy') {
  const { graphId, conflict } = getS();
  if (!conflict || !graphId) return;
  if (choice === 'theirs') {
    await openGraph(graphId);
  } else if (choice === 'overwrite') {
    setS({ version: conflict.currentVersion, conflict: null });
    await save();
  } else {
    setS({ graphId: null, version: null, conflict: null });
    useEditor.setState({
      history: { ...useEditor.getState().history, present: { ...currentDoc(), name: t('editor.notice.copyName', { name: currentDoc().name ?? t('common.untitled') }) } },
    });
    await save();
  }
}

// --- wiring: check, dirty flag and draft follow every document change ---------------------------

let draftTimer: ReturnType<typeof setTimeout> | undefined;

export function startSession() {
  useEditor.subscribe((state, previous) => {
    if (state.revision === previous.revision) return;
    scheduleCheck();
    setS({ dirty: docJson(state.history.present) !== getS().savedJson });
    clearTimeout(draftTimer);
    draftTimer = setTimeout(flushDraft, DRAFT_DELAY_MS);
  });
  window.addEventListener('online', () => scheduleCheck(0));
  // A reload right after typing must not lose the last keystrokes.
  window.addEventListener('pagehide', flushDraft);
}

function flushDraft() {
  clearTimeout(draftTimer);
  const { graphId, version, savedJson } = getS();
  saveDraft({ doc: currentDoc(), graphId, version, savedJson });
}

/** First load: the local draft if there is one (unsaved work survives a reload), else the
 * graph named in the address, else an empty document. */
export async function restore() {
  const draft = loadDraft();
  const wanted = /^#\/graphs\/([A-Za-z0-9_]+)/.exec(window.location.hash)?.[1] ?? null;
  if (draft && (wanted === null || wanted === draft.graphId)) {
    openDocument(draft.doc);
    setS({
      graphId: draft.graphId,
      version: draft.version,
      savedJson: draft.savedJson,
      dirty: docJson(currentDoc()) !== draft.savedJson,
    });
    setRoute(draft.graphId);
    return;
  }
  if (wanted) await openGraph(wanted);
  else {
    newDocument();
    if (firstVisit()) showWelcome();
  }
}
