// Metric keys said for people in legends and titles: `val/loss` -> "validation loss",
// `train/acc` -> "training accuracy", `lr` -> "learning rate" (in Chinese 验证损失, 训练
// 准确率, 学习率). An unknown key keeps its own words (`val/foo_bar` -> "validation foo
// bar"). The words live in the runs section (runs.metric); pure: no React, no store.
import { runsEn } from '../../i18n/sections/runs.en';
import type { Translate } from '../../model/translate';

type Split = keyof typeof runsEn.metric.split;
type Name = keyof typeof runsEn.metric.name;

const isSplit = (s: string): s is Split => Object.hasOwn(runsEn.metric.split, s);
const isName = (s: string): s is Name => Object.hasOwn(runsEn.metric.name, s);

export function metricLabel(key: string, t: Translate): string {
  const slash = key.indexOf('/');
  const split = slash > 0 ? key.slice(0, slash) : null;
  const name = slash > 0 ? key.slice(slash + 1) : key;
  const words = isName(name) ? t(`runs.metric.name.${name}`) : name.replace(/_/g, ' ');
  if (split === null) return words;
  const splitWords = isSplit(split) ? t(`runs.metric.split.${split}`) : split;
  // Words of our own read as one phrase; a key's own words stand apart, as written.
  return isName(name) && isSplit(split) ? t('runs.metric.withSplit', { split: splitWords, name: words }) : `${splitWords} ${words}`;
}
