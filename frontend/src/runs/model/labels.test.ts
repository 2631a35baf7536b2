import { describe, expect, it } from 'vitest';
import { metricLabel } from './labels';
import { fixedT, inEnglish } from '../../model/translate';

describe('metric labels', () => {
  it('says keys in words', () => {
    const t = inEnglish;
    expect(metricLabel('val/loss', t)).toBe('validation loss');
    expect(metricLabel('train/acc', t)).toBe('training accuracy');
    expect(metricLabel('val/r2', t)).toBe('validation R²');
    expect(metricLabel('train/epoch_loss', t)).toBe('training loss (epoch mean)');
    expect(metricLabel('lr', t)).toBe('learning rate');
    expect(metricLabel('val/some_thing', t)).toBe('validation some thing');
  });

  it('says them in Chinese, unknown words kept', () => {
    const t = fixedT('zh-CN');
    expect(metricLabel('val/loss', t)).toBe('验证损失');
    expect(metricLabel('train/acc', t)).toBe('训练准确率');
    expect(metricLabel('lr', t)).toBe('学习率');
    expect(metricLabel('val/some_thing', t)).toBe('验证 some thing');
    expect(metricLabel('holdout/acc', t)).toBe('holdout 准确率');
  });
});
