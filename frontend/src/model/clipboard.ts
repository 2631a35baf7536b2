// Copy and paste between documents: a fragment carries nodes, the edges among them and
// the block definitions they use; pasting renames whatever would clash.
import type { BlockDoc, EdgeDoc, GraphDocument, NodeDoc } from '../api/types';
import type { Scope } from './canvas';
import { bodyOf, withBody } from './convert';
import { freshBlockName, freshId } from './ids';

export interface Fragment {
  format: 'layerlab.fragment';
  nodes: NodeDoc[];
  edges: EdgeDoc[];
  blocks: BlockDoc[];
}

export function isFragment(value: unknown): value is Fragment {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { format?: unknown }).format === 'layerlab.fragment' &&
    Array.isArray((value as Fragment).nodes)
  );
}

/** Block definitions `types` need, their own inner blocks included. */
function blocksUsed(doc: GraphDocument, types: Iterable<string>): BlockDoc[] {
  const byName = new Map((doc.blocks ?? []).map((b) => [b.name, b]));
  const out = new Map<string, BlockDoc>();
  const queue = [...types];
  while (queue.length) {
    const t = queue.pop() as string;
    const b = byName.get(t);
    if (!b || out.has(t)) continue;
    out.set(t, b);
    queue.push(...b.nodes.map((n) => n.type));
  }
  return [...out.values()];
}

export function copyFragment(doc: GraphDocument, scope: Scope, ids: readonly string[]): Fragment {
  const chosen = new Set(ids);
  const body = bodyOf(doc, scope);
  const nodes = body.nodes.filter((n) => chosen.has(n.id));
  return {
    format: 'layerlab.fragment',
    nodes,
    edges: body.edges.filter((e) => chosen.has(e.source) && chosen.has(e.target)),
    blocks: blocksUsed(doc, nodes.map((n) => n.type)),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function pasteFragment(
  doc: GraphDocument,
  scope: Scope,
  fragment: Fragment,
  offset: { x: number; y: number },
  reservedTypes: ReadonlySet<string> = new Set(),
): { doc: GraphDocument; ids: string[] } {
  // Blocks: reuse an identical definition, rename a different one with the same name.
  const blocks = [...(doc.blocks ?? [])];
  const rename = new Map<string, string>();
  const taken = new Set([...blocks.map((b) => b.name), ...reservedTypes]);
  for (const b of fragment.blocks) {
    const existing = blocks.find((x) => x.name === b.name);
    if (existing && same(existing, b)) continue;
    const name = existing || reservedTypes.has(b.name) ? freshBlockName(taken, b.name.replace(/\d+$/, '') || 'Block') : b.name;
    taken.add(name);
    rename.set(b.name, name);
  }
  const retype = (n: NodeDoc): NodeDoc => ({ ...n, type: rename.get(n.type) ?? n.type });
  for (const b of fragment.blocks) {
    const name = rename.get(b.name);
    if (name) blocks.push({ ...b, name, nodes: b.nodes.map(retype) });
  }

  const body = bodyOf(doc, scope);
  const ids = new Set(body.nodes.map((n) => n.id));
  const idOf = new Map<string, string>();
  for (const n of fragment.nodes) {
    const id = ids.has(n.id) ? freshId(n.id.replace(/_\d+$/, ''), ids) : n.id;
    ids.add(id);
    idOf.set(n.id, id);
  }
  const nodes = fragment.nodes.map((n) => {
    const { network, ...rest } = retype(n);
    return {
      ...rest,
      ...(scope === null && network ? { network } : {}),
      id: idOf.get(n.id) as string,
      position: { x: (n.position?.x ?? 0) + offset.x, y: (n.position?.y ?? 0) + offset.y },
    };
  });
  const edges = fragment.edges.map((e) => ({
    ...e,
    source: idOf.get(e.source) as string,
    target: idOf.get(e.target) as string,
  }));
  const next = withBody({ ...doc, blocks }, scope, {
    nodes: [...body.nodes, ...nodes],
    edges: [...body.edges, ...edges],
  });
  return { doc: next, ids: nodes.map((n) => n.id) };
}
