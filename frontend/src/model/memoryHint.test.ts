import { describe, expect, it } from 'vitest';
import type { Totals } from '../api/types';
import { batchSizeMaximum, memoryFit, memoryHint } from './memoryHint';
import { fixedT } from './translate';

const inEnglish = fixedT('en');

const H200 = 150_110_011_392;

function totals(over: Partial<Totals> = {}): Totals {
  return {
    params: 61_706,
    flops: 833_040,
    memory_bytes: 2_907_552,
    batch_size: 32,
    nodes: 11,
    max_batch_size: 4_096,
    memory_budget_bytes: Math.floor(H200 * 0.9),
    device_name: 'NVIDIA H200',
    device_type: 'cuda',
    device_memory_bytes: H200,
    ...over,
  };
}

describe('how the batch fits the device', () => {
  it('says nothing without a device', () => {
    const none = totals({ device_name: null, device_memory_bytes: null, max_batch_size: null });
    expect(memoryFit(none)).toBeNull();
    expect(memoryHint(none, 65_536, inEnglish)).toBeNull();
  });

  it('tells the largest batch that fits when the current one does', () => {
    expect(memoryFit(totals(), 65_536)).toEqual({ kind: 'fits', max: 4_096 });
    expect(memoryFit(totals({ batch_size: 4_096 }), 65_536)).toEqual({ kind: 'fits', max: 4_096 });
    const hint = memoryHint(totals(), 65_536, inEnglish);
    expect(hint?.text).toBe('fits up to batch 4,096 on NVIDIA H200');
    expect(hint?.action).toBeNull();
    expect(hint?.title).toContain('within 135 GB: 90% of the 150 GB of GPU memory on NVIDIA H200');
  });

  it('offers the largest batch that fits when the current one does not', () => {
    const over = totals({ batch_size: 4_097 });
    expect(memoryFit(over, 65_536)).toEqual({ kind: 'over', max: 4_096 });
    const hint = memoryHint(over, 65_536, inEnglish);
    expect(hint?.text).toBe('batch 4,097 does not fit on NVIDIA H200');
    expect(hint?.action).toEqual({
      batch: 4_096,
      label: 'use batch 4,096',
      title: 'Set the batch size to 4,096, the largest that fits on NVIDIA H200',
    });
  });

  it('says "any" past what the form allows, and "nothing" when not one sample fits', () => {
    expect(memoryFit(totals({ max_batch_size: 572_569 }), 65_536)).toEqual({ kind: 'any' });
    expect(memoryFit(totals({ max_batch_size: 572_569 }))).toEqual({ kind: 'fits', max: 572_569 });
    expect(memoryFit(totals({ max_batch_size: null }), 65_536)).toEqual({ kind: 'any' });
    expect(memoryHint(totals({ max_batch_size: 572_569 }), 65_536, inEnglish)?.text).toBe('any batch size fits on NVIDIA H200');
    const nothing = totals({ max_batch_size: 0 });
    expect(memoryFit(nothing, 65_536)).toEqual({ kind: 'nothing' });
    expect(memoryHint(nothing, 65_536, inEnglish)).toMatchObject({ text: 'does not fit on NVIDIA H200, even at batch 1', action: null });
  });

  it('speaks of memory rather than GPU memory on a CPU, and of the server limit as a share', () => {
    const cpu = totals({ device_name: 'CPU', device_type: 'cpu', device_memory_bytes: 16e9, memory_budget_bytes: 8e9 });
    const title = memoryHint(cpu, 65_536, inEnglish)?.title ?? '';
    expect(title).toContain('within 8 GB: 50% of the 16 GB of memory on CPU');
    expect(title).not.toContain('GPU');
  });

  it('speaks Chinese as a teacher would: 显存 on a GPU, 内存 elsewhere', () => {
    const zh = fixedT('zh-CN');
    const over = memoryHint(totals({ batch_size: 8_192 }), 65_536, zh);
    expect(over?.text).toBe('批大小 8,192 在 NVIDIA H200 上放不下');
    expect(over?.action?.label).toBe('改用批大小 4,096');
    expect(over?.title).toContain('显存');
    const cpu = totals({ device_name: 'CPU', device_type: 'cpu', device_memory_bytes: 16e9, memory_budget_bytes: 14.4e9 });
    expect(memoryHint(cpu, 65_536, zh)?.title).toContain('16 GB 内存的 90%');
  });

  it('reads the form\'s largest batch size from the training schema', () => {
    expect(batchSizeMaximum({ properties: { batch_size: { type: 'integer', maximum: 65_536 } } })).toBe(65_536);
    expect(batchSizeMaximum(null)).toBeUndefined();
    expect(batchSizeMaximum({ properties: {} })).toBeUndefined();
  });
});
