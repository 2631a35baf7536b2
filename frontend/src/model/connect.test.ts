import { describe, expect, it } from 'vitest';
import { checkConnection, type Connection, type GraphView } from './connect';
import { portsResolver } from './ops';
import { TEST_INDEX } from './testing';

const portsOf = portsResolver(TEST_INDEX);
const wire = (source: string, target: string, sourcePort = 'y', targetPort = 'x'): Connection => ({ source, sourcePort, target, targetPort });

const graph: GraphView = {
  nodes: [
    { id: 'image', type: 'Input', network: null },
    { id: 'conv', type: 'Conv2d', network: null },
    { id: 'relu', type: 'ReLU', network: null },
    { id: 'add', type: 'Add', network: null },
    { id: 'emb', type: 'Embedding', network: null },
    { id: 'lstm', type: 'LSTM', network: null },
    { id: 'other', type: 'ReLU', network: 'critic' },
    { id: 'out', type: 'Output', network: null },
  ],
  edges: [wire('image', 'conv'), wire('conv', 'relu'), wire('relu', 'add', 'y', 'a')],
};

const reason = (c: Connection) => {
  const v = checkConnection(graph, c, portsOf);
  return v.ok ? 'ok' : v.reason;
};

describe('connection rules', () => {
  it('accepts a free, acyclic, well-typed wire', () => {
    expect(reason(wire('relu', 'out'))).toBe('ok');
    expect(reason(wire('conv', 'add', 'y', 'b'))).toBe('ok');
    expect(reason(wire('lstm', 'out', 'h'))).toBe('ok');
  });
  it('refuses a self loop', () => {
    expect(reason(wire('relu', 'relu'))).toMatch(/cannot feed itself/);
  });
  it('refuses a port that is already connected, naming the other source', () => {
    expect(reason(wire('image', 'relu'))).toBe('input x of relu is already connected (from conv)');
    expect(reason(wire('conv', 'add', 'y', 'a'))).toMatch(/already connected \(from relu\)/);
  });
  it('refuses a duplicate wire', () => {
    expect(reason(wire('image', 'conv'))).toMatch(/already feeds conv/);
  });
  it('refuses a cycle and shows it', () => {
    expect(reason(wire('add', 'conv'))).toMatch(/already connected/);
    const open: GraphView = { ...graph, edges: graph.edges.filter((e) => e.target !== 'conv') };
    const v = checkConnection(open, wire('add', 'conv'), portsOf);
    expect(v).toEqual({ ok: false, reason: 'that would make a cycle: conv → relu → add → conv' });
  });
  it('refuses wires between networks', () => {
    expect(reason(wire('relu', 'other'))).toMatch(/networks share no edges/);
  });
  it('refuses a dtype mismatch, but lets "any" through', () => {
    expect(reason(wire('relu', 'emb'))).toBe('emb.x takes int64, but relu gives float32');
    expect(reason(wire('image', 'emb'))).toBe('ok');
  });
  it('refuses unknown ports and unknown nodes', () => {
    expect(reason(wire('relu', 'add', 'y', 'c'))).toMatch(/has no input c/);
    expect(reason(wire('relu', 'out', 'z'))).toMatch(/has no output z/);
    expect(reason(wire('ghost', 'out'))).toMatch(/both ends/);
  });
});
