import { describe, expect, it } from 'vitest';
import { wrapTarget } from './focusTrap';

// Stand-ins for elements: wrapTarget only compares identities.
const [a, b, c] = [{ id: 'a' }, { id: 'b' }, { id: 'c' }] as unknown as HTMLElement[];
const items = [a!, b!, c!];

describe('wrapTarget', () => {
  it('wraps Tab from the last control to the first, Shift+Tab from the first to the last', () => {
    expect(wrapTarget(items, c!, false)).toBe(a);
    expect(wrapTarget(items, a!, true)).toBe(c);
  });
  it('lets the browser move between inner controls', () => {
    expect(wrapTarget(items, a!, false)).toBeNull();
    expect(wrapTarget(items, b!, true)).toBeNull();
  });
  it('pulls focus that escaped back in', () => {
    const outside = { id: 'page' } as unknown as HTMLElement;
    expect(wrapTarget(items, outside, false)).toBe(a);
    expect(wrapTarget(items, outside, true)).toBe(c);
    expect(wrapTarget(items, null, false)).toBe(a);
  });
  it('does nothing without controls', () => {
    expect(wrapTarget([], a!, false)).toBeNull();
  });
});
