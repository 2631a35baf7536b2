// Diagnoses said for a learner: one plain sentence of what is happening, why, and what to
// try, every affected layer named, and the cure linked where there is one (the preset's
// twin, or the setting to change); the measurements stay one click away. Grouped by
// diagnosis: "vanishing gradients in fc1, fc2 and fc3" is one finding, not three.
// The sentences live in the runs section (runs.explain). Pure: no React, no store.
import type { Diagnosis, Warning } from './health';
import { inEnglish, type Translate } from '../../model/translate';

export interface Cure {
  /** A preset to open (the run's twin that does not have the problem). */
  preset: string;
  label: string;
}

export interface Finding {
  diagnosis: Diagnosis;
  severity: Warning['severity'];
  /** What is happening, in one sentence. */
  headline: string;
  why: string;
  tryThis: string;
  /** The layers it concerns, in the order raised (empty: the whole network). */
  layers: string[];
  cure: Cure | null;
  /** The server's own messages and measurements, for "Details". */
  details: Warning[];
}

export interface Context {
  /** Node types of the run's document (what explains the why). */
  types: ReadonlySet<string>;
  /** The preset the run's document is, if any, with its twin. */
  preset: { name: string; twin?: string | null; twinTitle?: string | null } | null;
  /** Node ids in network order (layers are listed in it; dotted inner paths by their instance). */
  order?: readonly string[];
}

const SQUASHING = ['Sigmoid', 'Tanh'];

function text(diagnosis: Diagnosis, context: Context, t: Translate): Pick<Finding, 'headline' | 'why' | 'tryThis'> {
  const squashing = SQUASHING.filter((name) => context.types.has(name)).map((name) => name.toLowerCase());
  const [first, second] = squashing;
  const why =
    diagnosis === 'vanishing_gradients' && first
      ? t('runs.explain.vanishing_gradients.whySquashing', { activations: second ? t('runs.explain.and', { first, second }) : first })
      : t(`runs.explain.${diagnosis}.why`);
  return { headline: t(`runs.explain.${diagnosis}.headline`), why, tryThis: t(`runs.explain.${diagnosis}.tryThis`) };
}

/** The cure a preset's twin offers for its diagnosis (deep sigmoid -> its residual twin,
 * oversized MLP -> its regularised twin). */
function cureOf(diagnosis: Diagnosis, context: Context, t: Translate): Cure | null {
  const preset = context.preset;
  if (!preset?.twin) return null;
  if (diagnosis !== 'vanishing_gradients' && diagnosis !== 'overfitting' && diagnosis !== 'saturated') return null;
  return { preset: preset.twin, label: t('runs.explain.cure', { title: preset.twinTitle ?? preset.twin }) };
}

/** The findings, said by `t` (English where the caller passes none). */
export function findings(warnings: readonly Warning[], context: Context, t: Translate = inEnglish): Finding[] {
  const place = new Map((context.order ?? []).map((id, i) => [id, i]));
  const rank = (layer: string) => place.get(layer) ?? place.get(layer.split('.')[0] ?? layer) ?? place.size;
  const groups = new Map<Diagnosis, Warning[]>();
  for (const w of warnings) groups.set(w.diagnosis, [...(groups.get(w.diagnosis) ?? []), w]);
  return [...groups].map(([diagnosis, list]) => ({
    diagnosis,
    severity: list.some((w) => w.severity === 'error') ? 'error' : 'warning',
    ...text(diagnosis, context, t),
    layers: [...new Set(list.map((w) => w.node).filter((n): n is string => n !== null))].sort((a, b) => rank(a) - rank(b)),
    cure: cureOf(diagnosis, context, t),
    details: list,
  }));
}
