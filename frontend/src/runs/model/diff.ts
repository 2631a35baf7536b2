// What differs between two runs: their training settings (flattened to dotted paths)
// and their graphs (nodes added, removed or changed, by id; edges added or removed).
// The words of a change are said by `t` (runs.diff).
import type { EdgeDoc, GraphDocument, NodeDoc } from '../../api/types';
import type { Translate } from '../../model/translate';

export interface SettingChange {
  path: string;
  a: unknown;
  b: unknown;
}

/** One thing that changed in a node: its type, a parameter (by path), its repeat count
 * or the network it belongs to. */
export interface NodeDetail {
  kind: 'type' | 'param' | 'repeat' | 'network';
  /** The parameter's dotted path (kind `param`). */
  path?: string;
  from: unknown;
  to: unknown;
}

export interface NodeChange {
  id: string;
  type: string;
  /** What changed, said by `sayDetail`: "type Linear → Conv2d", "out_features 16 → 32". */
  details: NodeDetail[];
}

export interface GraphDiff {
  added: NodeDoc[];
  removed: NodeDoc[];
  changed: NodeChange[];
  edgesAdded: string[];
  edgesRemoved: string[];
  blocksChanged: string[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** {a: {b: 1}, c: [1, 2]} -> {"a.b": 1, "c": [1, 2]} (arrays are leaves). */
export function flatten(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (!keys.length && prefix) out[prefix] = value;
    for (const key of keys) flatten(value[key], prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) {
    out[prefix] = value;
  }
  return out;
}

/** Equal as JSON: settings and parameters are JSON values. */
export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function settingsDiff(a: unknown, b: unknown): SettingChange[] {
  const fa = flatten(a);
  const fb = flatten(b);
  const paths = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort();
  return paths.filter((p) => !same(fa[p], fb[p])).map((path) => ({ path, a: fa[path], b: fb[path] }));
}

export function showValue(v: unknown, t: Translate): string {
  if (v === undefined) return t('runs.diff.unset');
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

const edgeName = (e: EdgeDoc) =>
  `${e.source}${e.source_port ? `.${e.source_port}` : ''} → ${e.target}${e.target_port ? `.${e.target_port}` : ''}`;

function nodeChanges(a: NodeDoc, b: NodeDoc): NodeDetail[] {
  const details: NodeDetail[] = [];
  if (a.type !== b.type) details.push({ kind: 'type', from: a.type, to: b.type });
  for (const c of settingsDiff(a.params ?? {}, b.params ?? {})) details.push({ kind: 'param', path: c.path, from: c.a, to: c.b });
  if ((a.repeat ?? 1) !== (b.repeat ?? 1)) details.push({ kind: 'repeat', from: a.repeat ?? 1, to: b.repeat ?? 1 });
  if ((a.network ?? null) !== (b.network ?? null)) details.push({ kind: 'network', from: a.network ?? '–', to: b.network ?? '–' });
  return details;
}

/** A node's change for people: "out_features 16 → 32", "type Tanh → ReLU". */
export function sayDetail(d: NodeDetail, t: Translate): string {
  const from = showValue(d.from, t);
  const to = showValue(d.to, t);
  return d.kind === 'param' ? t('runs.diff.param', { path: d.path, from, to }) : t(`runs.diff.${d.kind}`, { from, to });
}

/** Changes from graph `a` to graph `b` (positions and labels are not changes). */
export function graphDiff(a: GraphDocument, b: GraphDocument): GraphDiff {
  const nodesA = new Map((a.nodes ?? []).map((n) => [n.id, n]));
  const nodesB = new Map((b.nodes ?? []).map((n) => [n.id, n]));
  const changed: NodeChange[] = [];
  for (const [id, nb] of nodesB) {
    const na = nodesA.get(id);
    if (!na) continue;
    const details = nodeChanges(na, nb);
    if (details.length) changed.push({ id, type: nb.type, details });
  }
  const edgesA = new Set((a.edges ?? []).map(edgeName));
  const edgesB = new Set((b.edges ?? []).map(edgeName));
  const blocksA = new Map((a.blocks ?? []).map((x) => [x.name, x]));
  const blocksB = new Map((b.blocks ?? []).map((x) => [x.name, x]));
  const blockNames = [...new Set([...blocksA.keys(), ...blocksB.keys()])];
  return {
    added: [...nodesB.values()].filter((n) => !nodesA.has(n.id)),
    removed: [...nodesA.values()].filter((n) => !nodesB.has(n.id)),
    changed,
    edgesAdded: [...edgesB].filter((e) => !edgesA.has(e)),
    edgesRemoved: [...edgesA].filter((e) => !edgesB.has(e)),
    blocksChanged: blockNames.filter((name) => !same(blocksA.get(name), blocksB.get(name))).sort(),
  };
}

export function isEmptyDiff(d: GraphDiff): boolean {
  return !d.added.length && !d.removed.length && !d.changed.length && !d.edgesAdded.length && !d.edgesRemoved.length && !d.blocksChanged.length;
}
