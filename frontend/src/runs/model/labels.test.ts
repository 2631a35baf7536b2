import { describe, expect, it } from 'vitest';
import { metricLabel } from './labels';

describe('metric labels', () => {
  it('says keys in words', () => {
    expect(metricLabel('val/loss')).toBe('validation loss');
    expect(metricLabel('train/acc')).toBe('training accuracy');
    expect(metricLabel('val/r2')).toBe('validation R²');
    expect(metricLabel('train/epoch_loss')).toBe('training loss (epoch mean)');
    expect(metricLabel('lr')).toBe('learning rate');
    expect(metricLabel('val/some_thing')).toBe('validation some thing');
  });
});
