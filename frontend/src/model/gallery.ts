// The start screen's gallery: preset cards grouped by family (in the server's order), the
// expected training time said for people, and a small drawing of each graph's top level.
// Pure: no React, no store.
import { Graph, layout } from '@dagrejs/dagre';
import type { PresetSummary } from '../api/types';
import { currentT, type Translate } from './translate';

export interface Family {
  family: string;
  cards: PresetSummary[];
}

/** Cards grouped by family, families and cards in the order the server lists them. */
export function groupByFamily(cards: readonly PresetSummary[]): Family[] {
  const groups = new Map<string, PresetSummary[]>();
  for (const c of cards) {
    const family = c.family ?? 'Other';
    groups.set(family, [...(groups.get(family) ?? []), c]);
  }
  return [...groups].map(([family, list]) => ({ family, cards: list }));
}

/** 2 -> "about 2 s", 450 -> "about 8 min", 5600 -> "about 1.6 h". */
export function formatDuration(seconds: number | null | undefined, t: Translate = currentT): string | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return null;
  if (seconds < 60) return t('runs.duration.aboutS', { s: Math.max(1, Math.round(seconds)) });
  if (seconds < 3600) return t('runs.duration.aboutMin', { min: Math.round(seconds / 60) });
  const hours = seconds / 3600;
  return t('runs.duration.aboutH', { h: hours < 10 ? hours.toFixed(1).replace(/\.0$/, '') : Math.round(hours) });
}

export interface SketchBox {
  id: string;
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SketchDrawing {
  width: number;
  height: number;
  boxes: SketchBox[];
  /** Each edge as a polyline. */
  lines: { x: number; y: number }[][];
}

const BOX = { width: 18, height: 10 };

/** The graph's top level laid out left to right (cards are wider than tall). */
export function sketchDrawing(sketch: PresetSummary['sketch']): SketchDrawing {
  const empty = { width: 1, height: 1, boxes: [], lines: [] };
  if (!sketch?.nodes.length) return empty;
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 6, ranksep: 8, marginx: 4, marginy: 4 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of sketch.nodes) g.setNode(n.id, { ...BOX, width: (n.repeat ?? 1) > 1 ? BOX.width * 1.4 : BOX.width });
  const ids = new Set(sketch.nodes.map((n) => n.id));
  sketch.edges.forEach((e, i) => {
    if (ids.has(e.source) && ids.has(e.target)) g.setEdge(e.source, e.target, {}, `e${i}`);
  });
  layout(g);
  const boxes = sketch.nodes.map((n) => {
    const p = g.node(n.id);
    return { id: n.id, type: n.type, x: p.x - p.width / 2, y: p.y - p.height / 2, width: p.width, height: p.height };
  });
  const lines = g.edges().map((e) => (g.edge(e).points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })));
  const graph = g.graph();
  return { width: graph.width ?? 1, height: graph.height ?? 1, boxes, lines };
}
