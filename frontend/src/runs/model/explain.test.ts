import { describe, expect, it } from 'vitest';
import { findings } from './explain';
import type { Warning } from './health';

const warn = (node: string | null, diagnosis: Warning['diagnosis'] = 'vanishing_gradients'): Warning => ({
  key: `${diagnosis}:${node}`,
  diagnosis,
  node,
  severity: 'warning',
  message: `gradient norm 1.01e-08 is 2.0e-08 of head's (5.14e-01)`,
  value: 1e-8,
  step: 40,
});

describe('diagnoses for a learner', () => {
  it('leads with a plain sentence, names every layer once, and links the twin', () => {
    const [f] = findings([warn('fc2'), warn('fc1')], {
      types: new Set(['Linear', 'Sigmoid']),
      order: ['x', 'fc1', 'sig1', 'fc2'],
      preset: { name: 'deep_sigmoid_mlp', twin: 'deep_residual_mlp', twinTitle: 'Deep residual MLP' },
    });
    expect(f!.headline).toMatch(/^The layers nearest the input are barely learning/);
    expect(f!.why).toMatch(/sigmoid passes back only a fraction/);
    expect(f!.tryThis).toMatch(/ReLU.*residual.*BatchNorm/);
    expect(f!.layers).toEqual(['fc1', 'fc2']);
    expect(f!.cure).toEqual({ preset: 'deep_residual_mlp', label: 'Open the twin that does not have this: Deep residual MLP' });
    expect(f!.details).toHaveLength(2); // the numbers, one click away
  });

  it('offers the settings that cure overfitting, with no twin to open', () => {
    const [f] = findings([warn(null, 'overfitting')], { types: new Set(), preset: null });
    expect(f!.tryThis).toMatch(/Dropout.*weight decay/);
    expect(f!.layers).toEqual([]);
    expect(f!.cure).toBeNull();
  });
});
