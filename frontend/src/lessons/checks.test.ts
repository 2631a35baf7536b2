import { describe, expect, it } from 'vitest';
import type { GraphDocument, LessonCheck, RunEvent } from '../api/types';
import { RunData } from '../runs/model/runData';
import { checkHolds, runFacts, type LessonFacts } from './checks';

const doc: GraphDocument = {
  nodes: [
    { id: 'x', type: 'Input', params: { shape: [2] } },
    { id: 'body', type: 'Unit', repeat: 3 },
    { id: 'drop', type: 'Dropout' },
  ],
  edges: [],
  blocks: [{ name: 'Unit', nodes: [{ id: 'fc', type: 'Linear' }, { id: 'add', type: 'Add' }], edges: [] }],
  training: { optimizer: 'sgd', lr: 0.1 },
} as unknown as GraphDocument;

let seq = 0;
const base = (step: number, epoch = 0) => ({ seq: ++seq, run: 'r_1', step, epoch, time: step / 10 });
const events: RunEvent[] = [
  { ...base(0), type: 'status', status: 'running', message: '' },
  { ...base(10), type: 'metrics', values: { 'train/loss': 0.7 }, nonfinite: [] },
  { ...base(12), type: 'metrics', values: { 'val/acc': 0.85, 'val/loss': 0.4 }, nonfinite: [] },
  { ...base(20, 1), type: 'health', diagnosis: 'vanishing_gradients', node: 'fc1', severity: 'warning', active: true, message: '' },
  { ...base(22, 1), type: 'health', diagnosis: 'dead_relu', node: 'act', severity: 'warning', active: true, message: '' },
  { ...base(24, 1), type: 'metrics', values: { 'val/acc': 0.92, 'val/loss': 0.3 }, nonfinite: [] },
  { ...base(26, 1), type: 'health', diagnosis: 'dead_relu', node: 'act', severity: 'warning', active: false, message: '' },
  { ...base(26, 1), type: 'status', status: 'diverged', message: 'loss is NaN' },
] as RunEvent[];

function facts(): LessonFacts {
  const data = new RunData();
  data.apply(events);
  return { doc, preset: 'deep_sigmoid_mlp', run: runFacts('r_1', data) };
}

const holds = (check: LessonCheck) => checkHolds(check, facts());

describe('lesson checks', () => {
  it('count ops through blocks and their repeats', () => {
    expect(holds({ kind: 'graph_has', op: 'Dropout' })).toBe(true);
    expect(holds({ kind: 'graph_has', op: 'Linear', at_least: 3 })).toBe(true);
    expect(holds({ kind: 'graph_has', op: 'Linear', at_least: 4 })).toBe(false);
    expect(holds({ kind: 'graph_has', op: 'Conv2d' })).toBe(false);
  });

  it('read the open preset and the training section', () => {
    expect(holds({ kind: 'preset_open', preset: 'deep_sigmoid_mlp' })).toBe(true);
    expect(holds({ kind: 'preset_open', preset: 'deep_residual_mlp' })).toBe(false);
    expect(holds({ kind: 'training_is', field: 'optimizer', value: 'sgd' })).toBe(true);
    expect(holds({ kind: 'training_is', field: 'lr', value: 0.01 })).toBe(false);
    expect(holds({ kind: 'training_is', field: 'weight_decay', value: 0.1 })).toBe(false);
  });

  it('read the run: epochs done, status, the latest metrics and the diagnoses still shown', () => {
    expect(facts().run?.epochs).toBe(2);
    expect(holds({ kind: 'run_epoch', at_least: 2 })).toBe(true);
    expect(holds({ kind: 'run_epoch', at_least: 3 })).toBe(false);
    expect(holds({ kind: 'run_status', status: 'diverged' })).toBe(true);
    expect(holds({ kind: 'metric', metric: 'val/acc', at_least: 0.9 })).toBe(true); // the latest, 0.92
    expect(holds({ kind: 'metric', metric: 'val/loss', at_most: 0.35 })).toBe(true);
    expect(holds({ kind: 'metric', metric: 'val/acc', at_least: 0.95 })).toBe(false);
    expect(holds({ kind: 'metric', metric: 'val/top5', at_least: 0 })).toBe(false);
    expect(holds({ kind: 'diagnosis', diagnosis: 'vanishing_gradients', node: 'fc1' })).toBe(true);
    expect(holds({ kind: 'diagnosis', diagnosis: 'vanishing_gradients', node: 'fc2' })).toBe(false);
    expect(holds({ kind: 'diagnosis', diagnosis: 'dead_relu' })).toBe(false); // cleared since
  });

  it('need a run for run checks', () => {
    const none: LessonFacts = { doc, preset: null, run: null };
    expect(checkHolds({ kind: 'run_epoch', at_least: 1 }, none)).toBe(false);
    expect(checkHolds({ kind: 'diagnosis', diagnosis: 'overfitting' }, none)).toBe(false);
    expect(checkHolds({ kind: 'graph_has', op: 'Dropout' }, { doc: null, preset: null, run: null })).toBe(false);
  });
});
