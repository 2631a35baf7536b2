import { describe, expect, it } from 'vitest';
import { layoutNodes, NODE_GAP, PASTE_OFFSET } from './layout';

const node = (id: string, x = 0, y = 0, measured?: { width: number; height: number }) => ({ id, position: { x, y }, ...(measured ? { measured } : {}) });

describe('layout of canvas nodes', () => {
  it('places every node top to bottom along the edges', () => {
    const [a, b] = layoutNodes([node('a'), node('b')], [{ source: 'a', target: 'b' }]);
    expect(a!.position.x).toBe(b!.position.x);
    expect(b!.position.y).toBeGreaterThan(a!.position.y);
  });

  it('moves only the nodes asked for, and lays out by measured sizes', () => {
    const kept = node('a', 500, 500);
    const out = layoutNodes([kept, node('b')], [{ source: 'a', target: 'b' }], new Set(['b']));
    expect(out[0]).toBe(kept);
    const tall = layoutNodes([node('a', 0, 0, { width: 100, height: 300 }), node('b')], [{ source: 'a', target: 'b' }]);
    expect(tall[1]!.position.y - tall[0]!.position.y).toBeGreaterThanOrEqual(300);
  });

  it('pastes one node gap away', () => {
    expect(PASTE_OFFSET).toEqual({ x: NODE_GAP, y: NODE_GAP });
  });
});
