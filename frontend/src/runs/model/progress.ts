// Where a run stands: share done, elapsed time, and when it will end (ETA), from the
// steps and times its events report. The rate is read over the recent past (a window
// of the run's own clock), so a slow start or a pause does not skew it for long.

export interface Mark {
  /** Seconds since the run started (the event's `time`). */
  time: number;
  step: number;
}

export const RATE_WINDOW_S = 30;

export function fractionDone(step: number, totalSteps: number | null | undefined): number | null {
  if (!totalSteps || totalSteps <= 0) return null;
  return Math.max(0, Math.min(1, step / totalSteps));
}

/** Steps per second over the last RATE_WINDOW_S of marks (oldest first); null if unknown. */
export function stepRate(marks: readonly Mark[], window = RATE_WINDOW_S): number | null {
  const last = marks[marks.length - 1];
  if (!last) return null;
  let first: Mark | undefined;
  for (let i = marks.length - 2; i >= 0; i -= 1) {
    const m = marks[i]!;
    if (last.time - m.time > window) break;
    first = m;
  }
  if (!first || last.time <= first.time || last.step <= first.step) return null;
  return (last.step - first.step) / (last.time - first.time);
}

/** Seconds left at the recent rate; 0 once done, null when unknown. */
export function etaSeconds(marks: readonly Mark[], totalSteps: number | null | undefined): number | null {
  const last = marks[marks.length - 1];
  if (!last || !totalSteps) return null;
  if (last.step >= totalSteps) return 0;
  const rate = stepRate(marks);
  return rate ? (totalSteps - last.step) / rate : null;
}
