import { describe, expect, it } from 'vitest';
import { blockPorts, paletteGroups, portsResolver, searchOps } from './ops';
import { TEST_INDEX, TEST_OPS } from './testing';

describe('palette and search', () => {
  it('groups by category and filters on type and summary words', () => {
    expect(paletteGroups(TEST_OPS, '').map((g) => g.category)).toEqual(['Test']);
    expect(paletteGroups(TEST_OPS, 'conv')[0]?.ops.map((o) => o.type)).toEqual(['Conv2d']);
    expect(paletteGroups(TEST_OPS, 'nothing matches this')).toEqual([]);
  });
  it('ranks an exact or prefix type match above a summary match', () => {
    const ops = [
      { ...TEST_OPS[5]!, summary: 'Flatten before a Linear' },
      TEST_OPS[3]!,
    ];
    expect(searchOps(ops, 'linear').map((o) => o.type)).toEqual(['Linear', 'Flatten']);
  });
});

describe('ports', () => {
  it("takes a block's Input and Output nodes as its ports", () => {
    const block = { name: 'B', nodes: [{ id: 'a', type: 'Input' }, { id: 'c', type: 'Conv2d' }, { id: 'z', type: 'Output' }] };
    expect(blockPorts(block).inputs.map((p) => p.name)).toEqual(['a']);
    expect(portsResolver(TEST_INDEX, [block])('B').outputs.map((p) => p.name)).toEqual(['z']);
    expect(portsResolver(TEST_INDEX)('Add').inputs.map((p) => p.name)).toEqual(['a', 'b']);
  });
});
