// The editor's one store. The canvas (React Flow nodes and edges) is the live state; every
// finished edit is committed as a document snapshot into the undo history, whose present
// is THE document: what is checked, saved, drafted and exported.
import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from '@xyflow/react';
import { create } from 'zustand';
import type { CheckResult, GraphDocument, NodeReport } from '../api/types';
import { activeFacts } from '../data/catalog';
import { i18n } from '../i18n';
import { makeBlock } from '../model/blocks';
import type { LayerEdge, LayerNode, Scope } from '../model/canvas';
import { checkView, EMPTY_VIEW, type CheckView } from '../model/checkView';
import { copyFragment, isFragment, pasteFragment, type Fragment } from '../model/clipboard';
import { checkConnection, type Connection } from '../model/connect';
import { canvasToDoc, docToCanvas, emptyDocument, toConnection, toEdge } from '../model/convert';
import { hints, type DatasetFacts } from '../model/fixes';
import { dataProblem } from '../model/readiness';
import { canRedo, canUndo, initHistory, record, redo, seal, undo, type History } from '../model/history';
import { freshBlockName, freshId } from '../model/ids';
import { layoutNodes, PASTE_OFFSET } from '../model/layout';
import { indexOps, portsResolver, type OpIndex, type OpSchema, type PortsOf } from '../model/ops';
import { reconcileEdges, reconcileNodes } from './reconcile';

export type CheckStatus = 'idle' | 'checking' | 'done' | 'offline';

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export interface EditorState {
  ops: OpSchema[];
  opIndex: OpIndex;
  /** Every dataset's facts (built-in and uploads), for the hints: store/datasets.ts sets them. */
  datasets: DatasetFacts[];
  /** Whether `datasets` is the server's catalog yet (until then no set is known missing). */
  datasetsLoaded: boolean;
  history: History<GraphDocument>;
  scope: Scope;
  nodes: LayerNode[];
  edges: LayerEdge[];
  /** Bumped on every change of the document (the checker and the draft listen). */
  revision: number;
  /** Bumped when the view should fit the graph (a document was opened, a scope changed). */
  fitRequest: number;
  check: CheckResult | null;
  /** Each top-level node's last report from a check (shown, marked, while it waits for an error). */
  known: Map<string, NodeReport>;
  /** The revision the check result belongs to (equal to `revision` when it is current). */
  checkedRevision: number;
  checkStatus: CheckStatus;
  /** Nodes were placed by estimated sizes; lay them out again once React Flow has measured them. */
  pendingLayout: boolean;
  /** The canvas' width over its height: a layout wraps a tall graph into columns to match. */
  canvasAspect: number;
  view: CheckView;
  notice: Notice | null;
}

const CLIPBOARD_KEY = 'layerlab.clipboard';
let noticeId = 0;
/** Notices, hints and data problems in the interface's language. */
const t = i18n.t.bind(i18n);

export const useEditor = create<EditorState>(() => ({
  ops: [],
  opIndex: new Map(),
  datasets: [],
  datasetsLoaded: false,
  history: initHistory(emptyDocument()),
  scope: null,
  nodes: [],
  edges: [],
  revision: 0,
  fitRequest: 0,
  check: null,
  known: new Map(),
  checkedRevision: -1,
  checkStatus: 'idle',
  pendingLayout: false,
  canvasAspect: 1.6,
  view: EMPTY_VIEW,
  notice: null,
}));

const get = useEditor.getState;
const set = useEditor.setState;

export const currentDoc = (): GraphDocument => get().history.present;

export function portsOf(doc: GraphDocument = currentDoc()): PortsOf {
  return portsResolver(get().opIndex, doc.blocks ?? []);
}

export function notify(text: string, kind: Notice['kind'] = 'info') {
  noticeId += 1;
  set({ notice: { id: noticeId, kind, text } });
}

function activeDataset(doc: GraphDocument): DatasetFacts | null {
  return activeFacts(doc.training as Record<string, unknown> | undefined, get().datasets);
}

