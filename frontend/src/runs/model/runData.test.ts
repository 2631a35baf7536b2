import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../api/types';
import { MAX_SAMPLE_SETS, RunData } from './runData';

let seq = 0;
const base = (step: number, epoch = 0) => ({ seq: ++seq, run: 'r_1', step, epoch, time: step / 10 });
const metrics = (step: number, values: Record<string, number | null>, nonfinite: string[] = [], epoch = 0): RunEvent => ({
  ...base(step, epoch),
  type: 'metrics',
  values,
  nonfinite,
});

describe('run data from events', () => {
  it('builds step curves and epoch curves apart', () => {
    const d = new RunData();
    d.apply([
      metrics(10, { 'train/loss': 0.9, lr: 0.01 }),
      metrics(20, { 'train/loss': 0.7, lr: 0.01 }),
      metrics(24, { 'val/loss': 0.8, 'val/acc': 0.6, 'train/epoch_loss': 0.75 }, [], 0),
      metrics(48, { 'val/loss': 0.5, 'val/acc': 0.8, 'train/epoch_loss': 0.55 }, [], 1),
    ]);
    expect(d.metrics.get('train/loss')!.x).toEqual([10, 20]);
    expect(d.metrics.get('train/loss')!.y).toEqual([0.9, 0.7]);
    expect(d.epochMetrics.get('val/acc')!.x).toEqual([1, 2]);
    expect(d.epochMetrics.get('val/acc')!.best(true)).toEqual({ x: 2, y: 0.8 });
    expect(d.metrics.has('val/loss')).toBe(false);
    expect(d.epochsAt(36)).toBeCloseTo(1.5, 10);
    expect(d.version).toBe(1);
  });

  it('keeps non-finite values as flagged gaps', () => {
    const d = new RunData();
    d.apply([metrics(1, { 'train/loss': 1 }), metrics(2, { 'train/loss': null }, ['train/loss'])]);
    const loss = d.metrics.get('train/loss')!;
    expect(loss.y).toEqual([1, null]);
    expect(loss.nonfinite).toEqual([2]);
  });

  it('tables gradient norms per layer, NaN where not finite', () => {
    const d = new RunData();
    d.apply([
      { ...base(1), type: 'grad_norms', values: { fc1: 0.1, fc2: null }, total: null, nonfinite: ['fc2'] },
      { ...base(2), type: 'grad_norms', values: { fc1: 0.2, fc2: 0.3 }, total: 0.36, nonfinite: [] },
    ]);
    expect(d.grads.layers).toEqual(['fc1', 'fc2']);
    expect(d.grads.column('fc2')[0]).toBeNaN();
    expect(d.grads.valuesAt(1).get('fc1')).toBe(0.1);
    expect(d.gradTotal.nonfinite).toEqual([1]);
  });

  it('follows status, progress and the samples at a step', () => {
    const d = new RunData();
    d.apply([
      { ...base(0), type: 'status', status: 'running', message: '', total_steps: 100 },
      { ...base(12), type: 'samples', views: [{ kind: 'text', prompt: 'a', text: 'b' }] },
      { ...base(24), type: 'samples', views: [{ kind: 'text', prompt: 'a', text: 'c' }] },
    ]);
    expect(d.status?.status).toBe('running');
    expect(d.totalSteps).toBe(100);
    expect(d.step).toBe(24);
    expect(d.samplesAt(20)?.step).toBe(12);
    expect(d.samplesAt(null)?.step).toBe(24);
    expect(d.samplesAt(5)).toBeNull();
  });

  it('shows each kind of view as of its latest update', () => {
    const d = new RunData();
    d.apply([
      { ...base(12), type: 'samples', views: [{ kind: 'text', prompt: 'a', text: 'b' }, { kind: 'sequences', items: [] }] },
      { ...base(15), type: 'samples', views: [{ kind: 'text', prompt: 'a', text: 'mid-epoch' }] },
    ]);
    const at = (step: number | null) => d.viewsAt(step).map(({ set, view }) => `${view.kind}@${set.step}`);
    expect(at(null)).toEqual(['text@15', 'sequences@12']);
    expect(at(13)).toEqual(['text@12', 'sequences@12']);
    expect(at(5)).toEqual([]);
  });

  it('keeps a bounded number of sample sets, the latest always', () => {
    const d = new RunData();
    for (let i = 1; i <= MAX_SAMPLE_SETS * 3; i += 1) d.apply([{ ...base(i), type: 'samples', views: [] }]);
    expect(d.samples.length).toBeLessThanOrEqual(MAX_SAMPLE_SETS);
    expect(d.samples[d.samples.length - 1]!.step).toBe(MAX_SAMPLE_SETS * 3);
    const steps = d.samples.map((s) => s.step);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  it('takes 100,000 loss points quickly', () => {
    const d = new RunData();
    const events: RunEvent[] = [];
    for (let i = 1; i <= 100_000; i += 1) events.push(metrics(i, { 'train/loss': 1 / i, lr: 0.001, samples_per_s: 5000 }));
    const wire = JSON.parse(JSON.stringify(events)) as RunEvent[]; // objects as the socket gives them
    const t0 = performance.now();
    d.apply(wire);
    expect(performance.now() - t0).toBeLessThan(1000); // ~50 ms here
    expect(d.metrics.get('train/loss')!.length).toBe(100_000);
  });
});
