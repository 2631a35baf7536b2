// Edges that would run behind nodes (a skip connection past the layers it skips) go around
// them instead: down out of the source, across to a lane beside the nodes in the way, down
// the lane, and back in above the target. Pure: no React, no store.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

type XY = { x: number; y: number };

/** Clearance between a lane and the nodes it passes, and the step out of and into ports. */
export const LANE_GAP = 26;
const STEP = 14;
/** An edge climbing to a node at least this far aside goes round; closer, it stays a curve. */
const MIN_SPREAD = 60;

/** The x of a lane beside every box between source and target that the straight edge
 * would cross, on the nearer side; for an edge that climbs to a node well aside (the next
 * column's top), the middle between them; null when the plain curve is clear. */
export function bypassLane(source: XY, target: XY, boxes: readonly Rect[]): number | null {
  if (target.y - source.y < 2 * STEP) {
    // Up to the top of the next column (a wrapped layout): through the gap between them.
    return Math.abs(target.x - source.x) > MIN_SPREAD ? (source.x + target.x) / 2 : null;
  }
  const lo = Math.min(source.x, target.x) - 8;
  const hi = Math.max(source.x, target.x) + 8;
  let left = Infinity;
  let right = -Infinity;
  for (const b of boxes) {
    const crossesY = b.y < target.y - 4 && b.y + b.height > source.y + 4;
    const crossesX = b.x < hi && b.x + b.width > lo;
    if (!crossesY || !crossesX) continue;
    left = Math.min(left, b.x);
    right = Math.max(right, b.x + b.width);
  }
  if (left === Infinity) return null;
  const mid = (source.x + target.x) / 2;
  const [l, r] = [left - LANE_GAP, right + LANE_GAP];
  return Math.abs(mid - l) < Math.abs(r - mid) ? l : r;
}

/** An orthogonal path with rounded corners through `points`. */
export function roundedPath(points: readonly XY[], radius = 10): string {
  const [first, ...rest] = points;
  if (!first) return '';
  let d = `M ${first.x} ${first.y}`;
  for (let i = 0; i < rest.length; i += 1) {
    const p = rest[i]!;
    const next = rest[i + 1];
    const prev = i === 0 ? first : rest[i - 1]!;
    if (!next) {
      d += ` L ${p.x} ${p.y}`;
      break;
    }
    const r = Math.min(radius, Math.hypot(p.x - prev.x, p.y - prev.y) / 2, Math.hypot(next.x - p.x, next.y - p.y) / 2);
    const inX = p.x - Math.sign(p.x - prev.x) * r;
    const inY = p.y - Math.sign(p.y - prev.y) * r;
    const outX = p.x + Math.sign(next.x - p.x) * r;
    const outY = p.y + Math.sign(next.y - p.y) * r;
    d += ` L ${inX} ${inY} Q ${p.x} ${p.y} ${outX} ${outY}`;
  }
  return d;
}

/** The detour's corners, and where its label goes (the middle of the lane). */
export function detour(source: XY, target: XY, lane: number): { points: XY[]; label: XY } {
  const points = [
    source,
    { x: source.x, y: source.y + STEP },
    { x: lane, y: source.y + STEP },
    { x: lane, y: target.y - STEP },
    { x: target.x, y: target.y - STEP },
    target,
  ];
  return { points, label: { x: lane, y: (source.y + target.y) / 2 } };
}
