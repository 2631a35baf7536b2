import { describe, expect, it } from 'vitest';
import { toRgba } from './images';

const b64 = (bytes: number[]) => btoa(String.fromCharCode(...bytes));

describe('sample images', () => {
  it('expands grey pixels to opaque RGBA', () => {
    expect(Array.from(toRgba(b64([0, 128]), 2, 1, 1))).toEqual([0, 0, 0, 255, 128, 128, 128, 255]);
  });
  it('keeps colour pixels in order', () => {
    expect(Array.from(toRgba(b64([1, 2, 3, 250, 251, 252]), 1, 2, 3))).toEqual([1, 2, 3, 255, 250, 251, 252, 255]);
  });
});
