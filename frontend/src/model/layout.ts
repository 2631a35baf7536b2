// Auto-layout: top-to-bottom layers with dagre, the way networks are usually drawn.
import { Graph, layout } from '@dagrejs/dagre';

export interface Box {
  id: string;
  width?: number;
  height?: number;
}

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 70;

/** Top-left positions for every node; disconnected networks end up side by side. */
export function layoutPositions(
  nodes: readonly Box[],
  edges: readonly { source: string; target: string }[],
): Map<string, { x: number; y: number }> {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 56, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) {
    g.setNode(n.id, { width: n.width ?? NODE_WIDTH, height: n.height ?? NODE_HEIGHT });
  }
  const ids = new Set(nodes.map((n) => n.id));
  edges.forEach((e, i) => {
    if (ids.has(e.source) && ids.has(e.target)) g.setEdge(e.source, e.target, {}, `e${i}`);
  });
  layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const p = g.node(n.id);
    const w = n.width ?? NODE_WIDTH;
    const h = n.height ?? NODE_HEIGHT;
    // dagre gives centres; React Flow wants top-left corners.
    out.set(n.id, { x: Math.round(p.x - w / 2), y: Math.round(p.y - h / 2) });
  }
  return out;
}
