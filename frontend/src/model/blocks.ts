// Making a block from selected nodes: the selection moves into a new block definition
// whose Input/Output nodes stand for the wires that crossed the selection's border, and
// one instance of the block takes its place.
import type { BlockDoc, EdgeDoc, GraphDocument, NodeDoc } from '../api/types';
import { bodyOf, resolvePorts, withBody } from './convert';
import { freshId } from './ids';
import type { PortsOf } from './ops';
import { currentT, type TFunction } from './translate';

export type MakeBlockResult =
  | { ok: true; doc: GraphDocument; instanceId: string }
  | { ok: false; reason: string };

const portNames = (stem: string, n: number) =>
  Array.from({ length: n }, (_, i) => (n === 1 ? stem : `${stem}${i + 1}`));

export function makeBlock(
  doc: GraphDocument,
  ids: readonly string[],
  name: string,
  portsOf: PortsOf,
  t: TFunction = currentT,
): MakeBlockResult {
  const body = bodyOf(doc, null);
  const chosen = new Set(ids);
  const inside = body.nodes.filter((n) => chosen.has(n.id));
  if (!inside.length) return { ok: false, reason: t('editor.block.empty') };
  const ports = inside.filter((n) => n.type === 'Input' || n.type === 'Output');
  if (ports.length) {
    return { ok: false, reason: t('editor.block.ports', { nodes: ports.map((n) => n.id).join(', ') }) };
  }
  const networks = new Set(inside.map((n) => n.network ?? null));
  if (networks.size > 1) return { ok: false, reason: t('editor.block.networks') };
  const wires = resolvePorts(body, portsOf);
  const incoming = wires.filter((w) => chosen.has(w.target) && !chosen.has(w.source));
  const outgoing = wires.filter((w) => chosen.has(w.source) && !chosen.has(w.target));
  const internal = wires.filter((w) => chosen.has(w.source) && chosen.has(w.target));
  if (!incoming.length) return { ok: false, reason: t('editor.block.noInput') };
  if (!outgoing.length) return { ok: false, reason: t('editor.block.noOutput') };

  // One block input per distinct source wire, one output per distinct inner result.
  const inKeys = [...new Set(incoming.map((w) => `${w.source}.${w.source_port}`))];
  const outKeys = [...new Set(outgoing.map((w) => `${w.source}.${w.source_port}`))];
  const inIds = portNames('x', inKeys.length);
  const outIds = portNames('y', outKeys.length);
  const inOf = new Map(inKeys.map((k, i) => [k, inIds[i] as string]));
  const outOf = new Map(outKeys.map((k, i) => [k, outIds[i] as string]));

  const xs = inside.map((n) => n.position?.x ?? 0);
  const ys = inside.map((n) => n.position?.y ?? 0);
  const left = Math.min(...xs);
  const top = Math.min(...ys);
  const bottom = Math.max(...ys);
  const strip = (n: NodeDoc): NodeDoc => {
    const { network: _network, ...rest } = n;
    return { ...rest, position: { x: (n.position?.x ?? 0) - left, y: (n.position?.y ?? 0) - top + 120 } };
  };
  const edge = (source: string, sp: string, target: string, tp: string): EdgeDoc => ({
    source,
    target,
    source_port: sp,
    target_port: tp,
  });
  const block: BlockDoc = {
    name,
    description: '',
    params: {},
    nodes: [
      ...inIds.map((id, i) => ({ id, type: 'Input', position: { x: i * 220, y: 0 } })),
      ...inside.map(strip),
      ...outIds.map((id, i) => ({ id, type: 'Output', position: { x: i * 220, y: bottom - top + 240 } })),
    ],
    edges: [
      ...incoming.map((w) => edge(inOf.get(`${w.source}.${w.source_port}`) as string, 'y', w.target, w.target_port)),
      ...internal.map((w) => edge(w.source, w.source_port, w.target, w.target_port)),
      ...outKeys.map((k, i) => {
        const [source, port] = k.split('.') as [string, string];
        return edge(source, port, outIds[i] as string, 'x');
      }),
    ],
  };

  const instanceId = freshId(name, new Set(body.nodes.filter((n) => !chosen.has(n.id)).map((n) => n.id)));
  const network = inside[0]?.network;
  const instance: NodeDoc = {
    id: instanceId,
    type: name,
    ...(network ? { network } : {}),
    position: {
      x: Math.round(xs.reduce((a, b) => a + b, 0) / xs.length),
      y: Math.round(ys.reduce((a, b) => a + b, 0) / ys.length),
    },
  };
  const outside = wires.filter((w) => !chosen.has(w.source) && !chosen.has(w.target));
  const edges: EdgeDoc[] = [
    ...outside.map((w) => edge(w.source, w.source_port, w.target, w.target_port)),
    ...inKeys.map((k) => {
      const [source, port] = k.split('.') as [string, string];
      return edge(source, port, instanceId, inOf.get(k) as string);
    }),
    ...outgoing.map((w) =>
      edge(instanceId, outOf.get(`${w.source}.${w.source_port}`) as string, w.target, w.target_port),
    ),
  ];
  // Keep the instance where the first chosen node stood, so the document order reads well.
  const firstIndex = body.nodes.findIndex((n) => chosen.has(n.id));
  const nodes = body.nodes.filter((n) => !chosen.has(n.id));
  nodes.splice(Math.min(firstIndex, nodes.length), 0, instance);
  const next = withBody({ ...doc, blocks: [...(doc.blocks ?? []), block] }, null, { nodes, edges });
  return { ok: true, doc: next, instanceId };
}

/** What a block's `$name` parameters stand for where it is shown: its first instance's
 * values over the block's defaults (the shapes inside the block come from that instance). */
export function blockBindings(doc: GraphDocument, block: string): { instance: string | null; values: Record<string, unknown> } {
  const definition = (doc.blocks ?? []).find((b) => b.name === block);
  const instance = (doc.nodes ?? []).find((n) => n.type === block) ?? null;
  return { instance: instance?.id ?? null, values: { ...(definition?.params ?? {}), ...(instance?.params ?? {}) } };
}

/** Parameters with each `$name` replaced by its bound value (left as it is when unbound). */
export function bindParams(params: Readonly<Record<string, unknown>>, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    const name = typeof v === 'string' && v.startsWith('$') ? v.slice(1) : null;
    out[k] = name !== null && name in values ? values[name] : v;
  }
  return out;
}
