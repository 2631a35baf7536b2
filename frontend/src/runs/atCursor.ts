// Per-layer values at the timeline's cursor, computed once per (data version, cursor)
// however many nodes ask: a graph of 500 nodes reads them 500 times a frame.
import type { ActivationStats, WeightStats } from '../api/types';
import { standingWarnings, type Warning } from './model/health';
import { runData } from './store';

interface Snapshot {
  key: string;
  grads: Map<string, number | null>;
  activations: Map<string, ActivationStats | null>;
  weights: Map<string, WeightStats | null>;
  warnings: Warning[];
  gradStep: number | null;
}

let cache: Snapshot | null = null;

export function snapshotAt(version: number, cursor: number | null): Snapshot {
  const data = runData();
  const key = `${version}:${cursor}:${data.lastSeq}`;
  if (cache?.key === key) return cache;
  const row = data.grads.rowAt(cursor);
  cache = {
    key,
    grads: data.grads.valuesAt(cursor),
    activations: data.activations.valuesAt(cursor),
    weights: data.weights.valuesAt(cursor),
    warnings: standingWarnings(data.health, cursor),
    gradStep: row >= 0 ? (data.grads.steps[row] ?? null) : null,
  };
  return cache;
}
