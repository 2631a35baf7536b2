import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../api/types';
import { en } from '../../i18n/en';
import { zhCN } from '../../i18n/zh-CN';
import { compileSeconds, compilingNow, executionParts, type ExecutionInfo } from './execution';
import { RunData } from './runData';

type T = (key: string, options?: Record<string, unknown>) => string;

/** i18next in one language, whatever the page's. */
function fixedT(lng: 'en' | 'zh-CN'): T {
  const instance = i18next.createInstance();
  void instance.init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng,
    initAsync: false,
    interpolation: { escapeValue: false },
  });
  return instance.t.bind(instance) as unknown as T;
}

const eagerCpu: ExecutionInfo = { precision: 'off', execution: 'eager', cuda_graphs: false, channels_last: false, tf32: false, compiling: false, compile_s: null };
const fastGpu: ExecutionInfo = { precision: 'bf16', execution: 'fast', cuda_graphs: true, channels_last: true, tf32: true, compiling: true, compile_s: null };

const line = (info: ExecutionInfo, lng: 'en' | 'zh-CN' = 'en') => {
  const t = fixedT(lng);
  return executionParts(info)
    .map((p) => t(p.key, p.params))
    .join(' · ');
};

describe('how a run executes, in one line', () => {
  it('says float32 and eager on the CPU, and nothing before the worker has said', () => {
    expect(line(eagerCpu)).toBe('float32 · eager');
    expect(executionParts(null)).toEqual([]);
    expect(executionParts(undefined)).toEqual([]);
  });

  it('lists what a GPU run uses, and the compile time once it is known', () => {
    expect(line(fastGpu)).toBe('bf16 · compiled · CUDA graphs · channels_last · TF32');
    const compiled = { ...fastGpu, compiling: false, compile_s: 12.34 };
    expect(line(compiled)).toBe('bf16 · compiled · CUDA graphs · channels_last · TF32 · compile 12.3 s');
    expect(executionParts(compiled).map((p) => p.id)).toEqual(['precision', 'mode', 'cudaGraphs', 'channelsLast', 'tf32', 'compile']);
    expect(line({ ...eagerCpu, precision: 'fp16', tf32: true })).toBe('fp16 · eager · TF32');
  });

  it('says it in Chinese, every part with a tooltip', () => {
    expect(line({ ...fastGpu, compiling: false, compile_s: 3 }, 'zh-CN')).toBe('混合精度 bf16 · 已编译 · CUDA 图 · 通道在后（channels_last） · TF32 · 编译 3.0 秒');
    const t = fixedT('zh-CN');
    for (const part of executionParts({ ...fastGpu, compiling: false, compile_s: 3 })) {
      expect(t(part.title)).not.toBe(part.title); // a key that exists
      expect(t(part.title)).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('writes compile times as people read them', () => {
    expect(compileSeconds(0.84)).toBe('0.8');
    expect(compileSeconds(12.34)).toBe('12.3');
    expect(compileSeconds(1234.5)).toBe('1,235');
  });

  it('is compiling only while a fast run runs its first compiled step', () => {
    expect(compilingNow(fastGpu, 'running')).toBe(true);
    expect(compilingNow(fastGpu, 'failed')).toBe(false);
    expect(compilingNow({ ...fastGpu, compiling: false, compile_s: 4 }, 'running')).toBe(false);
    expect(compilingNow(eagerCpu, 'running')).toBe(false);
    expect(compilingNow(null, 'running')).toBe(false);
  });
});

describe('the run data keeps the latest word on execution', () => {
  it('from the status events that carry it', () => {
    const status = (seq: number, step: number, execution: ExecutionInfo | null, status: 'running' | 'finished' = 'running'): RunEvent => ({
      seq,
      run: 'r_1',
      step,
      epoch: 0,
      time: step,
      type: 'status',
      status,
      message: '',
      execution,
    });
    const d = new RunData();
    d.apply([status(1, 0, fastGpu)]);
    expect(compilingNow(d.execution, d.status?.status)).toBe(true);
    d.apply([status(2, 1, { ...fastGpu, compiling: false, compile_s: 20 })]);
    expect(d.execution?.compile_s).toBe(20);
    d.apply([status(3, 9, null, 'finished')]);
    expect(d.execution?.compile_s).toBe(20); // an ending without the field keeps it
    expect(compilingNow(d.execution, d.status?.status)).toBe(false);
  });
});
