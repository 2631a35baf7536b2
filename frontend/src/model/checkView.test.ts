import { describe, expect, it } from 'vitest';
import type { CheckResult, GraphDocument, NodeReport } from '../api/types';
import { checkView, portWords } from './checkView';

const report = (id: string, type: string, shape: number[], params: number): NodeReport => ({
  id,
  type,
  inputs: {},
  outputs: { y: { shape, dtype: 'float32' } },
  params,
  flops: 0,
});

const doc: GraphDocument = {
  format: 'layerlab.graph',
  version: 1,
  nodes: [
    { id: 'x', type: 'Input' },
    { id: 'conv1', type: 'Conv2d' },
    { id: 'conv2', type: 'Conv2d' },
    { id: 'y', type: 'Output' },
  ],
  edges: [
    { source: 'x', target: 'conv1' },
    { source: 'conv1', target: 'conv2' },
    { source: 'conv2', target: 'y' },
  ],
};

const failed: CheckResult = {
  ok: false,
  errors: [{ code: 'shape_mismatch', message: 'input too small', node_id: 'conv1', port: 'x' }],
  warnings: [],
  nodes: [report('x', 'Input', [1, 28, 28], 0)],
  inner: [],
  edges: [{ source: 'conv2', source_port: 'y', target: 'y', target_port: 'x', spec: null }],
  networks: [],
  totals: { params: 0, flops: 0, memory_bytes: 0, batch_size: 32, nodes: 1 },
  blocked: [
    { id: 'conv2', by: ['conv1'] },
    { id: 'y', by: ['conv1'] },
  ],
};

describe('the check seen from the canvas', () => {
  it('keeps the last known shapes of what waits for an error, marked and counted', () => {
    const known = new Map([
      ['conv1', report('conv1', 'Conv2d', [6, 28, 28], 156)],
      ['conv2', report('conv2', 'Conv2d', [16, 10, 10], 2416)],
    ]);
    const view = checkView(failed, doc, null, [], null, known);
    expect(view.blocked.get('conv2')).toEqual(['conv1']);
    expect([...view.stale]).toEqual(['conv2']); // not conv1: its own error changes it
    expect(view.reports.get('conv2')?.outputs.y?.shape).toEqual([16, 10, 10]);
    expect(view.staleParams).toBe(2416);
    expect(view.edgeSpecs.get('conv2.y->y.x')?.shape).toEqual([16, 10, 10]);
  });

  it('does not reuse a report of a node whose type changed', () => {
    const known = new Map([['conv2', report('conv2', 'Linear', [10], 50)]]);
    expect(checkView(failed, doc, null, [], null, known).stale.size).toBe(0);
  });

  it('says ports in words', () => {
    const ports = () => ({ inputs: [{ name: 'x', description: '', optional: false, dtype: 'float32' }], outputs: [{ name: 'y', description: '', optional: false, dtype: 'float32' }] });
    expect(portWords('x', 'Conv2d', ports)).toBe('input x');
    expect(portWords('y', 'Conv2d', ports)).toBe('output y');
    expect(portWords(null, 'Conv2d', ports)).toBeNull();
    expect(checkView(failed, doc, null, [], null, new Map(), ports).all[0]?.where).toBe('input x');
  });
});
