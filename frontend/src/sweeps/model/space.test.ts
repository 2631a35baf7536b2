import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../api/types';
import type { JsonSchema } from '../../model/schemaForm';
import { fixedT } from '../../model/translate';
import { blockOptions, buildSpace, defaultRow, estimate, gridSize, nodeOptions, rowDistribution, trainingOptions, type SpaceRow, type VaryOption } from './space';

const training: JsonSchema = {
  properties: {
    task: { type: 'string', enum: ['classification', 'regression'] },
    lr: { type: 'number', exclusiveMinimum: 0, default: 0.001 },
    batch_size: { type: 'integer', minimum: 1, default: 32 },
    optimizer: { enum: ['sgd', 'adam'], type: 'string', default: 'adam' },
    dataset_options: { type: 'object' },
    device: { type: 'string', default: 'auto' },
  },
};

const linear: JsonSchema = { properties: { out_features: { type: 'integer', minimum: 1 }, bias: { type: 'boolean', default: true } } };

const doc: GraphDocument = {
  format: 'layerlab.graph',
  version: 1,
  name: 'd',
  description: '',
  nodes: [
    { id: 'fc1', type: 'Linear', params: { out_features: 16 }, repeat: 1 },
    { id: 'stage', type: 'Res', params: { channels: 16 }, repeat: 3 },
  ],
  edges: [],
  blocks: [{ name: 'Res', description: '', params: { channels: 64 }, nodes: [], edges: [] }],
  training: { lr: 0.01 },
} as unknown as GraphDocument;

const row = (over: Partial<SpaceRow>): SpaceRow => ({ path: 'p', label: 'p', kind: 'uniform', lo: '', hi: '', step: '1', choices: '', ...over });

describe('what can vary', () => {
  it('offers numeric, enum and boolean training fields, not the task or the device', () => {
    const options = trainingOptions(training, { lr: 0.01 });
    expect(options.map((o) => o.path)).toEqual(['lr', 'batch_size', 'optimizer']);
    expect(options.map((o) => o.current)).toEqual([0.01, 32, 'adam']);
  });
  it("offers a node's op parameters, a block instance's block parameters and its repeat", () => {
    expect(nodeOptions(doc, 'fc1', (t) => (t === 'Linear' ? linear : null)).map((o) => o.path)).toEqual([
      'nodes.fc1.params.out_features',
      'nodes.fc1.params.bias',
    ]);
    const stage = nodeOptions(doc, 'stage', () => null);
    expect(stage.map((o) => [o.path, o.current])).toEqual([
      ['nodes.stage.params.channels', 16],
      ['nodes.stage.repeat', 3],
    ]);
    expect(blockOptions(doc, 'Res').map((o) => o.path)).toEqual(['blocks.Res.params.channels']);
  });
});

describe('rows and the space', () => {
  it('starts a learning rate on a log scale two decades wide, an integer at half to twice', () => {
    const [lr, batch, optimizer] = trainingOptions(training, { lr: 0.01 }) as [VaryOption, VaryOption, VaryOption];
    expect(defaultRow(lr)).toMatchObject({ kind: 'log_uniform', lo: '0.001', hi: '0.1' });
    expect(defaultRow(batch)).toMatchObject({ kind: 'int', lo: '16', hi: '64' });
    expect(defaultRow(optimizer)).toMatchObject({ kind: 'choice', choices: 'sgd, adam' });
  });
  it('builds each distribution, and says what is wrong with a row', () => {
    expect(rowDistribution(row({ kind: 'log_uniform', lo: '1e-5', hi: '1' }))).toEqual({ ok: true, value: { log_uniform: [1e-5, 1] } });
    expect(rowDistribution(row({ kind: 'int', lo: '8', hi: '64', step: '8' }))).toEqual({ ok: true, value: { int: [8, 64], step: 8 } });
    expect(rowDistribution(row({ kind: 'choice', choices: 'adam, 3, true, null' }))).toEqual({ ok: true, value: { choice: ['adam', 3, true, null] } });
    expect(rowDistribution(row({ kind: 'log_uniform', lo: '0', hi: '1' }))).toMatchObject({ ok: false });
    expect(rowDistribution(row({ kind: 'uniform', lo: '2', hi: '1' }))).toMatchObject({ ok: false });
    expect(rowDistribution(row({ kind: 'int', lo: '1.5', hi: '3' }))).toMatchObject({ ok: false });
    expect(rowDistribution(row({ kind: 'choice', choices: ' , ' }))).toMatchObject({ ok: false });
    const built = buildSpace([row({ path: 'lr', kind: 'log_uniform', lo: '1e-4', hi: '1e-1' }), row({ path: 'x', lo: 'a', hi: '1' })]);
    expect(built.space).toEqual({ lr: { log_uniform: [1e-4, 1e-1] } });
    expect(Object.keys(built.errors)).toEqual(['x']);
    expect(built.errors.x).toBe('give both bounds as numbers');
    expect(rowDistribution(row({ kind: 'log_uniform', lo: '0', hi: '1' }), fixedT('zh-CN'))).toEqual({ ok: false, error: '对数尺度的下限必须大于 0' });
    expect(blockOptions(doc, 'Res', fixedT('zh-CN'))[0]?.label).toBe('Res · channels（所有实例）');
  });
  it('counts a grid and estimates a sweep from the last run of the graph', () => {
    expect(gridSize({ a: { choice: [1, 2] }, b: { int: [8, 64], step: 8 } })).toBe(16);
    expect(gridSize({ a: { uniform: [0, 1] } })).toBeNull();
    expect(estimate(8, 2, 2, 3, 10)).toEqual({ runs: 8, seconds: 120 }); // 3 s an epoch, 10 epochs
    expect(estimate(8, 4, 1, 3, 10)).toEqual({ runs: 8, seconds: 240 }); // one worker: one at a time
    expect(estimate(8, 2, 2, null, 10)).toEqual({ runs: 8, seconds: null });
  });
});
