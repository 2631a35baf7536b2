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

describe('wrapping a tall graph into columns', () => {
  const chain = (n: number) => {
    const nodes = Array.from({ length: n }, (_, i) => node(`n${i}`));
    const edges = nodes.slice(1).map((b, i) => ({ source: nodes[i]!.id, target: b.id }));
    return { nodes, edges };
  };

  it('cuts a long chain into columns read top to bottom, left to right', () => {
    const { nodes, edges } = chain(14);
    const out = layoutNodes(nodes, edges, undefined, 1.6);
    const xs = [...new Set(out.map((n) => n.position.x))];
    expect(xs.length).toBeGreaterThanOrEqual(2);
    const height = Math.max(...out.map((n) => n.position.y)) + 70;
    const width = Math.max(...out.map((n) => n.position.x)) + 220;
    expect(width / height).toBeGreaterThan(0.5); // no longer one tall column
    // Consecutive nodes go down a column, then on to the next column's top.
    for (let i = 1; i < out.length; i += 1) {
      const [a, b] = [out[i - 1]!.position, out[i]!.position];
      expect(b.y > a.y || b.x > a.x).toBe(true);
    }
  });

  it('leaves short graphs, and partial layouts, as dagre made them', () => {
    const short = chain(4);
    expect(new Set(layoutNodes(short.nodes, short.edges, undefined, 1.6).map((n) => n.position.x)).size).toBe(1);
    const long = chain(14);
    const partial = layoutNodes(long.nodes, long.edges, new Set(['n13']), 1.6);
    expect(new Set(partial.map((n) => n.position.x)).size).toBeLessThanOrEqual(2);
  });

  it('never cuts a skip connection in two: such a graph stays one column', () => {
    const { nodes, edges } = chain(14);
    // Every boundary is crossed twice: a skip from each node to the one after next.
    const skips = nodes.slice(2).map((b, i) => ({ source: nodes[i]!.id, target: b.id }));
    const out = layoutNodes(nodes, [...edges, ...skips], undefined, 1.6);
    const columns = new Set(out.map((n) => n.position.x > 600));
    expect(columns.size).toBe(1);
  });
});
