// An upload's preview (GET /api/datasets/{id}/preview) and record, summarised for people:
// the inferred facts (input shape, target, classes, sample counts), the table's columns
// with type and role, class counts as bars, thumbnails as image sources. The words come
// from `t` (model/translate.ts).
import type { ClassCount, PreviewColumn, UploadInfo } from '../api/types';
import { formatCount, formatShape } from '../model/format';
import { currentT, type TFunction } from '../model/translate';

export interface Fact {
  label: string;
  value: string;
  /** A stable key for tests and React. */
  key: string;
}

const CLASS_NAMES_SHOWN = 12;

/** "setosa, versicolor, virginica"; past 12 names: "a, b, … and 30 more". */
export function classList(classes: readonly string[], limit = CLASS_NAMES_SHOWN, t: TFunction = currentT): string {
  const separator = t('editor.facts.listSeparator');
  if (classes.length <= limit) return classes.join(separator);
  return t('editor.facts.moreClasses', { list: classes.slice(0, limit).join(separator), count: classes.length - limit });
}

/** What training will see, as label/value pairs. */
export function infoFacts(info: UploadInfo, t: TFunction = currentT): Fact[] {
  const shape = formatShape(info.input_shape, t);
  const facts: Fact[] = [{ key: 'input', label: t('editor.facts.input'), value: info.input_dtype === 'int64' ? t('editor.facts.tokenIds', { shape }) : shape }];
  const n = info.num_classes ?? 0;
  const target = (value: string): Fact => ({ key: 'target', label: t('editor.facts.target'), value });
  if (info.target === 'class') {
    facts.push(target(t('editor.facts.classCount', { count: n })));
    if (info.classes?.length) facts.push({ key: 'classes', label: t('editor.facts.classes'), value: classList(info.classes, CLASS_NAMES_SHOWN, t) });
  } else if (info.target === 'sequence') {
    facts.push(target(t('editor.facts.nextToken', { count: n })));
  } else if (info.target === 'value') {
    facts.push(target(t('editor.facts.regression')));
  } else {
    facts.push(target(info.target));
  }
  facts.push({ key: 'samples', label: t('editor.facts.samples'), value: t('editor.facts.split', { train: formatCount(info.train), val: formatCount(info.val) }) });
  return facts;
}

export interface ClassBar {
  name: string;
  count: number;
  /** Of the largest class, 0..1: the bar's length. */
  share: number;
  /** "38 · 33%" */
  label: string;
}

export function classBars(counts: readonly ClassCount[]): ClassBar[] {
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  const largest = Math.max(0, ...counts.map((c) => c.count));
  return counts.map((c) => ({
    name: c.name,
    count: c.count,
    share: largest > 0 ? c.count / largest : 0,
    label: `${formatCount(c.count)} · ${total > 0 ? Math.round((100 * c.count) / total) : 0}%`,
  }));
}

/** Said when the classes are far from even (the smallest under a third of the largest). */
export function imbalanceNote(counts: readonly ClassCount[], t: TFunction = currentT): string | null {
  if (counts.length < 2) return null;
  const sorted = [...counts].sort((a, b) => a.count - b.count);
  const small = sorted[0]!;
  const large = sorted[sorted.length - 1]!;
  if (large.count === 0 || small.count * 3 >= large.count) return null;
  return t('editor.facts.uneven', { small: small.name, smallCount: formatCount(small.count), large: large.name, largeCount: formatCount(large.count) });
}

/** A column's head cell beneath its name: "number · feature", "text · target". */
export const columnNote = (column: PreviewColumn, t: TFunction = currentT) =>
  t('editor.facts.column', { type: t(`editor.facts.columnType.${column.type}`), role: t(`editor.facts.columnRole.${column.role}`) });

/** "4 features → species": what the model reads and what it learns to say. */
export function tableSummary(columns: readonly PreviewColumn[], t: TFunction = currentT): string {
  const features = columns.filter((c) => c.role === 'feature').length;
  const target = columns.find((c) => c.role === 'target');
  return target ? t('editor.facts.featuresTarget', { count: features, target: target.name }) : t('editor.facts.features', { count: features });
}

export const thumbnailSrc = (png: string) => `data:image/png;base64,${png}`;
