import { describe, expect, it } from 'vitest';
import { axesOf, type Axis, bestSoFar, brushed, OBJECTIVE_AXIS, position, sortTrials, topTrials, valueAt, type TrialRecord } from './trials';

function trial(number: number, value: number | null, params: Record<string, unknown>, over: Partial<TrialRecord> = {}): TrialRecord {
  return {
    number,
    state: value === null ? 'pruned' : 'complete',
    status: value === null ? 'pruned' : 'finished',
    params,
    value,
    intermediate: [],
    run: `r_00000000000${number}`,
    message: null,
    started_at: null,
    finished_at: null,
    duration_s: number * 10,
    ...over,
  };
}

const trials = [
  trial(0, 0.8, { lr: 0.001, optimizer: 'sgd' }),
  trial(1, 0.95, { lr: 0.03, optimizer: 'adam' }),
  trial(2, null, { lr: 1e-5, optimizer: 'sgd' }),
  trial(3, 0.9, { lr: 0.1, optimizer: 'adam' }),
];

describe('the trials table', () => {
  it('sorts by objective, a parameter or the number, trials without a value last', () => {
    expect(sortTrials(trials, { key: 'value', descending: true }).map((t) => t.number)).toEqual([1, 3, 0, 2]);
    expect(sortTrials(trials, { key: 'value', descending: false }).map((t) => t.number)).toEqual([0, 3, 1, 2]);
    expect(sortTrials(trials, { key: 'param:lr', descending: false }).map((t) => t.number)).toEqual([2, 0, 1, 3]);
    expect(sortTrials(trials, { key: 'param:optimizer', descending: false }).map((t) => t.number)).toEqual([1, 3, 0, 2]);
    expect(sortTrials(trials, { key: 'number', descending: true }).map((t) => t.number)).toEqual([3, 2, 1, 0]);
  });
  it('keeps the best so far for either direction, skipping trials without a value', () => {
    expect(bestSoFar(trials, 'maximize').map((p) => [p.number, p.best])).toEqual([
      [0, 0.8],
      [1, 0.95],
      [3, 0.95],
    ]);
    expect(bestSoFar(trials, 'minimize').map((p) => p.best)).toEqual([0.8, 0.8, 0.8]);
    expect(topTrials(trials, 'maximize', 2).map((t) => t.number)).toEqual([1, 3]);
    expect(topTrials(trials, 'minimize', 1).map((t) => t.number)).toEqual([0]);
  });
});

describe('parallel coordinates', () => {
  const space = { lr: { log_uniform: [1e-5, 1] }, optimizer: { choice: ['sgd', 'adam'] } };
  const axes = axesOf(space, trials, 'val/acc');
  const [lr, optimizer, objective] = axes as [Axis, Axis, Axis];
  it('has an axis per path, log for log-uniform, categories for choices, then the objective', () => {
    expect(axes.map((a) => [a.key, a.scale])).toEqual([
      ['lr', 'log'],
      ['optimizer', 'category'],
      [OBJECTIVE_AXIS, 'linear'],
    ]);
    expect(position(lr, 1e-5)).toBeCloseTo(0);
    expect(position(lr, 1e-3)).toBeCloseTo(0.4);
    expect(position(optimizer, 'adam')).toBe(1);
    expect(position(objective, 0.95)).toBe(1);
    expect(position(objective, null)).toBeNull();
    expect(valueAt(lr, 0.4)).toBeCloseTo(1e-3);
  });
  it('keeps the trials inside every brush', () => {
    expect(brushed(trials, axes, {}).length).toBe(4);
    expect(brushed(trials, axes, { lr: [0.3, 1] }).map((t) => t.number)).toEqual([0, 1, 3]);
    expect(brushed(trials, axes, { lr: [0.3, 1], optimizer: [0.9, 1] }).map((t) => t.number)).toEqual([1, 3]);
    // A trial without an objective is outside any brush on it.
    expect(brushed(trials, axes, { [OBJECTIVE_AXIS]: [0, 1] }).map((t) => t.number)).toEqual([0, 1, 3]);
  });
});
