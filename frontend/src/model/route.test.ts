import { describe, expect, it } from 'vitest';
import { bypassLane, detour, LANE_GAP, roundedPath } from './route';

// A residual block laid out top to bottom: the skip edge from x (top) to add (bottom)
// would run straight through conv and bn.
const conv = { x: 0, y: 100, width: 220, height: 70 };
const bn = { x: 0, y: 200, width: 220, height: 70 };

describe('edges routed around nodes', () => {
  it('finds a lane beside the nodes in the way, on the nearer side', () => {
    expect(bypassLane({ x: 150, y: 80 }, { x: 150, y: 300 }, [conv, bn])).toBe(220 + LANE_GAP);
    expect(bypassLane({ x: 40, y: 80 }, { x: 40, y: 300 }, [conv, bn])).toBe(-LANE_GAP);
  });

  it('leaves an edge alone when nothing is in its way', () => {
    expect(bypassLane({ x: 400, y: 80 }, { x: 400, y: 300 }, [conv, bn])).toBeNull();
    expect(bypassLane({ x: 150, y: 80 }, { x: 150, y: 95 }, [conv, bn])).toBeNull();
    expect(bypassLane({ x: 150, y: 600 }, { x: 160, y: 80 }, [])).toBeNull();
  });

  it('sends an edge that climbs to the next column through the gap between', () => {
    expect(bypassLane({ x: 110, y: 700 }, { x: 440, y: 60 }, [conv, bn])).toBe(275);
  });

  it('draws the detour as a rounded orthogonal path', () => {
    const { points, label } = detour({ x: 150, y: 80 }, { x: 150, y: 300 }, 246);
    expect(points.map((p) => p.x)).toEqual([150, 150, 246, 246, 150, 150]);
    expect(label).toEqual({ x: 246, y: 190 });
    expect(roundedPath(points)).toMatch(/^M 150 80 L .* Q .* L 150 300$/);
  });
});
