// The server's check report seen from the canvas' current scope: per node its report and
// issues, per edge the tensor it carries. Inside a block, shapes come from the block's
// first instance (`layer1.0.conv1`), and issues from the block definition.
import type { CheckResult, GraphDocument, GraphIssue, NodeReport, TensorSpec } from '../api/types';
import type { ServerText } from '../i18n/messages';
import { edgeKey, type Scope } from './canvas';
import type { Hint } from './fixes';
import type { PortsOf } from './ops';
import type { DataProblem } from './readiness';

export interface ViewIssue {
  level: 'error' | 'warning';
  code: string;
  message: string;
  port: string | null;
  field: string | null;
  /** The node to jump to on the current canvas, or null for the document as a whole. */
  nodeId: string | null;
  /** The block the issue lies in, when it is not on the current canvas. */
  block: string | null;
  hint?: Hint;
  /** Where on its node, in words: "input x", "output y" (null for the node as a whole). */
  where: string | null;
  /** A fix that is not a document edit: open the dataset picker. */
  action?: { kind: 'choose-dataset'; label: string };
  /** The server's own text (catalog key, parameters, English), to say it in the reader's language. */
  text?: ServerText;
  /** Set when the issue lies inside a block shown as one node (`message` then names it). */
  inBlock?: { block: string; node: string | null };
}

export interface CheckView {
  reports: ReadonlyMap<string, NodeReport>;
  /** Nodes shown with their last known report: they wait for an error upstream. */
  stale: ReadonlySet<string>;
  /** Per node left out of inference, the nodes with errors it waits for. */
  blocked: ReadonlyMap<string, readonly string[]>;
  /** Parameters of the stale nodes, as they were before the error. */
  staleParams: number;
  issues: ReadonlyMap<string, ViewIssue[]>;
  edgeSpecs: ReadonlyMap<string, TensorSpec>;
  all: ViewIssue[];
}

export const EMPTY_VIEW: CheckView = { reports: new Map(), stale: new Set(), blocked: new Map(), staleParams: 0, issues: new Map(), edgeSpecs: new Map(), all: [] };

/** "input x" or "output y": a port said for people (the port notation `· x` was cryptic). */
export function portWords(port: string | null | undefined, type: string | undefined, portsOf?: PortsOf): string | null {
  if (!port) return null;
  const outputs = type && portsOf ? portsOf(type).outputs.map((p) => p.name) : [];
  return `${outputs.includes(port) ? 'output' : 'input'} ${port}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function checkView(
  check: CheckResult | null,
  doc: GraphDocument,
  scope: Scope,
  hints: readonly Hint[] = [],
  data: DataProblem | null = null,
  known: ReadonlyMap<string, NodeReport> = new Map(),
  portsOf?: PortsOf,
): CheckView {
  const dataIssue: ViewIssue[] = data
    ? [{ level: 'warning', code: data.code, message: data.message, port: null, where: null, field: null, nodeId: null, block: null, action: { kind: 'choose-dataset', label: data.fixLabel } }]
    : [];
  if (!check) return dataIssue.length ? { ...EMPTY_VIEW, all: dataIssue } : EMPTY_VIEW;
  const reports = new Map<string, NodeReport>();
  const edgeSpecs = new Map<string, TensorSpec>();
  const issues = new Map<string, ViewIssue[]>();
  const all: ViewIssue[] = [];
  const topNodes = doc.nodes ?? [];
  const typeOf = new Map(topNodes.map((n) => [n.id, n.type]));
  const stale = new Set<string>();
  const blocked = new Map<string, readonly string[]>((check.blocked ?? []).map((b) => [b.id, b.by]));
  let staleParams = 0;
  const instancesOf = (block: string) => topNodes.filter((n) => n.type === block).map((n) => n.id);

  if (scope === null) {
    for (const r of check.nodes) reports.set(r.id, r);
    // What waits for an error keeps its last known shapes and counts, marked as such.
    for (const id of blocked.keys()) {
      const before = known.get(id);
      if (reports.has(id) || !before || before.type !== typeOf.get(id)) continue;
      reports.set(id, before);
      stale.add(id);
      staleParams += before.params;
    }
    for (const e of check.edges) {
      const spec = e.spec ?? (stale.has(e.source) ? reports.get(e.source)?.outputs[e.source_port] : undefined);
      if (spec) edgeSpecs.set(edgeKey(e.source, e.source_port, e.target, e.target_port), spec);
    }
  } else {
    const first = instancesOf(scope)[0];
    const prefix = first ? `${first}.0.` : null;
    if (prefix) {
      for (const r of check.inner) {
        if (r.id.startsWith(prefix) && !r.id.slice(prefix.length).includes('.')) {
          reports.set(r.id.slice(prefix.length), { ...r, id: r.id.slice(prefix.length) });
        }
      }
      const block = (doc.blocks ?? []).find((b) => b.name === scope);
      for (const n of block?.nodes ?? []) {
        const r = reports.get(n.id);
        // Inside a block the wiring is local; the source's output spec is the edge's spec.
        if (!r) continue;
        for (const [port, spec] of Object.entries(r.outputs)) edgeSpecs.set(`${n.id}.${port}`, spec);
      }
    }
  }

  const add = (level: ViewIssue['level'], issue: GraphIssue) => {
    let nodeId: string | null = null;
    let block: string | null = issue.block ?? null;
    if (scope === null) {
      if (!issue.block) nodeId = issue.node_id ?? null;
      else nodeId = instancesOf(issue.block)[0] ?? null; // mark the instance that holds it
    } else if (issue.block === scope) {
      nodeId = issue.node_id ?? null;
      block = null;
    }
    const view: ViewIssue = {
      level,
      code: issue.code,
      message: issue.block && scope === null ? `in block ${issue.block}, ${issue.node_id ?? ''}: ${issue.message}` : issue.message,
      port: scope === null && issue.block ? null : issue.port ?? null,
      where: scope === null && issue.block ? null : portWords(issue.port, issue.node_id ? typeOf.get(issue.node_id) : undefined, scope === null ? portsOf : undefined),
      field: issue.field ?? null,
      nodeId,
      block,
      text: { key: issue.key, params: issue.params, message: issue.message },
      inBlock: issue.block && scope === null ? { block: issue.block, node: issue.node_id ?? null } : undefined,
    };
    all.push(view);
    if (nodeId) push(issues, nodeId, view);
  };
  check.errors.forEach((i) => add('error', i));
  check.warnings.forEach((i) => add('warning', i));
  all.push(...dataIssue);
  if (scope === null) {
    for (const h of hints) {
      const view: ViewIssue = { level: 'warning', code: 'hint', message: h.message, port: h.port, where: portWords(h.port, typeOf.get(h.nodeId), portsOf), field: null, nodeId: h.nodeId, block: null, hint: h };
      all.push(view);
      push(issues, h.nodeId, view);
    }
  }
  return { reports, stale, blocked, staleParams, issues, edgeSpecs, all };
}

/** The spec an edge carries on the current canvas. */
export function edgeSpec(view: CheckView, scope: Scope, source: string, sourcePort: string, target: string, targetPort: string) {
  return scope === null
    ? view.edgeSpecs.get(edgeKey(source, sourcePort, target, targetPort))
    : view.edgeSpecs.get(`${source}.${sourcePort}`);
}
