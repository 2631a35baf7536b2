import { describe, expect, it } from 'vitest';
import { BASE_MS, MAX_MS, reconnectDelay } from './backoff';

describe('reconnection backoff', () => {
  it('doubles from the base up to the maximum', () => {
    const top = () => 0.999999;
    expect(reconnectDelay(0, top)).toBe(BASE_MS);
    expect(reconnectDelay(1, top)).toBe(2 * BASE_MS);
    expect(reconnectDelay(3, top)).toBe(8 * BASE_MS);
    expect(reconnectDelay(30, top)).toBe(MAX_MS);
  });
  it('jitters within the upper half of the ceiling', () => {
    expect(reconnectDelay(2, () => 0)).toBe(2 * BASE_MS);
    for (let i = 0; i < 50; i += 1) {
      const d = reconnectDelay(4);
      expect(d).toBeGreaterThanOrEqual(8 * BASE_MS);
      expect(d).toBeLessThanOrEqual(16 * BASE_MS);
    }
  });
});