/** Recompute what the canvas shows of the check report (after a check or a scope change). */
export function refreshView() {
  const { check, scope, datasets, datasetsLoaded } = get();
  const doc = currentDoc();
  // An empty graph has nothing wrong with it yet: the canvas says what to do instead.
  if (isEmpty(doc)) return void set({ view: EMPTY_VIEW });
  const training = doc.training as Record<string, unknown> | undefined;
  const data = dataProblem(training, datasetsLoaded ? datasets : null, t);
  set({ view: checkView(check, doc, scope, hints(doc, check, activeDataset(doc), t), data, get().known, portsOf(doc)) });
}

// The hints and data problems are words: say them again in a newly chosen language.
i18n.on('languageChanged', () => refreshView());

/** No node anywhere: a new document, or everything deleted. */
export const isEmpty = (doc: GraphDocument) => !(doc.nodes ?? []).length && !(doc.blocks ?? []).length;

/** `base` with the canvas as it stands written into the scope shown. */
function canvasDocument(base: GraphDocument): GraphDocument {
  const { nodes, edges, scope } = get();
  return canvasToDoc(base, scope, nodes, edges, portsOf(base));
}

/** Show `doc` at `scope` on the canvas, keeping what is unchanged. Nodes without a position
 * are laid out, and the document returned takes their positions: settling is part of
 * showing it, and the caller decides whether that is an undo step. */
function showDocument(doc: GraphDocument, scope: Scope): { doc: GraphDocument; laidOut: boolean } {
  const canvas = docToCanvas(doc, scope, portsOf(doc));
  const laidOut = canvas.unplaced.length > 0;
  const nodes = laidOut ? layoutNodes(canvas.nodes, canvas.edges, new Set(canvas.unplaced), get().canvasAspect) : canvas.nodes;
  const { nodes: before, edges: edgesBefore } = get();
  set({ scope, nodes: reconcileNodes(before, nodes), edges: reconcileEdges(edgesBefore, canvas.edges) });
  return { doc: laidOut ? canvasDocument(doc) : doc, laidOut };
}

function documentChanged(history: History<GraphDocument>) {
  set({ history, revision: get().revision + 1 });
  refreshView();
}

/** Commit the canvas as it stands as one undo step (`key` merges repeated edits of one field). */
export function commitCanvas(key?: string) {
  const { history } = get();
  documentChanged(record(history, canvasDocument(history.present), { key }));
}

/** Commit a whole new document (a fix, a pasted fragment, a new block) as one undo step. */
export function commitDocument(doc: GraphDocument, key?: string) {
  const shown = showDocument(doc, get().scope);
  documentChanged(record(get().history, shown.doc, { key }));
}

/** Open a document: a new history, the top level, the view fitted. */
export function openDocument(doc: GraphDocument) {
  set({ nodes: [], edges: [], check: null, known: new Map() });
  const shown = showDocument(doc, null);
  set({ history: initHistory(shown.doc), revision: get().revision + 1, fitRequest: get().fitRequest + 1, pendingLayout: shown.laidOut });
  refreshView();
}

export function setCatalog(ops: OpSchema[], datasets?: DatasetFacts[]) {
  set({ ops, opIndex: indexOps(ops), ...(datasets ? { datasets, datasetsLoaded: true } : {}) });
  // Ports depend on the op declarations: re-derive the canvas once they are known.
  showDocument(currentDoc(), get().scope);
  refreshView();
}

export function setDatasets(datasets: DatasetFacts[]) {
  set({ datasets, datasetsLoaded: true });
  refreshView();
}

// --- canvas events -------------------------------------------------------------------

export function onNodesChange(changes: NodeChange<LayerNode>[]) {
  const nodes = applyNodeChanges(changes, get().nodes);
  set({ nodes });
  const removed = changes.some((c) => c.type === 'remove');
  const moved = changes.some((c) => c.type === 'position' && c.dragging === false);
  if (removed) {
    const ids = new Set(nodes.map((n) => n.id));
    set({ edges: get().edges.filter((e) => ids.has(e.source) && ids.has(e.target)) });
  }
  if (removed || moved) commitCanvas();
  else if (get().pendingLayout && changes.some((c) => c.type === 'dimensions')) settleLayout();
}

