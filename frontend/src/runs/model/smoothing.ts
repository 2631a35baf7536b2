// Smoothing a noisy curve (the training loss per step): an exponential moving average,
// debiased at the start (as TensorBoard does), so the first points are not dragged
// towards zero. A missing or non-finite value stays missing and does not poison the
// average; the curve goes on from the last good value.

export type Value = number | null;

/** Incremental: push each raw value, get its smoothed value. */
export class Ema {
  private last = 0;
  private count = 0;

  /** `weight` in [0, 1): 0 keeps the raw curve, 0.99 smooths hard. */
  constructor(readonly weight: number) {
    if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight ${weight} is not in [0, 1)`);
  }

  push(value: Value): Value {
    if (value === null || !Number.isFinite(value)) return null;
    this.last = this.last * this.weight + (1 - this.weight) * value;
    this.count += 1;
    return this.last / (1 - this.weight ** this.count);
  }
}

export function smooth(values: readonly Value[], weight: number): Value[] {
  const ema = new Ema(weight);
  return values.map((v) => ema.push(v));
}

/** A smoothed copy of a growing curve, extended incrementally; it starts over when the
 * weight changes or the curve lost points (its `generation` changed). */
export class SmoothedCurve {
  private weight = Number.NaN;
  private generation = Number.NaN;
  private ema = new Ema(0);
  readonly out: Value[] = [];

  update(values: readonly Value[], weight: number, generation = 0): Value[] {
    if (weight !== this.weight || generation !== this.generation || values.length < this.out.length) {
      this.weight = weight;
      this.generation = generation;
      this.ema = new Ema(weight);
      this.out.length = 0;
    }
    for (let i = this.out.length; i < values.length; i += 1) this.out.push(this.ema.push(values[i] ?? null));
    return this.out;
  }
}
