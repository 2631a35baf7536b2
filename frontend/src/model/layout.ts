// Auto-layout: top-to-bottom layers with dagre, the way networks are usually drawn. A
// graph far taller than the view is wide is wrapped into side-by-side columns (read like
// a newspaper: down one, then the next), so it fits at a zoom where its text is readable.
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
/** Gap between wrapped columns (room for the edge that climbs to the next one's top). */
export const COLUMN_GAP = 110;
/** Fewest ranks a column keeps when a graph is wrapped. */
const MIN_RANKS_PER_COLUMN = 3;

type XY = { x: number; y: number };

/** Top-left positions for every node; disconnected networks end up side by side. With
 * `aspect` (the view's width over its height), a graph much taller than that is wrapped
 * into columns of consecutive ranks. */
export function layoutPositions(
  nodes: readonly Box[],
  edges: readonly { source: string; target: string }[],
  aspect?: number,
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
  return aspect ? wrapColumns(out, nodes, aspect, edges) : out;
}

/** Where to cut `ranks` ranks into `columns` columns: after each returned rank index. A
 * cut goes only where one edge crosses it (a skip connection is never cut in two), near
 * its even share; null when some column cannot be cut that way. */
function cuts(ranks: number, columns: number, crossing: readonly number[]): number[] | null {
  const share = ranks / columns;
  const out: number[] = [];
  for (let k = 1; k < columns; k += 1) {
    const ideal = Math.round(k * share) - 1;
    let best: number | null = null;
    for (let d = 0; d <= Math.floor(share / 3); d += 1) {
      for (const at of [ideal - d, ideal + d]) {
        const after = out[out.length - 1] ?? -1;
        if (best === null && at > after && at < ranks - 1 && crossing[at]! <= 1) best = at;
      }
    }
    if (best === null) return null;
    out.push(best);
  }
  return out;
}

/** Cut a top-to-bottom layout into columns of consecutive ranks when that brings its shape
 * closer to `aspect` (width / height). Ranks are the rows dagre made: nodes sharing a
 * centre line. */
export function wrapColumns(
  positions: Map<string, XY>,
  nodes: readonly Box[],
  aspect: number,
  edges: readonly { source: string; target: string }[] = [],
): Map<string, XY> {
  const boxes = nodes.map((n) => ({ id: n.id, w: n.width ?? NODE_WIDTH, h: n.height ?? NODE_HEIGHT, p: positions.get(n.id)! }));
  if (!boxes.length) return positions;
  const centre = (b: (typeof boxes)[number]) => Math.round(b.p.y + b.h / 2);
  const ranks = [...new Set(boxes.map(centre))].sort((a, b) => a - b);
  const left = Math.min(...boxes.map((b) => b.p.x));
  const width = Math.max(...boxes.map((b) => b.p.x + b.w)) - left;
  const top = Math.min(...boxes.map((b) => b.p.y));
  const height = Math.max(...boxes.map((b) => b.p.y + b.h)) - top;
  // c columns make the graph about (c * width) by (height / c): pick c to match the view.
  const wanted = Math.round(Math.sqrt((height * aspect) / Math.max(width, 1)));
  const rankOf = new Map(boxes.map((b) => [b.id, ranks.indexOf(centre(b))]));
  // crossing[i]: edges that pass the boundary between rank i and rank i + 1.
  const crossing = new Array<number>(ranks.length).fill(0);
  for (const e of edges) {
    const [a, b] = [rankOf.get(e.source), rankOf.get(e.target)];
    if (a === undefined || b === undefined) continue;
    for (let i = Math.min(a, b); i < Math.max(a, b); i += 1) crossing[i]! += 1;
  }
  let breaks: number[] | null = null;
  for (let c = Math.min(wanted, Math.floor(ranks.length / MIN_RANKS_PER_COLUMN)); c >= 2 && !breaks; c -= 1) {
    breaks = cuts(ranks.length, c, crossing);
  }
  if (!breaks) return positions;
  const columnOf = new Map(ranks.map((y, i) => [y, breaks.filter((b) => i > b).length]));
  const columnTop = new Map<number, number>();
  for (const b of boxes) {
    const c = columnOf.get(centre(b))!;
    columnTop.set(c, Math.min(columnTop.get(c) ?? Infinity, b.p.y));
  }
  const out = new Map<string, XY>();
  for (const b of boxes) {
    const c = columnOf.get(centre(b))!;
    out.set(b.id, { x: Math.round(b.p.x - left + MARGIN + c * (width + COLUMN_GAP)), y: Math.round(b.p.y - columnTop.get(c)! + MARGIN) });
  }
  return out;
}

/** Canvas nodes placed by the layout, each at its measured size (estimated until React Flow
 * has measured it). The whole graph is laid out; with `only`, just those nodes move. */
export function layoutNodes<N extends { id: string; position: XY; measured?: { width?: number; height?: number } }>(
  nodes: readonly N[],
  edges: readonly { source: string; target: string }[],
  only?: ReadonlySet<string>,
  aspect?: number,
): N[] {
  // Wrapping moves every node: only a layout of the whole graph may wrap.
  const whole = !only || nodes.every((n) => only.has(n.id));
  const positions = layoutPositions(
    nodes.map((n) => ({ id: n.id, width: n.measured?.width, height: n.measured?.height })),
    edges,
    whole ? aspect : undefined,
  );
  return nodes.map((n) => (only && !only.has(n.id) ? n : { ...n, position: positions.get(n.id) ?? n.position }));
}
