// Colour means the same everywhere (DESIGN.md "Screens"). ONE scale for gradient health:
// vanishing gradients are cool (blue), healthy ones neutral-green, exploding ones hot
// (orange to red). The canvas overlay, the gradient heatmap and bars, and the warnings
// all call `gradColor`/`gradClass`, so a colour read in one place reads the same in
// every other. Errors are red and warnings amber (the theme's --error / --warning).
//
// The scale is relative, as the server's diagnoses are (train/health.py): a colour is
// given to a measurement's *position* on the scale, which `gradScale.ts` computes from the
// server's rule (GET /api/meta): at or below -1 the server's vanishing side, at or above
// +1 its exploding side, healthy strictly between. No norm is healthy or not by itself.

import type { Translate } from '../../model/translate';

export type GradClass = 'none' | 'vanishing' | 'healthy' | 'exploding' | 'nonfinite';

/** A gradient measurement's place on the health scale: <= -1 vanishing, >= 1 exploding,
 * between them healthy; NaN: not finite; null: nothing measured. */
export type GradPosition = number | null;

type Rgb = readonly [number, number, number];
type Stops = readonly (readonly [number, Rgb])[];

/** Each class has its own band of colours, so a colour never reads as the wrong class:
 * the bands meet with a hard edge at the server's thresholds (positions -1 and +1). */
const VANISHING_STOPS: Stops = [
  [-2.5, [40, 60, 200]], // deep blue: nothing flows
  [-1.75, [70, 130, 225]], // blue
  [-1, [90, 175, 200]], // teal: just past the vanishing threshold
];
const HEALTHY_STOPS: Stops = [
  [-1, [78, 178, 150]], // green, leaning teal: near the vanishing side
  [-0.4, [72, 180, 110]], // green: healthy
  [0.4, [56, 166, 92]], // green: healthy
  [1, [140, 170, 60]], // yellow-green: near the exploding side
];
const EXPLODING_STOPS: Stops = [
  [1, [245, 159, 0]], // orange: just past the exploding threshold
  [2.5, [224, 49, 49]], // red: exploding
];

/** Positions the legend spans, and where each class's colour is shown on its own. */
export const SCALE_RANGE: readonly [number, number] = [-2.5, 2.5];
export const CLASS_POSITION = { vanishing: -1.75, healthy: 0, exploding: 1.75 } as const;

/** Non-finite gradients are the end of the hot side. */
export const NONFINITE_RGB: Rgb = [201, 42, 42];
/** No measurement (a layer without parameters, or none yet): neutral grey. */
export const NO_DATA = 'rgb(152, 162, 179)';

export function rgb(c: Rgb, alpha = 1): string {
  const [r, g, b] = c.map((v) => Math.round(v));
  return alpha >= 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

function interpolate(stops: Stops, x: number): Rgb {
  const first = stops[0]!;
  const last = stops[stops.length - 1]!;
  if (x <= first[0]) return first[1];
  if (x >= last[0]) return last[1];
  for (let i = 1; i < stops.length; i += 1) {
    const [x1, c1] = stops[i]!;
    const [x0, c0] = stops[i - 1]!;
    if (x <= x1) {
      const t = (x - x0) / (x1 - x0);
      return [c0[0] + (c1[0] - c0[0]) * t, c0[1] + (c1[1] - c0[1]) * t, c0[2] + (c1[2] - c0[2]) * t];
    }
  }
  return last[1];
}

export function gradClass(position: GradPosition | undefined): GradClass {
  if (position === null || position === undefined) return 'none';
  if (Number.isNaN(position)) return 'nonfinite';
  if (position <= -1) return 'vanishing';
  if (position >= 1) return 'exploding';
  return 'healthy';
}

const BANDS: Record<'vanishing' | 'healthy' | 'exploding', Stops> = {
  vanishing: VANISHING_STOPS,
  healthy: HEALTHY_STOPS,
  exploding: EXPLODING_STOPS,
};

export function gradRgb(position: GradPosition | undefined): Rgb | null {
  const kind = gradClass(position);
  if (kind === 'nonfinite') return NONFINITE_RGB;
  if (kind === 'none') return null;
  return interpolate(BANDS[kind], position as number);
}

/** The colour of a position on the scale (null: none measured, grey; NaN: hot). */
export function gradColor(position: GradPosition | undefined): string {
  const c = gradRgb(position);
  return c ? rgb(c) : NO_DATA;
}

/** The legend's strip as CSS stops over SCALE_RANGE: every band's stops, with a hard
 * edge where two bands meet. */
export function gradStrip(): string {
  const [lo, hi] = SCALE_RANGE;
  const at = (x: number) => `${(((Math.min(hi, Math.max(lo, x)) - lo) / (hi - lo)) * 100).toFixed(2)}%`;
  const stops = [VANISHING_STOPS, HEALTHY_STOPS, EXPLODING_STOPS].flatMap((band) => band.map(([x, c]) => `${rgb(c)} ${at(x)}`));
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

/** Where a position sits along the legend's strip, 0..1. */
export const stripOffset = (position: number): number => (position - SCALE_RANGE[0]) / (SCALE_RANGE[1] - SCALE_RANGE[0]);

/** A gradient class said for people, in the language of `t` (runs.grad.class). */
export const gradLabel = (kind: GradClass, t: Translate): string => t(`runs.grad.class.${kind}`);

// Density (histograms over time): one hue, transparent for "nothing here" so it sits on
// either theme's background.
const DENSITY: Rgb = [52, 87, 213];
const DENSITY_DARK: Rgb = [129, 156, 255];

export function densityColor(t: number, dark = false): string {
  const v = Math.max(0, Math.min(1, t));
  if (v === 0) return 'rgba(0, 0, 0, 0)';
  // sqrt: the tails of a distribution stay visible next to its peak.
  return rgb(dark ? DENSITY_DARK : DENSITY, 0.12 + 0.88 * Math.sqrt(v));
}

// Magnitude (the gradient heatmap's cells): a perceptual sequential scale, dark for the
// smallest norm of the range and bright for the largest, the same in both themes
// (viridis' anchors; lightness rises steadily, so order reads without a legend).
const MAGNITUDE: readonly Rgb[] = [
  [68, 1, 84],
  [65, 68, 135],
  [42, 120, 142],
  [34, 168, 132],
  [122, 209, 81],
  [253, 231, 37],
];

/** The colour of `t` in 0..1 along the magnitude scale. */
export function magnitudeRgb(t: number): Rgb {
  const v = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 1)) * (MAGNITUDE.length - 1);
  const i = Math.min(MAGNITUDE.length - 2, Math.floor(v));
  const f = v - i;
  const [a, b] = [MAGNITUDE[i]!, MAGNITUDE[i + 1]!];
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as unknown as Rgb;
}

export const magnitudeColor = (t: number): string => rgb(magnitudeRgb(t));

/** The magnitude scale as a CSS gradient, for legends. */
export const magnitudeStrip = (): string =>
  `linear-gradient(to right, ${MAGNITUDE.map((c, i) => `${rgb(c)} ${(i / (MAGNITUDE.length - 1)) * 100}%`).join(', ')})`;
