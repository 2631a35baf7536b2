import { describe, expect, it } from 'vitest';
import { formatBytes, formatCompact, formatCount, formatFlops, formatKeyParams, formatParamValue, formatShape, formatSpec } from './format';

describe('numbers for people', () => {
  it('groups thousands', () => {
    expect(formatCount(61706)).toBe('61,706');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(11689512)).toBe('11,689,512');
  });
  it('scales FLOPs, bytes and counts with one decimal below 100', () => {
    expect(formatFlops(1.2e9)).toBe('1.2 GFLOPs');
    expect(formatFlops(833040)).toBe('833 KFLOPs');
    expect(formatFlops(12)).toBe('12 FLOPs');
    expect(formatBytes(48e6)).toBe('48 MB');
    expect(formatBytes(2907552)).toBe('2.9 MB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatCompact(61706)).toBe('61.7K');
    expect(formatCompact(999)).toBe('999');
    expect(formatCompact(2_000_000)).toBe('2M');
  });
});

describe('shape labels', () => {
  it('joins dimensions with ×', () => {
    expect(formatShape([6, 28, 28])).toBe('6×28×28');
    expect(formatShape([120])).toBe('120');
    expect(formatShape([])).toBe('scalar');
  });
  it('names the dtype only when it is not float32', () => {
    expect(formatSpec({ shape: [1, 28, 28], dtype: 'float32' })).toBe('1×28×28');
    expect(formatSpec({ shape: [64], dtype: 'int64' })).toBe('64 int64');
    expect(formatSpec(null)).toBe('');
  });
  it('summarises key parameters with defaults filled in', () => {
    expect(formatParamValue([5, 5])).toBe('5×5');
    expect(formatParamValue(true)).toBe('yes');
    expect(formatParamValue(65536)).toBe('65,536');
    expect(formatKeyParams(['out_channels', 'kernel_size', 'stride'], { out_channels: 6, kernel_size: 5 }, { stride: 1 })).toBe(
      'out_channels 6 · kernel_size 5 · stride 1',
    );
  });
});
