import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { advise, DATA_KINDS, dataKinds } from './dataGuide';
import { fixedT } from './translate';

describe('the model-selection guide (the course decision tree)', () => {
  it('follows the tree: by input type, then by accuracy vs a light network', () => {
    expect(advise('images', 'accuracy').preset).toBe('resnet20_cifar10');
    expect(advise('images', 'light').preset).toBe('mobilenet_cifar10');
    expect(advise('text', 'light').preset).toBe('gpt_char');
    expect(advise('time_series', 'accuracy', 'value').preset).toBe('gru_sine');
    expect(advise('time_series', 'accuracy', 'class').preset).toBe('lstm_parity');
    expect(advise('table', 'light', 'class').preset).toBe('mlp_playground');
    expect(advise('table', 'light', 'value').preset).toBe('mlp_regression');
    expect(advise('generation', 'accuracy').preset).toBe('ddpm_mnist');
    expect(advise('generation', 'light').preset).toBe('dcgan_mnist');
  });

  it('names only presets that exist, with a reason for every answer', () => {
    const presets = new Set(readdirSync(new URL('../../../graphs/', import.meta.url)).map((f) => f.replace(/\.json$/, '')));
    for (const { kind } of DATA_KINDS) {
      for (const priority of ['accuracy', 'light'] as const) {
        for (const target of ['class', 'value'] as const) {
          const advice = advise(kind, priority, target);
          expect(presets.has(advice.preset), advice.preset).toBe(true);
          expect(advice.why.length).toBeGreaterThan(20);
        }
      }
    }
  });

  it('gives the course its words in the language of `t`', () => {
    const zh = fixedT('zh-CN');
    expect(advise('images', 'light').why).toMatch(/lightweight CNN/);
    expect(advise('images', 'light', 'class', zh).why).toMatch(/^图像任务用卷积神经网络（CNN）/);
    expect(dataKinds(zh).map((k) => k.label)).toEqual(['表格', '图像', '时间序列', '文本', '生成新样本']);
    expect(DATA_KINDS.map((k) => k.label)).toEqual(dataKinds().map((k) => k.label));
  });
});
