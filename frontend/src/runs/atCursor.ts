// Per-layer values at the timeline's cursor, computed once per (data version, cursor)
// however many nodes ask: a graph of 500 nodes reads them 500 times a frame.
import type { ActivationStats, GradientRule, WeightStats } from '../api/types';
import { standingWarnings, type Warning } from './model/health';
import { gradPositions, runData } from './store';

interface Snapshot {
  key: string;
  rule: GradientRule | null;
  grads: Map<string, number | null>;
  /** Each layer's gradient on the health scale (empty until the server's rule is known). */
  gradPositions: Map<string, number | null>;
  activations: Map<string, ActivationStats | null>;
  weights: Map<string, WeightStats | null>;
  warnings: Warning[];
  gradStep: number | null;
}

let cache: Snapshot | null = null;

export function snapshotAt(version: number, cursor: number | null, rule: GradientRule | null): Snapshot {
  const data = runData();
  const key = `${version}:${cursor}:${data.lastSeq}`;
  if (cache?.key === key && cache.rule === rule) return cache;
  const row = data.grads.rowAt(cursor);
  cache = {
    key,
    rule,
    grads: data.grads.valuesAt(cursor),
    gradPositions: gradPositions(rule)?.valuesAt(cursor) ?? new Map(),
    activations: data.activations.valuesAt(cursor),
    weights: data.weights.valuesAt(cursor),
    warnings: standingWarnings(data.health, cursor),
    gradStep: row >= 0 ? (data.grads.steps[row] ?? null) : null,
  };
  return cache;
}
