// Colour means the same everywhere (DESIGN.md "Screens"). ONE scale for gradient health:
// vanishing gradients are cool (blue), healthy ones neutral-green, exploding ones hot
// (orange to red). The canvas overlay, the gradient heatmap and bars, and the warnings
// all call `gradColor`/`gradClass`, so a colour read in one place reads the same in
// every other. Errors are red and warnings amber (the theme's --error / --warning).

export type GradClass = 'none' | 'vanishing' | 'healthy' | 'exploding' | 'nonfinite';

/** Below this L2 gradient norm a layer barely learns; above EXPLODING it overshoots. */
export const VANISHING = 1e-4;
export const EXPLODING = 1e2;

type Rgb = readonly [number, number, number];

/** The gradient scale's stops, at log10(norm). */
const GRAD_STOPS: readonly (readonly [number, Rgb])[] = [
  [-7, [40, 60, 200]], // deep blue: nothing flows
  [-5, [70, 130, 225]], // blue
  [-4, [90, 175, 200]], // teal: the vanishing threshold
  [-2.5, [72, 180, 110]], // green: healthy
  [0.5, [56, 166, 92]], // green: healthy
  [2, [245, 159, 0]], // orange: the exploding threshold
  [3.5, [224, 49, 49]], // red: exploding
];

/** Non-finite gradients are the end of the hot side. */
export const NONFINITE_RGB: Rgb = [201, 42, 42];
/** No measurement (a layer without parameters, or none yet): neutral grey. */
export const NO_DATA = 'rgb(152, 162, 179)';

export function rgb(c: Rgb, alpha = 1): string {
  const [r, g, b] = c.map((v) => Math.round(v));
  return alpha >= 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

function interpolate(stops: readonly (readonly [number, Rgb])[], x: number): Rgb {
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

export function gradClass(norm: number | null | undefined, nonfinite = false): GradClass {
  if (nonfinite || (typeof norm === 'number' && !Number.isFinite(norm))) return 'nonfinite';
  if (norm === null || norm === undefined) return 'none';
  if (norm < VANISHING) return 'vanishing';
  if (norm > EXPLODING) return 'exploding';
  return 'healthy';
}

export function gradRgb(norm: number | null | undefined, nonfinite = false): Rgb | null {
  const kind = gradClass(norm, nonfinite);
  if (kind === 'nonfinite') return NONFINITE_RGB;
  if (kind === 'none') return null;
  return interpolate(GRAD_STOPS, Math.log10(Math.max(norm as number, 1e-30)));
}

/** The colour of a gradient norm (null: none measured; NaN or nonfinite: hot). */
export function gradColor(norm: number | null | undefined, nonfinite = false): string {
  const c = gradRgb(norm, nonfinite);
  return c ? rgb(c) : NO_DATA;
}

export const GRAD_LABEL: Record<GradClass, string> = {
  none: 'no gradient measured',
  vanishing: 'vanishing',
  healthy: 'healthy',
  exploding: 'exploding',
  nonfinite: 'not finite (NaN or ∞)',
};

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
