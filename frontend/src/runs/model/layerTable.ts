// Per-layer measurements over time (gradient norms, weight statistics, activation
// statistics): one row per sampled step, one column per layer, layers in network order
// (the order the server lists them: the order the graph computes). A layer missing
// from a row is null there. Replayed steps (a resumed run) replace what came after.
import { lowerBound, upperBound } from './series';

export class LayerTable<T> {
  readonly steps: number[] = [];
  readonly layers: string[] = [];
  private readonly columns = new Map<string, (T | null)[]>();
  generation = 0;

  get length(): number {
    return this.steps.length;
  }

  push(step: number, row: Readonly<Record<string, T>>): void {
    const last = this.steps[this.steps.length - 1];
    if (last !== undefined && step <= last) this.truncateFrom(step);
    const index = this.steps.length;
    this.steps.push(step);
    for (const layer of Object.keys(row)) {
      if (!this.columns.has(layer)) {
        this.layers.push(layer);
        this.columns.set(layer, new Array<T | null>(index).fill(null));
      }
    }
    for (const [layer, column] of this.columns) column.push(row[layer] ?? null);
  }

  truncateFrom(step: number): void {
    const keep = lowerBound(this.steps, step);
    if (keep >= this.steps.length) return;
    this.steps.length = keep;
    for (const column of this.columns.values()) column.length = keep;
    this.generation += 1;
  }

  column(layer: string): readonly (T | null)[] {
    return this.columns.get(layer) ?? [];
  }

  /** Index of the last row at or before `step` (the latest for null); -1 if none. */
  rowAt(step: number | null): number {
    return step === null ? this.steps.length - 1 : upperBound(this.steps, step) - 1;
  }

  /** Each layer's value in the row at or before `step`. */
  valuesAt(step: number | null): Map<string, T | null> {
    const i = this.rowAt(step);
    const out = new Map<string, T | null>();
    if (i < 0) return out;
    for (const layer of this.layers) out.set(layer, this.columns.get(layer)?.[i] ?? null);
    return out;
  }
}

/** A node's value from per-layer values: its own, or, for a block instance (whose
 * layers are named `block.0.conv1`), its inner layers' values combined by `combine`. */
export function nodeValue<T>(
  values: ReadonlyMap<string, T | null>,
  nodeId: string,
  combine: (inner: T[]) => T | null,
): T | null {
  const own = values.get(nodeId);
  if (own !== undefined) return own;
  const prefix = `${nodeId}.`;
  const inner: T[] = [];
  for (const [layer, v] of values) if (layer.startsWith(prefix) && v !== null) inner.push(v);
  return inner.length ? combine(inner) : null;
}

/** Norms of parts combine into the norm of the whole: sqrt of the sum of squares. */
export const combineNorms = (norms: number[]): number => Math.sqrt(norms.reduce((s, n) => s + n * n, 0));
