// How long to wait before the next reconnection: doubling from BASE to MAX, with
// jitter so that many viewers cut at once do not come back at once.

export const BASE_MS = 250;
export const MAX_MS = 8000;

/** `attempt` counts from 0; `random` in [0, 1) (injected for tests). */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** Math.max(0, attempt));
  // "Equal jitter": at least half the ceiling, so the delay still grows.
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