export function onEdgesChange(changes: EdgeChange<LayerEdge>[]) {
  set({ edges: applyEdgeChanges(changes, get().edges) });
  if (changes.some((c) => c.type === 'remove')) commitCanvas();
}

export function connectionVerdict(c: Connection) {
  const { nodes, edges } = get();
  const graph = { nodes: nodes.map((n) => ({ id: n.id, type: n.data.type, network: n.data.network })), edges: edges.map(toConnection) };
  return checkConnection(graph, c, portsOf());
}

export function connect(c: Connection): boolean {
  const verdict = connectionVerdict(c);
  if (!verdict.ok) {
    notify(t('editor.notice.notConnected', { reason: verdict.reason }), 'error');
    return false;
  }
  set({ edges: [...get().edges, toEdge(c)] });
  commitCanvas();
  return true;
}

// --- editing ---------------------------------------------------------------------------

export function addNode(type: string, position: { x: number; y: number }): string {
  const { nodes } = get();
  const id = freshId(type, new Set(nodes.map((n) => n.id)));
  const node: LayerNode = {
    id,
    type: 'layer',
    position,
    selected: true,
    data: { type, params: {}, repeat: 1, network: null, label: null },
  };
  set({ nodes: [...nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node] });
  commitCanvas();
  return id;
}

function updateNode(id: string, update: (n: LayerNode) => LayerNode) {
  set({ nodes: get().nodes.map((n) => (n.id === id ? update(n) : n)) });
}

/** Set (or, with undefined, clear back to the default) one parameter of a node. */
export function setParam(id: string, name: string, value: unknown) {
  updateNode(id, (n) => {
    const params = { ...n.data.params };
    if (value === undefined) delete params[name];
    else params[name] = value;
    return { ...n, data: { ...n.data, params } };
  });
  commitCanvas(`param:${id}:${name}`);
}

export function setNodeFields(id: string, fields: Partial<Pick<LayerNode['data'], 'repeat' | 'label' | 'network'>>) {
  updateNode(id, (n) => ({ ...n, data: { ...n.data, ...fields } }));
  commitCanvas(`node:${id}:${Object.keys(fields).join(',')}`);
}

/** A field lost focus: its next edit is a new undo step. */
export function sealEdit() {
  const { history } = get();
  const sealed = seal(history);
  if (sealed !== history) set({ history: sealed });
}

export function selectOnly(ids: readonly string[]) {
  const chosen = new Set(ids);
  set({
    nodes: get().nodes.map((n) => (Boolean(n.selected) === chosen.has(n.id) ? n : { ...n, selected: chosen.has(n.id) })),
    edges: get().edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
  });
}

export const selectedIds = () => get().nodes.filter((n) => n.selected).map((n) => n.id);

export function selectAll() {
  selectOnly(get().nodes.map((n) => n.id));
}

export function deleteSelected() {
  const { nodes, edges } = get();
  const gone = new Set(nodes.filter((n) => n.selected).map((n) => n.id));
  const keptEdges = edges.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target));
  if (!gone.size && keptEdges.length === edges.length) return;
  set({ nodes: nodes.filter((n) => !gone.has(n.id)), edges: keptEdges });
  commitCanvas();
}

export function undoEdit() {
  const { history, scope } = get();
  if (!canUndo(history)) return;
  const next = undo(history);
  showDocument(next.present, scopeExists(next.present, scope) ? scope : null);
  documentChanged(next);
}

export function redoEdit() {
  const { history, scope } = get();
  if (!canRedo(history)) return;
  const next = redo(history);
  showDocument(next.present, scopeExists(next.present, scope) ? scope : null);
  documentChanged(next);
}

const scopeExists = (doc: GraphDocument, scope: Scope) =>
  scope === null || (doc.blocks ?? []).some((b) => b.name === scope);

