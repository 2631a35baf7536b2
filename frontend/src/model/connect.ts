// Connection rules, checked while a person drags a wire: each refusal says why.
import type { PortsOf } from './ops';
import { currentT, type TFunction } from './translate';

export interface Connection {
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

export interface GraphView {
  nodes: readonly { id: string; type: string; network: string | null }[];
  edges: readonly Connection[];
}

export type Verdict = { ok: true } | { ok: false; reason: string };

const refuse = (reason: string): Verdict => ({ ok: false, reason });

/** The path target -> ... -> source along existing edges, if there is one. */
function pathBetween(edges: readonly Connection[], from: string, to: string): string[] | null {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const parent = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length) {
    const node = queue.shift() as string;
    if (node === to) {
      const path = [to];
      for (let n = to; n !== from; n = parent.get(n) as string) path.unshift(parent.get(n) as string);
      return path;
    }
    for (const t of next.get(node) ?? []) {
      if (!parent.has(t)) {
        parent.set(t, node);
        queue.push(t);
      }
    }
  }
  return null;
}

export function checkConnection(graph: GraphView, c: Connection, portsOf: PortsOf, t: TFunction = currentT): Verdict {
  const source = graph.nodes.find((n) => n.id === c.source);
  const target = graph.nodes.find((n) => n.id === c.target);
  if (!source || !target) return refuse(t('editor.connect.notNodes'));
  if (c.source === c.target) return refuse(t('editor.connect.self', { node: c.source }));
  const out = portsOf(source.type).outputs.find((p) => p.name === c.sourcePort);
  const inp = portsOf(target.type).inputs.find((p) => p.name === c.targetPort);
  if (!out) return refuse(t('editor.connect.noOutput', { type: source.type, node: c.source, port: c.sourcePort }));
  if (!inp) return refuse(t('editor.connect.noInput', { type: target.type, node: c.target, port: c.targetPort }));
  const existing = graph.edges.find((e) => e.target === c.target && e.targetPort === c.targetPort);
  if (existing) {
    return existing.source === c.source && existing.sourcePort === c.sourcePort
      ? refuse(t('editor.connect.already', { source: c.source, target: c.target }))
      : refuse(t('editor.connect.taken', { port: c.targetPort, node: c.target, from: existing.source }));
  }
  if ((source.network ?? null) !== (target.network ?? null)) {
    return refuse(
      t('editor.connect.networks', { source: c.source, sourceNet: source.network ?? 'main', target: c.target, targetNet: target.network ?? 'main' }),
    );
  }
  if (out.dtype !== 'any' && inp.dtype !== 'any' && out.dtype !== inp.dtype) {
    return refuse(t('editor.connect.dtype', { node: c.target, port: c.targetPort, wants: inp.dtype, source: c.source, gives: out.dtype }));
  }
  const loop = pathBetween(graph.edges, c.target, c.source);
  if (loop) return refuse(t('editor.connect.cycle', { path: [...loop, c.target].join(' → ') }));
  return { ok: true };
}
