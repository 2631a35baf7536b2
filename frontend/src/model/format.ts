// Numbers and shapes formatted for people: 61,706 params; 1.2 GFLOPs; 48 MB; 6×28×28.
import type { TensorSpec } from '../api/types';
import { currentT, type TFunction } from './translate';

const grouped = new Intl.NumberFormat('en-US');

/** 61706 -> "61,706". */
export function formatCount(n: number): string {
  return grouped.format(Math.round(n));
}

function scaled(n: number, units: readonly string[], base: number): [string, string] {
  let i = 0;
  let v = n;
  while (Math.abs(v) >= base && i < units.length - 1) {
    v /= base;
    i += 1;
  }
  const digits = i === 0 || Math.abs(v) >= 100 ? 0 : 1;
  const text = v.toFixed(digits).replace(/\.0$/, '');
  return [text, units[i] ?? ''];
}

/** 61706 -> "61.7K", 11689512 -> "11.7M": short counts for node badges. */
export function formatCompact(n: number): string {
  const [v, u] = scaled(n, ['', 'K', 'M', 'B', 'T'], 1000);
  return `${v}${u}`;
}

/** 833040 -> "833 KFLOPs", 1.2e9 -> "1.2 GFLOPs". */
export function formatFlops(n: number): string {
  const [v, u] = scaled(n, ['', 'K', 'M', 'G', 'T', 'P'], 1000);
  return `${v} ${u}FLOPs`;
}

/** 48_000_000 -> "48 MB" (decimal units, as disks and most tools print them). */
export function formatBytes(n: number): string {
  const [v, u] = scaled(n, ['B', 'kB', 'MB', 'GB', 'TB'], 1000);
  return `${v} ${u}`;
}

/** [6, 28, 28] -> "6×28×28"; [] -> "scalar". */
export function formatShape(shape: readonly number[], t: TFunction = currentT): string {
  return shape.length ? shape.join('×') : t('editor.format.scalar');
}

/** A tensor spec as an edge label: "6×28×28", with the dtype only when it is not float32. */
export function formatSpec(spec: TensorSpec | null | undefined): string {
  if (!spec) return '';
  const shape = formatShape(spec.shape);
  return spec.dtype && spec.dtype !== 'float32' ? `${shape} ${spec.dtype}` : shape;
}

/** A parameter value in a node's summary line: [5, 5] -> "5×5", true -> "yes". */
export function formatParamValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(formatParamValue).join('×');
  if (typeof value === 'boolean') return value ? currentT('editor.format.yes') : currentT('editor.format.no');
  if (typeof value === 'number') return Number.isInteger(value) ? formatCount(value) : String(value);
  if (value === null || value === undefined) return '–';
  return String(value);
}

/** The key parameters of a node, for its body: "out_channels 6 · kernel_size 5". */
export function formatKeyParams(
  keys: readonly string[],
  params: Readonly<Record<string, unknown>>,
  defaults: Readonly<Record<string, unknown>>,
): string {
  return keys
    .map((k) => {
      const v = k in params ? params[k] : defaults[k];
      return v === undefined ? null : `${k} ${formatParamValue(v)}`;
    })
    .filter((s): s is string => s !== null)
    .join(' · ');
}