// --- clipboard -------------------------------------------------------------------------

export function copySelection(): Fragment | null {
  const ids = selectedIds();
  if (!ids.length) return null;
  const fragment = copyFragment(currentDoc(), get().scope, ids);
  // localStorage reaches every tab and document of this browser.
  localStorage.setItem(CLIPBOARD_KEY, JSON.stringify(fragment));
  notify(t('editor.notice.copied', { count: ids.length }));
  return fragment;
}

export function pasteClipboard(offset: { x: number; y: number } = PASTE_OFFSET) {
  let fragment: unknown;
  try {
    fragment = JSON.parse(localStorage.getItem(CLIPBOARD_KEY) ?? 'null');
  } catch {
    fragment = null;
  }
  if (!isFragment(fragment)) {
    notify(t('editor.notice.nothingToPaste'));
    return;
  }
  pasteInto(fragment, offset);
}

function pasteInto(fragment: Fragment, offset: { x: number; y: number }) {
  const { doc, ids } = pasteFragment(currentDoc(), get().scope, fragment, offset, new Set(get().opIndex.keys()));
  commitDocument(doc);
  selectOnly(ids);
}

export function duplicateSelection() {
  const ids = selectedIds();
  if (!ids.length) return;
  pasteInto(copyFragment(currentDoc(), get().scope, ids), PASTE_OFFSET);
}

// --- blocks, scope, layout ---------------------------------------------------------------

export function makeBlockFromSelection(): boolean {
  if (get().scope !== null) {
    notify(t('editor.notice.blockAtTop'), 'error');
    return false;
  }
  const doc = currentDoc();
  const taken = new Set([...get().opIndex.keys(), ...(doc.blocks ?? []).map((b) => b.name)]);
  const result = makeBlock(doc, selectedIds(), freshBlockName(taken), portsOf(doc));
  if (!result.ok) {
    notify(t('editor.notice.noBlock', { reason: result.reason }), 'error');
    return false;
  }
  commitDocument(result.doc);
  selectOnly([result.instanceId]);
  return true;
}

export function openScope(scope: Scope) {
  const doc = currentDoc();
  if (!scopeExists(doc, scope)) return;
  set({ nodes: [], edges: [] });
  const shown = showDocument(doc, scope);
  // A block drawn without positions gets them now, without an undo step of its own.
  if (shown.laidOut) set({ history: { ...get().history, present: shown.doc }, pendingLayout: true });
  set({ fitRequest: get().fitRequest + 1 });
  refreshView();
}

/** Lay the whole canvas out again, at the nodes' measured sizes, and fit the view to it. */
function layOutCanvas() {
  const { nodes, edges, fitRequest, canvasAspect } = get();
  set({ nodes: layoutNodes(nodes, edges, undefined, canvasAspect), fitRequest: fitRequest + 1 });
}

/** The first layout of a document without positions used estimated node sizes; now that
 * every node is measured, lay it out again (part of opening it: no undo step). */
export function settleLayout() {
  const { nodes, pendingLayout } = get();
  if (!pendingLayout || nodes.some((n) => !n.measured?.height)) return;
  layOutCanvas();
  set({ history: { ...get().history, present: canvasDocument(get().history.present) }, pendingLayout: false });
}

export function autoLayout() {
  layOutCanvas();
  commitCanvas();
}

// --- document-level edits -------------------------------------------------------------------

export function editDocument(update: (doc: GraphDocument) => GraphDocument, key?: string) {
  commitDocument(update(currentDoc()), key);
}

export function setCheck(check: CheckResult | null, checkStatus: CheckStatus, checkedRevision: number) {
  const known = new Map(get().known);
  for (const r of check?.nodes ?? []) known.set(r.id, r);
  set({ check, checkStatus, checkedRevision, known });
  refreshView();
}

export const setCheckStatus = (checkStatus: CheckStatus) => set({ checkStatus });

export function setCanvasAspect(width: number, height: number) {
  if (width > 0 && height > 0) set({ canvasAspect: width / height });
}
