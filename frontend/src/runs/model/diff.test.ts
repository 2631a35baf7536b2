import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../api/types';
import { flatten, graphDiff, isEmptyDiff, sayDetail, settingsDiff, showValue } from './diff';
import { fixedT, inEnglish } from '../../model/translate';

const doc = (nodes: GraphDocument['nodes'], edges: GraphDocument['edges'] = []): GraphDocument => ({
  format: 'layerlab.graph',
  version: 1,
  name: 'g',
  nodes,
  edges,
});

describe('settings diff', () => {
  it('flattens nested settings to dotted paths, arrays as leaves', () => {
    expect(flatten({ a: { b: 1 }, c: [1, 2], d: {} })).toEqual({ 'a.b': 1, c: [1, 2], d: {} });
  });
  it('lists exactly the settings that differ, sorted, including ones set on one side only', () => {
    const a = { lr: 0.01, epochs: 3, telemetry: { scalars_every: 10, health: true }, betas: [0.9, 0.999] };
    const b = { lr: 0.001, epochs: 3, telemetry: { scalars_every: 1, health: true }, betas: [0.5, 0.999], seed: 1 };
    expect(settingsDiff(a, b)).toEqual([
      { path: 'betas', a: [0.9, 0.999], b: [0.5, 0.999] },
      { path: 'lr', a: 0.01, b: 0.001 },
      { path: 'seed', a: undefined, b: 1 },
      { path: 'telemetry.scalars_every', a: 10, b: 1 },
    ]);
    expect(settingsDiff(a, a)).toEqual([]);
    expect(showValue(undefined, inEnglish)).toBe('(unset)');
    expect(showValue(undefined, fixedT('zh-CN'))).toBe('（未设置）');
    expect(showValue([0.5, 0.999], inEnglish)).toBe('[0.5,0.999]');
  });
});

describe('graph diff', () => {
  const base = doc(
    [
      { id: 'x', type: 'Input', params: { shape: [2] }, position: { x: 0, y: 0 } },
      { id: 'fc1', type: 'Linear', params: { out_features: 16 } },
      { id: 'act', type: 'Tanh' },
      { id: 'out', type: 'Output' },
    ],
    [
      { source: 'x', target: 'fc1' },
      { source: 'fc1', target: 'act' },
      { source: 'act', target: 'out' },
    ],
  );

  it('finds nothing between a graph and itself moved around', () => {
    const moved = { ...base, nodes: base.nodes!.map((n) => ({ ...n, position: { x: 5, y: 5 } })) };
    expect(isEmptyDiff(graphDiff(base, moved))).toBe(true);
  });

  it('names added, removed and changed nodes and edges', () => {
    const other = doc(
      [
        { id: 'x', type: 'Input', params: { shape: [2] } },
        { id: 'fc1', type: 'Linear', params: { out_features: 32 } },
        { id: 'act', type: 'ReLU' },
        { id: 'drop', type: 'Dropout', params: { p: 0.1 } },
        { id: 'out', type: 'Output' },
      ],
      [
        { source: 'x', target: 'fc1' },
        { source: 'fc1', target: 'act' },
        { source: 'act', target: 'drop' },
        { source: 'drop', target: 'out' },
      ],
    );
    const d = graphDiff(base, other);
    expect(d.added.map((n) => n.id)).toEqual(['drop']);
    expect(d.removed).toEqual([]);
    expect(d.changed.map((c) => ({ ...c, details: c.details.map((x) => sayDetail(x, inEnglish)) }))).toEqual([
      { id: 'fc1', type: 'Linear', details: ['out_features 16 → 32'] },
      { id: 'act', type: 'ReLU', details: ['type Tanh → ReLU'] },
    ]);
    expect(d.changed.flatMap((c) => c.details.map((x) => sayDetail(x, fixedT('zh-CN'))))).toEqual(['out_features 16 → 32', '类型 Tanh → ReLU']);
    expect(d.edgesAdded).toEqual(['act → drop', 'drop → out']);
    expect(d.edgesRemoved).toEqual(['act → out']);
    expect(graphDiff(other, base).removed.map((n) => n.id)).toEqual(['drop']);
  });
});
