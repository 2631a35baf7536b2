// Everything the dashboard draws, built from a run's events in seq order: curves per
// metric, per-layer tables, samples, health, status and progress. Mutable and
// append-only for speed (100,000 points must stay smooth); `version` tells readers
// that something changed. No React, no store: the run store applies events here once
// per animation frame.
import type {
  ActivationStats,
  CheckpointEvent,
  HealthEvent,
  LogEvent,
  MetricsEvent,
  RunEvent,
  SampleView,
  StatusEvent,
  WeightStats,
} from '../../api/types';
import type { ExecutionInfo } from './execution';
import { LayerTable } from './layerTable';
import type { Mark } from './progress';
import { Series } from './series';

export interface SampleSet {
  seq: number;
  step: number;
  epoch: number | null;
  views: SampleView[];
}

/** Samples kept for the timeline: beyond this, older ones are thinned out. */
export const MAX_SAMPLE_SETS = 120;
const MAX_LOGS = 500;
const MAX_MARKS = 4000;

/** Metrics reported once per epoch (validation, the epoch's mean loss), not per step. */
export function isEpochMetrics(e: MetricsEvent): boolean {
  for (const k in e.values) if (k.startsWith('val/') || k.endsWith('epoch_loss')) return true;
  return false;
}

export class RunData {
  version = 0;
  lastSeq = 0;
  events = 0;
  /** Curves per step: train/loss, train/acc, lr, samples_per_s, memory_mb, ... */
  readonly metrics = new Map<string, Series>();
  /** Curves per epoch (x = epochs completed): val/loss, val/acc, train/epoch_loss. */
  readonly epochMetrics = new Map<string, Series>();
  /** Gradient L2 norm per layer (NaN where it was not finite). */
  readonly grads = new LayerTable<number>();
  readonly gradTotal = new Series();
  readonly weights = new LayerTable<WeightStats>();
  readonly activations = new LayerTable<ActivationStats>();
  readonly samples: SampleSet[] = [];
  readonly health: HealthEvent[] = [];
  readonly logs: LogEvent[] = [];
  readonly checkpoints: CheckpointEvent[] = [];
  readonly statuses: StatusEvent[] = [];
  status: StatusEvent | null = null;
  /** How the steps execute, from the latest status that said (runs/model/execution.ts). */
  execution: ExecutionInfo | null = null;
  totalSteps: number | null = null;
  step = 0;
  epoch = 0;
  time = 0;
  /** The step at which each epoch's metrics came (x = epochs completed). */
  readonly epochEnds: { epochs: number; step: number }[] = [];
  /** (time, step) of recent progress, for the ETA. */
  readonly marks: Mark[] = [];

  apply(events: readonly RunEvent[]): void {
    if (!events.length) return;
    for (const e of events) this.applyOne(e);
    this.version += 1;
  }

  private series(map: Map<string, Series>, key: string): Series {
    let s = map.get(key);
    if (!s) map.set(key, (s = new Series()));
    return s;
  }

  private applyOne(e: RunEvent): void {
    this.lastSeq = Math.max(this.lastSeq, e.seq);
    this.events += 1;
    this.step = e.step;
    if (e.epoch !== null && e.epoch !== undefined) this.epoch = e.epoch;
    this.time = Math.max(this.time, e.time);
    switch (e.type) {
      case 'metrics': {
        const flagged = e.nonfinite?.length ? e.nonfinite : null;
        const epochly = isEpochMetrics(e);
        const x = epochly ? (e.epoch ?? 0) + 1 : e.step;
        const map = epochly ? this.epochMetrics : this.metrics;
        for (const key in e.values) {
          const value = e.values[key];
          this.series(map, key).push(x, value ?? null, flagged !== null && flagged.includes(key));
        }
        if (!epochly) this.mark(e.time, e.step);
        else {
          while (this.epochEnds.length && this.epochEnds[this.epochEnds.length - 1]!.epochs >= x) this.epochEnds.pop();
          this.epochEnds.push({ epochs: x, step: e.step });
        }
        break;
      }
      case 'grad_norms': {
        const flagged = new Set(e.nonfinite ?? []);
        const row: Record<string, number> = {};
        for (const [layer, v] of Object.entries(e.values)) row[layer] = v === null || flagged.has(layer) ? Number.NaN : v;
        this.grads.push(e.step, row);
        this.gradTotal.push(e.step, e.total ?? null, e.total === null);
        break;
      }
      case 'weights':
        this.weights.push(e.step, e.layers);
        break;
      case 'activations':
        this.activations.push(e.step, e.layers);
        break;
      case 'samples':
        this.addSamples({ seq: e.seq, step: e.step, epoch: e.epoch ?? null, views: e.views });
        break;
      case 'health':
        this.health.push(e);
        break;
      case 'status':
        this.status = e;
        this.statuses.push(e);
        if (e.total_steps) this.totalSteps = e.total_steps;
        if (e.execution) this.execution = e.execution;
        this.mark(e.time, e.step);
        break;
      case 'checkpoint':
        this.checkpoints.push(e);
        break;
      case 'log':
        this.logs.push(e);
        if (this.logs.length > MAX_LOGS) this.logs.splice(0, this.logs.length - MAX_LOGS);
        break;
    }
  }

  private mark(time: number, step: number): void {
    const last = this.marks[this.marks.length - 1];
    if (last && step < last.step) this.marks.length = 0; // a resume replays steps
    this.marks.push({ time, step });
    if (this.marks.length > MAX_MARKS) this.marks.splice(0, this.marks.length - MAX_MARKS / 2);
  }

  private addSamples(set: SampleSet): void {
    while (this.samples.length && this.samples[this.samples.length - 1]!.step > set.step) this.samples.pop();
    this.samples.push(set);
    if (this.samples.length > MAX_SAMPLE_SETS) {
      // Thin the older half: every other one goes; the recent ones stay.
      const half = Math.floor(this.samples.length / 2);
      const older = this.samples.slice(0, half).filter((_, i) => i % 2 === 0);
      this.samples.splice(0, half, ...older);
    }
  }

  /** The samples shown at `step` (the latest for null). */
  samplesAt(step: number | null): SampleSet | null {
    if (step === null) return this.samples[this.samples.length - 1] ?? null;
    let found: SampleSet | null = null;
    for (const s of this.samples) {
      if (s.step > step) break;
      found = s;
    }
    return found;
  }

  /** The views shown at `step` (the latest for null), each kind from the latest set that
   * has it: a boundary redrawn mid-epoch beside the epoch's predictions. */
  viewsAt(step: number | null): { set: SampleSet; view: SampleView }[] {
    const byKind = new Map<SampleView['kind'], { set: SampleSet; view: SampleView }>();
    for (const set of this.samples) {
      if (step !== null && set.step > step) break;
      for (const view of set.views) byKind.set(view.kind, { set, view });
    }
    return [...byKind.values()];
  }

  /** Epochs completed at `step` (fractional), for the per-epoch charts' cursor. */
  epochsAt(step: number): number | null {
    const first = this.epochEnds[0];
    if (!first || first.step <= 0) return null;
    return step / (first.step / first.epochs);
  }

  /** The step range the timeline can scrub. */
  extent(): { first: number; last: number } {
    const loss = this.metrics.get('train/loss');
    const first = Math.min(loss?.x[0] ?? Infinity, this.grads.steps[0] ?? Infinity, 0);
    return { first: Number.isFinite(first) ? first : 0, last: this.step };
  }
}
