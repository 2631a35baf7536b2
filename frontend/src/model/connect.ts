// Connection rules, checked while a person drags a wire: each refusal says why.
import type { PortsOf } from './ops';

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

export function checkConnection(graph: GraphView, c: Connection, portsOf: PortsOf): Verdict {
  const source = graph.nodes.find((n) => n.id === c.source);
  const target = graph.nodes.find((n) => n.id === c.target);
  if (!source || !target) return refuse('both ends must be nodes on this canvas');
  if (c.source === c.target) return refuse(`${c.source} cannot feed itself`);
  const out = portsOf(source.type).outputs.find((p) => p.name === c.sourcePort);
  const inp = portsOf(target.type).inputs.find((p) => p.name === c.targetPort);
  if (!out) return refuse(`${source.type} ${c.source} has no output ${c.sourcePort}`);
  if (!inp) return refuse(`${target.type} ${c.target} has no input ${c.targetPort}`);
  const existing = graph.edges.find((e) => e.target === c.target && e.targetPort === c.targetPort);
  if (existing) {
    return existing.source === c.source && existing.sourcePort === c.sourcePort
      ? refuse(`${c.source} already feeds ${c.target}`)
      : refuse(`input ${c.targetPort} of ${c.target} is already connected (from ${existing.source})`);
  }
  if ((source.network ?? null) !== (target.network ?? null)) {
    return refuse(
      `${c.source} is in network ${source.network ?? 'main'} and ${c.target} in ${target.network ?? 'main'}; networks share no edges`,
    );
  }
  if (out.dtype !== 'any' && inp.dtype !== 'any' && out.dtype !== inp.dtype) {
    return refuse(`${c.target}.${c.targetPort} takes ${inp.dtype}, but ${c.source} gives ${out.dtype}`);
  }
  const loop = pathBetween(graph.edges, c.target, c.source);
  if (loop) return refuse(`that would make a cycle: ${[...loop, c.target].join(' → ')}`);
  return { ok: true };
}
