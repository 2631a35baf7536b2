import { describe, expect, it } from 'vitest';
import { defaultCheckpoint, forkOverrides, settingChanges, shortValue, stepOffsets } from './fork';

const kept = [
  { name: 'step-00000030', step: 30 },
  { name: 'step-00000040', step: 40 },
  { name: 'step-00000020', step: 20 },
];

describe('defaultCheckpoint', () => {
  it('offers the newest when the view follows the live end', () => {
    expect(defaultCheckpoint(kept, null)?.name).toBe('step-00000040');
  });
  it('offers the newest at or before the timeline cursor', () => {
    expect(defaultCheckpoint(kept, 35)?.name).toBe('step-00000030');
    expect(defaultCheckpoint(kept, 30)?.name).toBe('step-00000030');
  });
  it('falls back to the oldest kept when the cursor is before all of them', () => {
    expect(defaultCheckpoint(kept, 5)?.name).toBe('step-00000020');
  });
  it('is null with nothing kept', () => {
    expect(defaultCheckpoint([], 10)).toBeNull();
  });
});

describe('settingChanges and forkOverrides', () => {
  const base = { lr: 0.01, epochs: 4, optimizer: 'adam', max_steps: null, telemetry: { every: 10 } };
  it('lists only what differs, in the base order', () => {
    const edited = { ...base, optimizer: 'sgd', lr: 0.001 };
    expect(settingChanges(base, edited)).toEqual([
      { field: 'lr', from: 0.01, to: 0.001 },
      { field: 'optimizer', from: 'adam', to: 'sgd' },
    ]);
    expect(forkOverrides(base, edited)).toEqual({ lr: 0.001, optimizer: 'sgd' });
  });
  it('compares nested values by content and sees nothing when nothing changed', () => {
    expect(settingChanges(base, { ...base, telemetry: { every: 10 } })).toEqual([]);
    expect(settingChanges(base, { ...base, telemetry: { every: 5 } })).toHaveLength(1);
    expect(forkOverrides(base, { ...base })).toEqual({});
  });
  it('includes fields the base did not have', () => {
    expect(settingChanges({ lr: 1 }, { lr: 1, seed: 3 })).toEqual([{ field: 'seed', from: undefined, to: 3 }]);
  });
});

describe('shortValue', () => {
  it('shows strings bare, the rest as JSON, long ones cut', () => {
    expect(shortValue('adam')).toBe('adam');
    expect(shortValue(null)).toBe('null');
    expect(shortValue(undefined)).toBe('(default)');
    expect(shortValue('x'.repeat(60))).toHaveLength(40);
  });
});

describe('stepOffsets', () => {
  const source = { id: 'r_a', fork: null };
  const fork = { id: 'r_b', fork: { run: 'r_a', step: 40 } };
  it('draws a fork from the step it was forked at, beside its source', () => {
    expect(stepOffsets(source, fork)).toEqual([0, 40]);
    expect(stepOffsets(fork, source)).toEqual([40, 0]);
  });
  it('leaves unrelated runs, and forks of a third run, at their own steps', () => {
    expect(stepOffsets(fork, { id: 'r_c', fork: { run: 'r_x', step: 7 } })).toEqual([0, 0]);
    expect(stepOffsets({ id: 'r_c' }, source)).toEqual([0, 0]);
  });
});
