// Hints the editor adds to the server's report where the fix is obvious, each with the
// fix itself as a pure document edit: Flatten before a Linear fed an image, a head whose
// size does not match the dataset's classes, an Input that does not match the dataset.
// (Choosing a dataset applies the dataset's fixes at once: model/applyDataset.ts.)
import type { CheckResult, GraphDocument, NodeDoc } from '../api/types';
import { freshId } from './ids';
import { currentT, type TFunction } from './translate';

/** What the hints and `applyDataset` need to know of a dataset: a built-in set from
 * GET /api/datasets, or an upload (then `upload` is its sha256 and `options` the
 * dataset_options that train on it). */
export interface DatasetFacts {
  /** The registry name, as `training.dataset` holds it: mnist, csv, image_zip, ... */
  name: string;
  /** What people call it, when not its registry name (an upload's file name). */
  label?: string;
  /** The `training.dataset_options` it trains with (an upload's, naming its file). */
  options?: Record<string, unknown>;
  upload?: string | null;
  input_shape?: number[] | null;
  input_dtype?: string | null;
  /** class, value, sequence or none */
  target?: string | null;
  num_classes?: number | null;
  /** Why it cannot train here (the server's sentence), when it waits for a file. */
  unavailable?: string | null;
}

export interface Fix {
  label: string;
  apply: (doc: GraphDocument) => GraphDocument;
}

export interface Hint {
  key: string;
  nodeId: string;
  port: string | null;
  message: string;
  fix: Fix;
}

export const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** `value` undefined clears the parameter back to its default. */
export function setParam(doc: GraphDocument, id: string, name: string, value: unknown): GraphDocument {
  return {
    ...doc,
    nodes: (doc.nodes ?? []).map((n) => {
      if (n.id !== id) return n;
      const params: Record<string, unknown> = { ...(n.params ?? {}) };
      if (value === undefined) delete params[name];
      else params[name] = value;
      return { ...n, params };
    }),
  };
}

/** Put a new node of `type` on the edge source -> target (top level). */
export function insertBetween(doc: GraphDocument, source: string, target: string, type: string): GraphDocument {
  const nodes = doc.nodes ?? [];
  const id = freshId(type, new Set(nodes.map((n) => n.id)));
  const s = nodes.find((n) => n.id === source);
  const t = nodes.find((n) => n.id === target);
  const node: NodeDoc = { id, type, ...(t?.network ? { network: t.network } : {}) };
  if (s?.position && t?.position) {
    node.position = { x: Math.round(((s.position.x ?? 0) + (t.position.x ?? 0)) / 2), y: Math.round(((s.position.y ?? 0) + (t.position.y ?? 0)) / 2) };
  }
  const at = nodes.findIndex((n) => n.id === target);
  const nextNodes = [...nodes];
  nextNodes.splice(at < 0 ? nextNodes.length : at, 0, node);
  const edges = (doc.edges ?? []).flatMap((e) =>
    e.source === source && e.target === target
      ? [
          { source, target: id, ...(e.source_port ? { source_port: e.source_port } : {}) },
          { source: id, target, ...(e.target_port ? { target_port: e.target_port } : {}) },
        ]
      : [e],
  );
  return { ...doc, nodes: nextNodes, edges };
}

/** The Linear that produces what an Output receives, looking back through shape-keeping nodes. */
export function headOf(doc: GraphDocument, output: NodeDoc): NodeDoc | null {
  const byId = new Map((doc.nodes ?? []).map((n) => [n.id, n]));
  let current = output.id;
  for (let step = 0; step < 4; step += 1) {
    const feeds = (doc.edges ?? []).filter((e) => e.target === current);
    if (feeds.length !== 1) return null;
    const source = byId.get((feeds[0] as { source: string }).source);
    if (!source) return null;
    if (source.type === 'Linear') return source;
    current = source.id;
  }
  return null;
}

/** The hints, in the words of `t`. */
export function hints(doc: GraphDocument, check: CheckResult | null, dataset: DatasetFacts | null, t: TFunction = currentT): Hint[] {
  const out: Hint[] = [];
  const nodes = doc.nodes ?? [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const edge of check?.edges ?? []) {
    const target = byId.get(edge.target);
    const shape = edge.spec?.shape;
    if (target?.type === 'Linear' && shape && shape.length >= 3) {
      out.push({
        key: `flatten:${edge.source}->${edge.target}`,
        nodeId: edge.target,
        port: edge.target_port,
        message: t('editor.hint.flatten', { node: edge.target, shape: shape.join('×') }),
        fix: { label: t('editor.hint.flattenFix', { node: edge.target }), apply: (d) => insertBetween(d, edge.source, edge.target, 'Flatten') },
      });
    }
  }
  if (!dataset) return out;
  const training = (doc.training ?? {}) as Record<string, unknown>;
  const input = nodes.find((n) => n.type === 'Input');
  const shape = (input?.params as Record<string, unknown> | undefined)?.shape;
  if (input && dataset.input_shape && Array.isArray(shape) && !sameShape(shape as number[], dataset.input_shape)) {
    const want = dataset.input_shape;
    out.push({
      key: `input-shape:${input.id}`,
      nodeId: input.id,
      port: null,
      message: t('editor.hint.input', { node: input.id, shape: (shape as number[]).join('×'), dataset: dataset.label ?? dataset.name, want: want.join('×') }),
      fix: { label: t('editor.hint.inputFix', { node: input.id, want: want.join('×') }), apply: (d) => setParam(d, input.id, 'shape', want) },
    });
  }
  const classes = dataset.num_classes;
  const task = training.task ?? 'classification';
  if (classes && task === 'classification') {
    for (const output of nodes.filter((n) => n.type === 'Output' && (n.network ?? null) === (input?.network ?? null))) {
      const head = headOf(doc, output);
      if (!head) continue;
      const report = check?.nodes.find((n) => n.id === head.id);
      const size = report?.outputs.y?.shape.at(-1) ?? (head.params as Record<string, unknown> | undefined)?.out_features;
      if (typeof size === 'number' && size !== classes) {
        out.push({
          key: `head:${head.id}`,
          nodeId: head.id,
          port: null,
          message: t('editor.hint.head', { node: head.id, size, dataset: dataset.label ?? dataset.name, classes }),
          fix: { label: t('editor.hint.headFix', { node: head.id, classes }), apply: (d) => setParam(d, head.id, 'out_features', classes) },
        });
      }
    }
  }
  return out;
}
