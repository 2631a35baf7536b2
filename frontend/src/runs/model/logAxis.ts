// A log axis for bars of positive numbers (gradient norms): whole decades that hold
// every value, labelled at powers of ten. Pure: no React, no store.

export interface LogAxis {
  /** The axis spans 10^lo .. 10^hi, lo < hi. */
  lo: number;
  hi: number;
  /** A tick at each labelled power of ten: its exponent and place along the axis, 0..1. */
  ticks: { exponent: number; at: number; label: string }[];
}

/** Decades the axis shows when nothing positive has been measured yet. */
const EMPTY: readonly [number, number] = [-4, 0];
/** The lowest decade shown: a norm of 1e-30 still gets a bar, at the axis's start. */
const FLOOR = -12;
const MAX_TICKS = 6;

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** 10^exponent for people: "0.01", "0.1", "1", "10", "100", then 10³, 10⁻⁴. */
export function powerLabel(exponent: number): string {
  if (exponent >= -2 && exponent <= 2) return String(10 ** exponent);
  return `10${[...String(exponent)].map((c) => SUPERSCRIPT[c] ?? c).join('')}`;
}

/** The power of ten at or above `v`, as an exponent (0, never -0). */
const decade = (v: number): number => Math.ceil(Math.log10(v)) + 0;

/** The axis for `values` (nulls, zeros and non-finite values do not widen it). */
export function logAxis(values: Iterable<number | null>): LogAxis {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v === null || !Number.isFinite(v) || v <= 0) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  // The decade below the smallest value, so that its bar shows; up to the largest.
  const [lower, upper]: readonly [number, number] = min <= max ? [decade(min) - 1, decade(max)] : EMPTY;
  const lo = Math.max(FLOOR, lower);
  const hi = Math.max(upper, lo + 1);
  const every = Math.ceil((hi - lo) / (MAX_TICKS - 1));
  const ticks = [];
  for (let e = lo; e <= hi; e += every) ticks.push({ exponent: e, at: (e - lo) / (hi - lo), label: powerLabel(e) });
  return { lo, hi, ticks };
}

/** Where `value` sits along the axis, 0..1: its bar's length (0 for zero or below the
 * axis, 1 for a non-finite value, the end of the scale). */
export function logShare(axis: LogAxis, value: number): number {
  if (!Number.isFinite(value)) return 1;
  if (value <= 0) return 0;
  const share = (Math.log10(value) - axis.lo) / (axis.hi - axis.lo);
  return Math.max(0, Math.min(1, share));
}
