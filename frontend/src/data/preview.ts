// An upload's preview (GET /api/datasets/{id}/preview) and record, summarised for people:
// the inferred facts (input shape, target, classes, sample counts), the table's columns
// with type and role, class counts as bars, thumbnails as image sources.
import type { ClassCount, PreviewColumn, UploadInfo } from '../api/types';
import { formatCount, formatShape } from '../model/format';

export interface Fact {
  label: string;
  value: string;
  /** A stable key for tests and React. */
  key: string;
}

const CLASS_NAMES_SHOWN = 12;

/** "setosa, versicolor, virginica"; past 12 names: "a, b, … and 30 more". */
export function classList(classes: readonly string[], limit = CLASS_NAMES_SHOWN): string {
  if (classes.length <= limit) return classes.join(', ');
  return `${classes.slice(0, limit).join(', ')}, … and ${classes.length - limit} more`;
}

/** What training will see, as label/value pairs. */
export function infoFacts(info: UploadInfo): Fact[] {
  const facts: Fact[] = [
    { key: 'input', label: 'input shape', value: `${formatShape(info.input_shape)}${info.input_dtype === 'int64' ? ' (token ids)' : ''}` },
  ];
  const n = info.num_classes ?? 0;
  if (info.target === 'class') {
    facts.push({ key: 'target', label: 'target', value: `${formatCount(n)} classes` });
    if (info.classes?.length) facts.push({ key: 'classes', label: 'classes', value: classList(info.classes) });
  } else if (info.target === 'sequence') {
    facts.push({ key: 'target', label: 'target', value: `the next token (vocabulary of ${formatCount(n)})` });
  } else if (info.target === 'value') {
    facts.push({ key: 'target', label: 'target', value: 'a number (regression)' });
  } else {
    facts.push({ key: 'target', label: 'target', value: info.target });
  }
  facts.push({ key: 'samples', label: 'samples', value: `${formatCount(info.train)} train + ${formatCount(info.val)} validation` });
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
export function imbalanceNote(counts: readonly ClassCount[]): string | null {
  if (counts.length < 2) return null;
  const sorted = [...counts].sort((a, b) => a.count - b.count);
  const small = sorted[0]!;
  const large = sorted[sorted.length - 1]!;
  if (large.count === 0 || small.count * 3 >= large.count) return null;
  return `Uneven classes: ${small.name} has ${formatCount(small.count)} samples, ${large.name} ${formatCount(large.count)}`;
}

/** A column's head cell beneath its name: "number · feature", "text · target". */
export const columnNote = (column: PreviewColumn) => `${column.type} · ${column.role}`;

/** "4 features → species": what the model reads and what it learns to say. */
export function tableSummary(columns: readonly PreviewColumn[]): string {
  const features = columns.filter((c) => c.role === 'feature').length;
  const target = columns.find((c) => c.role === 'target');
  return `${formatCount(features)} feature${features === 1 ? '' : 's'}${target ? ` → ${target.name}` : ''}`;
}

export const thumbnailSrc = (png: string) => `data:image/png;base64,${png}`;
