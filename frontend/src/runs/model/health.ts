// Health warnings as they stand at a point of the run: each (diagnosis, layer) is raised
// by a health event and cleared by a later one with `active: false`.
import type { ActivationRule, HealthEvent } from '../../api/types';
import type { ServerText } from '../../i18n/messages';
import { inEnglish, type Translate } from '../../model/translate';

export type Diagnosis = HealthEvent['diagnosis'];

export interface Warning {
  key: string;
  diagnosis: Diagnosis;
  node: string | null;
  severity: HealthEvent['severity'];
  message: string;
  value: number | null;
  /** Step at which it was raised. */
  step: number;
  /** The server's text (catalog key, parameters, English), to say it in the reader's language. */
  text?: ServerText;
}

/** A diagnosis said for people, in the language of `t` (runs.diagnosis). */
export const diagnosisLabel = (diagnosis: Diagnosis, t: Translate): string => t(`runs.diagnosis.${diagnosis}`);

/** The warnings standing at `step` (the latest for null), oldest first. */
export function standingWarnings(events: readonly HealthEvent[], step: number | null = null): Warning[] {
  const standing = new Map<string, Warning>();
  for (const e of events) {
    if (step !== null && e.step > step) break;
    const key = `${e.diagnosis}:${e.node ?? ''}`;
    if (e.active === false) standing.delete(key);
    else {
      standing.delete(key);
      standing.set(key, {
        key,
        diagnosis: e.diagnosis,
        node: e.node ?? null,
        severity: e.severity ?? 'warning',
        message: e.message,
        text: { key: e.key, params: e.params, message: e.message },
        value: e.value ?? null,
        step: e.step,
      });
    }
  }
  return [...standing.values()];
}

/** The warnings about a node: its own, or its inner layers' for a block instance. */
export function warningsFor(warnings: readonly Warning[], nodeId: string): Warning[] {
  return warnings.filter((w) => w.node !== null && (w.node === nodeId || w.node.startsWith(`${nodeId}.`)));
}

export interface ActivationHealth {
  level: 'none' | 'ok' | 'warning' | 'error';
  /** Short, for a badge: "dead 12%", "sat 61%", "NaN". */
  text: string;
}

interface Fractions {
  dead_fraction?: number | null;
  saturated_fraction?: number | null;
  zero_fraction?: number | null;
  nonfinite?: boolean;
}

const pct = (v: number) => `${v !== 0 && v < 0.01 ? (v * 100).toFixed(1) : Math.round(v * 100)}%`;

/** How a layer's outputs look: dead units (ReLU), saturation (sigmoid, tanh), NaN. A
 * warning where the server's rule (GET /api/meta `activations`, train/health.py) says
 * so: a share over its threshold; none until the rule is known. Said by `t` (English
 * where the caller passes none). */
export function activationHealth(stats: Fractions | null | undefined, rule: ActivationRule | null, t: Translate = inEnglish): ActivationHealth {
  if (!stats) return { level: 'none', text: '' };
  if (stats.nonfinite) return { level: 'error', text: 'NaN' };
  const level = (share: number, limit: number | undefined) => (limit !== undefined && share > limit ? 'warning' : 'ok');
  if (typeof stats.dead_fraction === 'number') {
    return { level: level(stats.dead_fraction, rule?.dead_fraction), text: t('runs.activations.badgeDead', { share: pct(stats.dead_fraction) }) };
  }
  if (typeof stats.saturated_fraction === 'number') {
    return { level: level(stats.saturated_fraction, rule?.saturated_fraction), text: t('runs.activations.badgeSaturated', { share: pct(stats.saturated_fraction) }) };
  }
  return { level: 'none', text: '' };
}

/** Of a block's inner layers, the one in the worst state. */
export function worstActivation<T extends Fractions>(inner: T[]): T | null {
  const score = (s: T) => (s.nonfinite ? 2 : Math.max(s.dead_fraction ?? 0, s.saturated_fraction ?? 0));
  return inner.reduce<T | null>((worst, s) => (worst === null || score(s) > score(worst) ? s : worst), null);
}
