import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../api/types';
import { bindParams, blockBindings, makeBlock } from './blocks';
import { copyFragment, pasteFragment } from './clipboard';
import { hints, insertBetween } from './fixes';
import { portsResolver } from './ops';
import { TEST_INDEX } from './testing';

const chain: GraphDocument = {
  name: 'chain',
  nodes: [
    { id: 'x', type: 'Input', params: { shape: [1, 28, 28] }, position: { x: 0, y: 0 } },
    { id: 'conv', type: 'Conv2d', position: { x: 0, y: 100 } },
    { id: 'relu', type: 'ReLU', position: { x: 0, y: 200 } },
    { id: 'fc', type: 'Linear', params: { out_features: 12 }, position: { x: 0, y: 300 } },
    { id: 'out', type: 'Output', position: { x: 0, y: 400 } },
  ],
  edges: [
    { source: 'x', target: 'conv' },
    { source: 'conv', target: 'relu' },
    { source: 'relu', target: 'fc' },
    { source: 'fc', target: 'out' },
  ],
};
const portsOf = portsResolver(TEST_INDEX);

describe('make a block', () => {
  it('moves the selection into a block with one input and one output port', () => {
    const result = makeBlock(chain, ['conv', 'relu'], 'Block1', portsOf);
    if (!result.ok) throw new Error(result.reason);
    const { doc, instanceId } = result;
    expect(instanceId).toBe('block1_1');
    expect(doc.nodes?.map((n) => n.id)).toEqual(['x', 'block1_1', 'fc', 'out']);
    const block = doc.blocks?.[0];
    expect(block?.nodes.map((n) => `${n.id}:${n.type}`)).toEqual(['x:Input', 'conv:Conv2d', 'relu:ReLU', 'y:Output']);
    expect(block?.edges?.map((e) => `${e.source}->${e.target}`)).toEqual(['x->conv', 'conv->relu', 'relu->y']);
    expect(doc.edges).toEqual([
      { source: 'fc', source_port: 'y', target: 'out', target_port: 'x' },
      { source: 'x', source_port: 'y', target: 'block1_1', target_port: 'x' },
      { source: 'block1_1', source_port: 'y', target: 'fc', target_port: 'x' },
    ]);
  });

  it('refuses a selection holding the Input, or one that feeds nothing', () => {
    expect(makeBlock(chain, ['x', 'conv'], 'B', portsOf)).toMatchObject({ ok: false, reason: expect.stringMatching(/leave x out/) });
    expect(makeBlock(chain, [], 'B', portsOf).ok).toBe(false);
  });
});

describe('copy and paste', () => {
  it('renames clashing ids and keeps the edges among the pasted nodes', () => {
    const fragment = copyFragment(chain, null, ['conv', 'relu']);
    expect(fragment.edges).toEqual([{ source: 'conv', target: 'relu' }]);
    const { doc, ids } = pasteFragment(chain, null, fragment, { x: 40, y: 40 });
    expect(ids).toEqual(['conv_1', 'relu_1']);
    expect(doc.edges?.at(-1)).toEqual({ source: 'conv_1', target: 'relu_1' });
    expect(doc.nodes?.find((n) => n.id === 'conv_1')?.position).toEqual({ x: 40, y: 140 });
  });

  it('brings the block definitions along, renaming one that differs', () => {
    const made = makeBlock(chain, ['conv', 'relu'], 'Block1', portsOf);
    if (!made.ok) throw new Error(made.reason);
    const fragment = copyFragment(made.doc, null, ['block1_1']);
    expect(fragment.blocks.map((b) => b.name)).toEqual(['Block1']);
    const other: GraphDocument = { name: 'other', blocks: [{ ...made.doc.blocks![0]!, description: 'different' }] };
    const { doc } = pasteFragment(other, null, fragment, { x: 0, y: 0 });
    expect(doc.blocks?.map((b) => b.name)).toEqual(['Block1', 'Block2']);
    expect(doc.nodes?.[0]?.type).toBe('Block2');
  });
});

describe('obvious fixes', () => {
  const check = {
    ok: true,
    errors: [],
    warnings: [],
    nodes: [{ id: 'fc', type: 'Linear', inputs: {}, outputs: { y: { shape: [16, 5, 12] } }, params: 0, flops: 0 }],
    inner: [],
    networks: [],
    totals: { params: 0, flops: 0, memory_bytes: 0, batch_size: 32, nodes: 0 },
    edges: [{ source: 'relu', source_port: 'y', target: 'fc', target_port: 'x', spec: { shape: [16, 5, 5] } }],
  };

  it('offers Flatten before a Linear fed an image, and inserts it on the edge', () => {
    const [hint] = hints(chain, check, null);
    expect(hint?.message).toMatch(/fc receives a 16×5×5 image/);
    const fixed = hint!.fix.apply(chain);
    expect(fixed.nodes?.map((n) => n.id)).toEqual(['x', 'conv', 'relu', 'flatten_1', 'fc', 'out']);
    expect(fixed.edges).toContainEqual({ source: 'relu', target: 'flatten_1' });
    expect(fixed.edges).toContainEqual({ source: 'flatten_1', target: 'fc' });
    expect(insertBetween(chain, 'nope', 'fc', 'Flatten').edges).toEqual(chain.edges);
  });

  it("flags a head that does not match the dataset's classes and an Input of the wrong shape", () => {
    const mnist = { name: 'mnist', input_shape: [1, 32, 32], num_classes: 10 };
    const found = hints(chain, { ...check, edges: [] }, mnist);
    expect(found.map((h) => h.fix.label)).toEqual(['Set x shape to 1×32×32', 'Set fc out_features to 10']);
    const fixed = found[1]!.fix.apply(chain);
    expect(fixed.nodes?.find((n) => n.id === 'fc')?.params).toEqual({ out_features: 10 });
  });
});

describe('block parameters where they are shown', () => {
  it('binds $names to the first instance, over the block defaults', () => {
    const doc = {
      format: 'layerlab.graph',
      version: 1,
      nodes: [
        { id: 'layer1', type: 'Basic', params: { channels: 64 } },
        { id: 'layer2', type: 'Basic', params: { channels: 128 } },
      ],
      blocks: [{ name: 'Basic', params: { channels: 16, stride: 1 }, nodes: [], edges: [] }],
    } as GraphDocument;
    const { instance, values } = blockBindings(doc, 'Basic');
    expect(instance).toBe('layer1');
    expect(bindParams({ out_channels: '$channels', stride: '$stride', kernel_size: 3, padding: '$nope' }, values)).toEqual({
      out_channels: 64,
      stride: 1,
      kernel_size: 3,
      padding: '$nope',
    });
  });
});
