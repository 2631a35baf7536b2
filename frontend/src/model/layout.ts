// Auto-layout: top-to-bottom layers with dagre, the way networks are usually drawn.
import { Graph, layout } from '@dagrejs/dagre';

export interface Box {
  id: string;
  width?: number;
  height?: number;
}

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 70;
/** Gap between neighbouring nodes of one rank, between ranks, and around the graph. */
export const NODE_GAP = 40;
export const RANK_GAP = 56;
export const MARGIN = 20;
/** Where a pasted or duplicated copy lands: one node gap down and right of the original. */
export const PASTE_OFFSET = { x: NODE_GAP, y: NODE_GAP } as const;

type XY = { x: number; y: number };

/** Top-left positions for every node; disconnected networks end up side by side. */
export function layoutPositions(
  nodes: readonly Box[],
  edges: readonly { source: string; target: string }[],
): Map<string, XY> {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: NODE_GAP, ranksep: RANK_GAP, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) {
    g.setNode(n.id, { width: n.width ?? NODE_WIDTH, height: n.height ?? NODE_HEIGHT });
  }
  const ids = new Set(nodes.map((n) => n.id));
  edges.forEach((e, i) => {
    if (ids.has(e.source) && ids.has(e.target)) g.setEdge(e.source, e.target, {}, `e${i}`);
  });
  layout(g);
  const out = new Map<string, XY>();
  for (const n of nodes) {
    const p = g.node(n.id);
    const w = n.width ?? NODE_WIDTH;
    const h = n.height ?? NODE_HEIGHT;
    // dagre gives centres; React Flow wants top-left corners.
    out.set(n.id, { x: Math.round(p.x - w / 2), y: Math.round(p.y - h / 2) });
  }
  return out;
}

/** Canvas nodes placed by the layout, each at its measured size (estimated until React Flow
 * has measured it). The whole graph is laid out; with `only`, just those nodes move. */
export function layoutNodes<N extends { id: string; position: XY; measured?: { width?: number; height?: number } }>(
  nodes: readonly N[],
  edges: readonly { source: string; target: string }[],
  only?: ReadonlySet<string>,
): N[] {
  const positions = layoutPositions(
    nodes.map((n) => ({ id: n.id, width: n.measured?.width, height: n.measured?.height })),
    edges,
  );
  return nodes.map((n) => (only && !only.has(n.id) ? n : { ...n, position: positions.get(n.id) ?? n.position }));
}
