// The server's check report seen from the canvas' current scope: per node its report and
// issues, per edge the tensor it carries. Inside a block, shapes come from the block's
// first instance (`layer1.0.conv1`), and issues from the block definition.
import type { CheckResult, GraphDocument, GraphIssue, NodeReport, TensorSpec } from '../api/types';
import { edgeKey, type Scope } from './canvas';
import type { Hint } from './fixes';
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
  /** A fix that is not a document edit: open the dataset picker. */
  action?: { kind: 'choose-dataset'; label: string };
}

export interface CheckView {
  reports: ReadonlyMap<string, NodeReport>;
  issues: ReadonlyMap<string, ViewIssue[]>;
  edgeSpecs: ReadonlyMap<string, TensorSpec>;
  all: ViewIssue[];
}

export const EMPTY_VIEW: CheckView = { reports: new Map(), issues: new Map(), edgeSpecs: new Map(), all: [] };

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
): CheckView {
  const dataIssue: ViewIssue[] = data
    ? [{ level: 'warning', code: data.code, message: data.message, port: null, field: null, nodeId: null, block: null, action: { kind: 'choose-dataset', label: data.fixLabel } }]
    : [];
  if (!check) return dataIssue.length ? { ...EMPTY_VIEW, all: dataIssue } : EMPTY_VIEW;
  const reports = new Map<string, NodeReport>();
  const edgeSpecs = new Map<string, TensorSpec>();
  const issues = new Map<string, ViewIssue[]>();
  const all: ViewIssue[] = [];
  const topNodes = doc.nodes ?? [];
  const instancesOf = (block: string) => topNodes.filter((n) => n.type === block).map((n) => n.id);

  if (scope === null) {
    for (const r of check.nodes) reports.set(r.id, r);
    for (const e of check.edges) {
      if (e.spec) edgeSpecs.set(edgeKey(e.source, e.source_port, e.target, e.target_port), e.spec);
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
      field: issue.field ?? null,
      nodeId,
      block,
    };
    all.push(view);
    if (nodeId) push(issues, nodeId, view);
  };
  check.errors.forEach((i) => add('error', i));
  check.warnings.forEach((i) => add('warning', i));
  all.push(...dataIssue);
  if (scope === null) {
    for (const h of hints) {
      const view: ViewIssue = { level: 'warning', code: 'hint', message: h.message, port: h.port, field: null, nodeId: h.nodeId, block: null, hint: h };
      all.push(view);
      push(issues, h.nodeId, view);
    }
  }
  return { reports, issues, edgeSpecs, all };
}

/** The spec an edge carries on the current canvas. */
export function edgeSpec(view: CheckView, scope: Scope, source: string, sourcePort: string, target: string, targetPort: string) {
  return scope === null
    ? view.edgeSpecs.get(edgeKey(source, sourcePort, target, targetPort))
    : view.edgeSpecs.get(`${source}.${sourcePort}`);
}
