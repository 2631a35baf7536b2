// Read-only probes for the browser tests and bench/dashboard.py: what the page has
// drawn and when (wall-clock ms), without reaching into React.

export interface Paint {
  /** The newest step drawn on the loss chart. */
  step: number;
  /** Date.now()-compatible time of the draw, in ms with sub-ms precision. */
  at: number;
}

const MAX_PAINTS = 20_000;
export const paints: Paint[] = [];

export function notePaint(step: number): void {
  const last = paints[paints.length - 1];
  if (last && last.step === step) return;
  paints.push({ step, at: performance.timeOrigin + performance.now() });
  if (paints.length > MAX_PAINTS) paints.splice(0, paints.length - MAX_PAINTS / 2);
}
