import { describe, expect, it } from 'vitest';
import type { UploadInfo } from '../api/types';
import { fixedT } from '../model/translate';
import { classBars, classList, columnNote, imbalanceNote, infoFacts, tableSummary, thumbnailSrc } from './preview';

const iris: UploadInfo = {
  input_shape: [4],
  input_dtype: 'float32',
  target: 'class',
  num_classes: 3,
  classes: ['setosa', 'versicolor', 'virginica'],
  train: 120,
  val: 30,
  notes: [],
};

describe('preview summaries', () => {
  it('says what training will see: input shape, classes and sample counts', () => {
    expect(infoFacts(iris).map((f) => `${f.label}: ${f.value}`)).toEqual([
      'input shape: 4',
      'target: 3 classes',
      'classes: setosa, versicolor, virginica',
      'samples: 120 train + 30 validation',
    ]);
    const text: UploadInfo = { ...iris, input_shape: [64], input_dtype: 'int64', target: 'sequence', num_classes: 41, classes: null, train: 12000, val: 3000 };
    expect(infoFacts(text).map((f) => f.value)).toEqual(['64 (token ids)', 'the next token (vocabulary of 41)', '12,000 train + 3,000 validation']);
    expect(infoFacts({ ...text, num_classes: 12000 })[1]?.value).toBe('the next token (vocabulary of 12,000)');
    const table: UploadInfo = { ...iris, target: 'value', num_classes: null, classes: null };
    expect(infoFacts(table)[1]?.value).toBe('a number (regression)');
    const images: UploadInfo = { ...iris, input_shape: [3, 32, 32], classes: ['cat', 'dog'], num_classes: 2 };
    expect(infoFacts(images)[0]?.value).toBe('3×32×32');
  });

  it('shortens a long class list', () => {
    const many = Array.from({ length: 15 }, (_, i) => `c${i}`);
    expect(classList(many)).toBe('c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, … and 3 more');
    expect(classList(['a'])).toBe('a');
  });

  it('draws class counts as bars relative to the largest, with the share of all samples', () => {
    const bars = classBars([
      { name: 'red', count: 30 },
      { name: 'blue', count: 10 },
    ]);
    expect(bars).toEqual([
      { name: 'red', count: 30, share: 1, label: '30 · 75%' },
      { name: 'blue', count: 10, share: 1 / 3, label: '10 · 25%' },
    ]);
    expect(classBars([])).toEqual([]);
    expect(classBars([{ name: 'none', count: 0 }])[0]?.share).toBe(0);
  });

  it('notes uneven classes only when they are far apart', () => {
    expect(imbalanceNote([{ name: 'a', count: 30 }, { name: 'b', count: 10 }])).toBeNull();
    expect(imbalanceNote([{ name: 'a', count: 31 }, { name: 'b', count: 10 }])).toBe('Uneven classes: b has 10 samples, a 31');
    expect(imbalanceNote([{ name: 'a', count: 5 }])).toBeNull();
  });

  it("names each column's type and role, and the table's shape in one line", () => {
    const columns = [
      { name: 'x1', type: 'number' as const, role: 'feature' as const },
      { name: 'x2', type: 'number' as const, role: 'feature' as const },
      { name: 'label', type: 'text' as const, role: 'target' as const },
    ];
    expect(columns.map((c) => columnNote(c))).toEqual(['number · feature', 'number · feature', 'text · target']);
    expect(tableSummary(columns)).toBe('2 features → label');
    expect(tableSummary(columns.slice(0, 1))).toBe('1 feature');
  });

  it('says the facts in Chinese with a Chinese `t`', () => {
    const zh = fixedT('zh-CN');
    expect(infoFacts(iris, zh).map((f) => `${f.label}: ${f.value}`)).toEqual([
      '输入形状: 4',
      '目标: 3 个类别',
      '类别: setosa、versicolor、virginica',
      '样本: 训练 120 + 验证 30',
    ]);
    expect(columnNote({ name: 'x', type: 'number', role: 'feature' }, zh)).toBe('数值 · 特征');
    expect(tableSummary([{ name: 'x', type: 'number', role: 'feature' }, { name: 'y', type: 'text', role: 'target' }], zh)).toBe('1 个特征 → y');
  });

  it('makes a thumbnail an image source', () => {
    expect(thumbnailSrc('iVBOR')).toBe('data:image/png;base64,iVBOR');
  });
});
