// Run numbers for people: metric values, durations, rates. Missing values are a dash;
// non-finite ones say so (the server sends them as null and flags the key).
import { formatCompact, formatCount } from '../../model/format';
import { currentT, type Translate } from '../../model/translate';

/** 0.41234 -> "0.412", 0.000012 -> "1.2e-5", 1234.5 -> "1,235", null -> "–". */
export function formatMetric(value: number | null | undefined, nonfinite = false): string {
  if (nonfinite) return 'NaN/∞';
  if (value === null || value === undefined) return '–';
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '−∞';
  const a = Math.abs(value);
  if (a === 0) return '0';
  if (a >= 1000) return formatCount(value);
  if (a < 1e-3) return value.toExponential(1).replace(/\.0e/, 'e');
  return Number(value.toPrecision(3)).toString();
}

/** A share as a percentage: 0.1234 -> "12%", 0.004 -> "0.4%". */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const p = value * 100;
  return `${p !== 0 && Math.abs(p) < 1 ? p.toFixed(1) : Math.round(p)}%`;
}

/** 42 -> "42 s", 192 -> "3 min 12 s", 3900 -> "1 h 05 min". */
export function formatDuration(seconds: number | null | undefined, t: Translate = currentT): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return t('runs.duration.s', { s });
  if (s < 3600) return t('runs.duration.minS', { min: Math.floor(s / 60), s: two(s % 60) });
  if (s < 86400) return t('runs.duration.hMin', { h: Math.floor(s / 3600), min: two(Math.floor((s % 3600) / 60)) });
  return t('runs.duration.dH', { d: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600) });
}

/** 6120.4 -> "6.1K/s" (samples per second). */
export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return '–';
  return `${perSecond >= 1000 ? formatCompact(perSecond) : Math.round(perSecond)}/s`;
}
