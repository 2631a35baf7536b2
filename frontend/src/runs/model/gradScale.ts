// Where each gradient norm sits on the health scale (colors.ts), by the server's own rule
// (train/health.py, served as GET /api/meta `gradients`). Both sides are relative:
//
// - vanishing: a layer's norm is under `vanishing_ratio` of the strongest layer's at the
//   same step. The server compares the earliest weight layer with the last; the last is
//   never stronger than the strongest, so whatever the server calls vanishing is
//   vanishing here too (and so is any other layer that far behind).
// - exploding: a norm is over `exploding_factor` times its early reference (the median of
//   its first `reference_samples` measurements before this one, judged from the second).
//   A layer is judged on its own history; the step's largest layer, the one the server
//   names, is also judged on the network's total, as the server judges it. A layer that
//   is both (it grew, but is still far behind the strongest) shows as vanishing.
//
// Position: -log(share)/log(vanishing_ratio) on the cool side and log(growth)/
// log(exploding_factor) on the hot side, so each threshold sits at -1 or +1 whatever the
// server's numbers; healthy positions stay strictly between. Pure: no React, no store.
import type { GradientRule } from '../../api/types';
import type { GradPosition } from './colors';
import { LayerTable } from './layerTable';

/** Healthy positions stay inside (-1, 1): at a threshold the class is the server's. */
const HEALTHY_EDGE = 0.999;
/** A zero norm (or one grown from zero) is far out on its side, not infinitely far. */
const FAR = 4;
/** The server's floor under a reference (a zero reference must not divide by zero). */
const REFERENCE_FLOOR = 1e-12;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The first measurements of one quantity, whose median is its early reference. */
class Reference {
  private readonly early: number[] = [];
  constructor(private readonly samples: number) {}

  /** Growth of `value` over the reference so far (null before there is one); then, while
   * the reference is still forming, `value` joins it. */
  judge(value: number): number | null {
    const growth = this.early.length ? value / Math.max(median(this.early), REFERENCE_FLOOR) : null;
    if (this.early.length < this.samples) this.early.push(value);
    return growth;
  }
}

export class GradScale {
  /** Positions, one row per row of the norms table, the same layers (NaN: not finite). */
  readonly positions = new LayerTable<number>();
  private rows = 0;
  private generation = -1;
  private layerReferences = new Map<string, Reference>();
  private totalReference: Reference;

  constructor(readonly rule: GradientRule) {
    this.totalReference = new Reference(rule.reference_samples);
  }

  /** Catch up with the norms table and the total norms measured with it (one per row,
   * null where the total was not finite). Appended rows cost one pass each; a table that
   * dropped rows (a resumed run replaying steps) is judged again from its start. */
  sync(norms: LayerTable<number>, totals: readonly (number | null)[]): this {
    if (norms.generation !== this.generation || norms.length < this.rows) {
      this.generation = norms.generation;
      this.rows = 0;
      this.positions.truncateFrom(-Infinity);
      this.layerReferences = new Map();
      this.totalReference = new Reference(this.rule.reference_samples);
    }
    for (; this.rows < norms.length; this.rows += 1) {
      const i = this.rows;
      const row = new Map<string, number>();
      for (const layer of norms.layers) {
        const v = norms.column(layer)[i];
        if (v !== null && v !== undefined) row.set(layer, v);
      }
      this.positions.push(norms.steps[i]!, this.judgeRow(row, totals[i] ?? null));
    }
    return this;
  }

  private judgeRow(row: ReadonlyMap<string, number>, total: number | null): Record<string, number> {
    const { vanishing_ratio: ratio, exploding_factor: factor } = this.rule;
    let strongest = 0;
    let largest: string | null = null;
    for (const [layer, v] of row) {
      if (Number.isFinite(v) && (largest === null || v > strongest)) [strongest, largest] = [v, layer];
    }
    // The server judges the total only when it is finite (a NaN is exploding by itself).
    const networkGrowth = total !== null && Number.isFinite(total) ? this.totalReference.judge(total) : null;
    const out: Record<string, number> = {};
    for (const [layer, v] of row) {
      if (!Number.isFinite(v)) {
        out[layer] = Number.NaN;
        continue;
      }
      let reference = this.layerReferences.get(layer);
      if (!reference) this.layerReferences.set(layer, (reference = new Reference(this.rule.reference_samples)));
      const own = reference.judge(v);
      const growth = Math.max(own ?? 0, layer === largest ? (networkGrowth ?? 0) : 0);
      const share = strongest > 0 ? v / strongest : 1;
      const hot = growth > 1 ? Math.min(FAR, Math.log(growth) / Math.log(factor)) : 0;
      const cool = share < 1 ? Math.min(FAR, Math.log(share) / Math.log(ratio)) : 0;
      // Vanishing first: the layer the server names exploding is the step's largest,
      // never vanishing, so each of the server's calls keeps its colour.
      if (share < ratio) out[layer] = -Math.max(cool, 1);
      else if (growth > factor) out[layer] = Math.max(hot, 1);
      else out[layer] = Math.max(-HEALTHY_EDGE, Math.min(HEALTHY_EDGE, hot >= cool ? hot : -cool));
    }
    return out;
  }
}

/** Of several positions (a block's inner layers, a heatmap cell's steps), the one to
 * show: a non-finite one, else the one furthest from healthy. */
export function extremePosition(positions: readonly GradPosition[]): GradPosition {
  let best: GradPosition = null;
  for (const p of positions) {
    if (p === null) continue;
    if (Number.isNaN(p)) return Number.NaN;
    if (best === null || Math.abs(p) > Math.abs(best)) best = p;
  }
  return best;
}
