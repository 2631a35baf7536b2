import { describe, expect, it } from 'vitest';
import type { ActivationRule, HealthEvent } from '../../api/types';
import { runsEn } from '../../i18n/sections/runs.en';
import { activationHealth, diagnosisLabel, standingWarnings, warningsFor, worstActivation } from './health';
import { fixedT, inEnglish } from '../../model/translate';

const health = (seq: number, step: number, diagnosis: HealthEvent['diagnosis'], node: string | null, active = true): HealthEvent => ({
  seq,
  run: 'r_1',
  type: 'health',
  step,
  time: step,
  diagnosis,
  node,
  active,
  severity: diagnosis === 'divergence' ? 'error' : 'warning',
  message: `${diagnosis} at ${node}`,
  value: 0.6,
});

describe('health warnings', () => {
  const events = [
    health(1, 10, 'dead_relu', 'act1'),
    health(2, 20, 'vanishing_gradients', 'fc1'),
    health(3, 30, 'dead_relu', 'act1', false),
    health(4, 40, 'saturated', 'block.0.act'),
  ];

  it('raise and clear by diagnosis and layer', () => {
    expect(standingWarnings(events).map((w) => w.key)).toEqual(['vanishing_gradients:fc1', 'saturated:block.0.act']);
  });

  it('stand as they did at an earlier step', () => {
    expect(standingWarnings(events, 25).map((w) => w.node)).toEqual(['act1', 'fc1']);
    expect(standingWarnings(events, 5)).toEqual([]);
  });

  it('belong to their node, or to the block instance holding the layer', () => {
    const standing = standingWarnings(events);
    expect(warningsFor(standing, 'fc1').map((w) => w.diagnosis)).toEqual(['vanishing_gradients']);
    expect(warningsFor(standing, 'block').map((w) => w.diagnosis)).toEqual(['saturated']);
    expect(warningsFor(standing, 'act1')).toEqual([]);
  });
});

describe('activation health', () => {
  // Not the server's numbers on purpose: the browser must hold none of its own.
  const rule: ActivationRule = { dead_fraction: 0.3, saturated_fraction: 0.7, histogram_bins: 16 };
  it('reads dead units, saturation and NaN with the served thresholds', () => {
    expect(activationHealth({ dead_fraction: 0.12 }, rule)).toEqual({ level: 'ok', text: 'dead 12%' });
    expect(activationHealth({ dead_fraction: 0.31 }, rule)).toEqual({ level: 'warning', text: 'dead 31%' });
    expect(activationHealth({ saturated_fraction: 0.004 }, rule)).toEqual({ level: 'ok', text: 'sat 0.4%' });
    expect(activationHealth({ saturated_fraction: 0.69 }, rule).level).toBe('ok');
    expect(activationHealth({ saturated_fraction: 0.71 }, rule).level).toBe('warning');
    expect(activationHealth({ dead_fraction: 0, nonfinite: true }, rule)).toEqual({ level: 'error', text: 'NaN' });
    expect(activationHealth({ zero_fraction: 0.2 }, rule)).toEqual({ level: 'none', text: '' });
    expect(activationHealth(null, rule).level).toBe('none');
  });
  it('warns over a threshold, not at it, as the server does (train/health.py: share > limit)', () => {
    expect(activationHealth({ dead_fraction: 0.3 }, rule).level).toBe('ok');
    expect(activationHealth({ saturated_fraction: 0.7 }, rule).level).toBe('ok');
  });
  it('warns of nothing before the rule is known, but still says the share', () => {
    expect(activationHealth({ dead_fraction: 0.9 }, null)).toEqual({ level: 'ok', text: 'dead 90%' });
  });
  it('says it in the language of the t it is given', () => {
    const zh = fixedT('zh-CN');
    expect(activationHealth({ dead_fraction: 0.31 }, rule, zh)).toEqual({ level: 'warning', text: '死亡 31%' });
    expect(activationHealth({ saturated_fraction: 0.004 }, rule, zh)).toEqual({ level: 'ok', text: '饱和 0.4%' });
    expect(activationHealth({ dead_fraction: 0, nonfinite: true }, rule, zh).text).toBe('NaN');
  });
  it('names diagnoses in either language, the English table from the same source', () => {
    expect(diagnosisLabel('vanishing_gradients', inEnglish)).toBe(runsEn.diagnosis.vanishing_gradients);
    expect(diagnosisLabel('overfitting', fixedT('zh-CN'))).toBe('过拟合');
    expect(diagnosisLabel('dead_relu', fixedT('zh-CN'))).toBe('ReLU 神经元死亡');
  });
  it('picks the worst inner layer of a block', () => {
    expect(worstActivation([{ dead_fraction: 0.1 }, { saturated_fraction: 0.7 }, { dead_fraction: 0.3 }])).toEqual({ saturated_fraction: 0.7 });
    expect(worstActivation([])).toBeNull();
  });
});
