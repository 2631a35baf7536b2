import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../api/types';
import { canvasToDoc, docToCanvas, toConnection, toEdge } from './convert';
import { portsResolver } from './ops';
import { TEST_INDEX } from './testing';

const doc: GraphDocument = {
  format: 'layerlab.graph',
  version: 1,
  name: 'residual',
  description: 'a skip connection',
  nodes: [
    { id: 'image', type: 'Input', params: { shape: [1, 28, 28] }, position: { x: 0, y: 0 } },
    { id: 'conv', type: 'Conv2d', params: { out_channels: 1, padding: 1 }, position: { x: 0, y: 100 } },
    { id: 'add', type: 'Add', position: { x: 0, y: 200 }, label: 'skip' },
    { id: 'res', type: 'Res', repeat: 3, position: { x: 0, y: 300 } },
    { id: 'out', type: 'Output', network: 'main', position: { x: 0, y: 400 } },
  ],
  edges: [
    { source: 'image', target: 'conv' },
    { source: 'conv', target: 'add' },
    { source: 'image', target: 'add' },
    { source: 'add', target: 'res', target_port: 'inp' },
    { source: 'res', target: 'out' },
  ],
  blocks: [
    {
      name: 'Res',
      description: '',
      params: { ch: 1 },
      nodes: [
        { id: 'inp', type: 'Input' },
        { id: 'c', type: 'Conv2d', params: { out_channels: '$ch' } },
        { id: 'o', type: 'Output' },
      ],
      edges: [
        { source: 'inp', target: 'c' },
        { source: 'c', target: 'o' },
      ],
    },
  ],
  training: { dataset: 'mnist', epochs: 3 },
};

const portsOf = portsResolver(TEST_INDEX, doc.blocks);

describe('document -> canvas', () => {
  const canvas = docToCanvas(doc, null, portsOf);

  it('makes one layer node per document node, with its data', () => {
    expect(canvas.nodes.map((n) => n.id)).toEqual(['image', 'conv', 'add', 'res', 'out']);
    expect(canvas.nodes.every((n) => n.type === 'layer')).toBe(true);
    expect(canvas.nodes[3]?.data).toEqual({ type: 'Res', params: {}, repeat: 3, network: null, label: null });
    expect(canvas.nodes[2]?.data.label).toBe('skip');
    expect(canvas.nodes[1]?.position).toEqual({ x: 0, y: 100 });
    expect(canvas.unplaced).toEqual([]);
  });

  it('names every handle: first output, inputs filled in order, block ports by id', () => {
    const ends = canvas.edges.map((e) => `${e.source}.${e.sourceHandle}->${e.target}.${e.targetHandle}`);
    expect(ends).toEqual([
      'image.y->conv.x',
      'conv.y->add.a',
      'image.y->add.b',
      'add.y->res.inp',
      'res.o->out.x',
    ]);
    expect(new Set(canvas.edges.map((e) => e.id)).size).toBe(canvas.edges.length);
  });

  it('fills unnamed ports after the named ones, as the server does', () => {
    const named: GraphDocument = {
      ...doc,
      edges: [
        { source: 'conv', target: 'add' },
        { source: 'image', target: 'add', target_port: 'a' },
      ],
    };
    const ends = docToCanvas(named, null, portsOf).edges.map((e) => `${e.source}->${e.targetHandle}`);
    expect(ends).toEqual(['conv->b', 'image->a']);
  });

  it('reports nodes without a position for layout', () => {
    const { unplaced } = docToCanvas(doc, 'Res', portsOf);
    expect(unplaced).toEqual(['inp', 'c', 'o']);
  });

  it('shows a block inside when the scope is the block', () => {
    const inner = docToCanvas(doc, 'Res', portsOf);
    expect(inner.nodes.map((n) => n.id)).toEqual(['inp', 'c', 'o']);
    expect(inner.nodes[1]?.data.params).toEqual({ out_channels: '$ch' });
  });
});

describe('canvas -> document', () => {
  it('round-trips a document exactly', () => {
    const { nodes, edges } = docToCanvas(doc, null, portsOf);
    const back = canvasToDoc(doc, null, nodes, edges, portsOf);
    expect(back.nodes).toEqual(doc.nodes);
    expect(back.blocks).toEqual(doc.blocks);
    expect(back.training).toEqual(doc.training);
    expect(back.name).toBe('residual');
    // Single-port ends lose their names; multi-port ends say where they go.
    expect(back.edges).toEqual([
      { source: 'image', target: 'conv' },
      { source: 'conv', target: 'add', target_port: 'a' },
      { source: 'image', target: 'add', target_port: 'b' },
      { source: 'add', target: 'res' }, // Res has one input port
      { source: 'res', target: 'out' },
    ]);
    // ... and converting that again changes nothing.
    const again = docToCanvas(back, null, portsOf);
    expect(canvasToDoc(back, null, again.nodes, again.edges, portsOf)).toEqual(back);
  });

  it('writes moved positions (rounded) and edited params, and omits defaults', () => {
    const { nodes, edges } = docToCanvas(doc, null, portsOf);
    const moved = nodes.map((n) =>
      n.id === 'conv' ? { ...n, position: { x: 10.4, y: 99.6 }, data: { ...n.data, params: { out_channels: 8 } } } : n,
    );
    const back = canvasToDoc(doc, null, moved, edges, portsOf);
    expect(back.nodes?.[1]).toEqual({ id: 'conv', type: 'Conv2d', params: { out_channels: 8 }, position: { x: 10, y: 100 } });
  });

  it('writes a block scope back into its block, leaving the top level alone', () => {
    const inner = docToCanvas(doc, 'Res', portsOf);
    const nodes = inner.nodes.filter((n) => n.id !== 'c');
    const edges = [{ id: 'e', type: 'shape' as const, source: 'inp', target: 'o', sourceHandle: 'y', targetHandle: 'x' }];
    const back = canvasToDoc(doc, 'Res', nodes, edges, portsOf);
    expect(back.nodes).toBe(doc.nodes);
    expect(back.blocks?.[0]?.nodes.map((n) => n.id)).toEqual(['inp', 'o']);
    expect(back.blocks?.[0]?.edges).toEqual([{ source: 'inp', target: 'o' }]);
    expect(back.blocks?.[0]?.params).toEqual({ ch: 1 });
  });
});

describe('canvas links <-> connections', () => {
  it('reads handles as port names, and makes the edge a connection draws', () => {
    const c = toConnection({ source: 'a', sourceHandle: 'y', target: 'b', targetHandle: 'x' });
    expect(c).toEqual({ source: 'a', sourcePort: 'y', target: 'b', targetPort: 'x' });
    expect(toEdge(c)).toEqual({ id: 'a.y->b.x', type: 'shape', source: 'a', target: 'b', sourceHandle: 'y', targetHandle: 'x' });
    expect(toConnection(toEdge(c))).toEqual(c);
    expect(toConnection({ source: 'a', sourceHandle: null, target: 'b' })).toEqual({ source: 'a', sourcePort: '', target: 'b', targetPort: '' });
  });

  it('gives the edges of a document the same shape a new connection gets', () => {
    const { edges } = docToCanvas(doc, null, portsResolver(TEST_INDEX, []));
    for (const e of edges) expect(toEdge(toConnection(e))).toEqual({ ...e, id: e.id.replace(/#\d+$/, '') });
  });
});
