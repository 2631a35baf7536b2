// Diagnoses said for a learner: one plain sentence of what is happening, why, and what to
// try, every affected layer named, and the cure linked where there is one (the preset's
// twin, or the setting to change); the measurements stay one click away. Grouped by
// diagnosis: "vanishing gradients in fc1, fc2 and fc3" is one finding, not three.
// Pure: no React, no store.
import type { Diagnosis, Warning } from './health';

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

function text(diagnosis: Diagnosis, context: Context): Pick<Finding, 'headline' | 'why' | 'tryThis'> {
  const squashing = SQUASHING.filter((t) => context.types.has(t));
  switch (diagnosis) {
    case 'vanishing_gradients':
      return {
        headline: 'The layers nearest the input are barely learning: their gradients have almost vanished.',
        why: squashing.length
          ? `Each ${squashing.join(' and ').toLowerCase()} passes back only a fraction of the gradient (a sigmoid at most a quarter), so it shrinks layer by layer on its way to the input.`
          : 'The gradient shrinks as it is passed back through many layers.',
        tryThis: 'Use ReLU activations, add residual (skip) connections, or normalise with BatchNorm.',
      };
    case 'exploding_gradients':
      return {
        headline: 'The gradients are growing out of control.',
        why: 'A learning rate too high, or layers that amplify what passes through them, make each update larger than the last.',
        tryThis: 'Lower the learning rate, clip the gradient norm (clip_grad_norm in the training settings), or add normalisation.',
      };
    case 'dead_relu':
      return {
        headline: 'Many ReLU units in these layers have stopped responding.',
        why: 'A ReLU that outputs zero for every input passes back no gradient, so it never recovers; a large learning rate often pushes units there.',
        tryThis: 'Lower the learning rate, or use LeakyReLU.',
      };
    case 'saturated':
      return {
        headline: 'These activations are stuck at their limits.',
        why: 'Sigmoid and tanh flatten out near their limits, where their slope, and with it the gradient, is almost zero.',
        tryThis: 'Normalise the inputs, put BatchNorm before the activation, or use ReLU.',
      };
    case 'overfitting':
      return {
        headline: 'The network is memorising its training data instead of learning what generalises.',
        why: 'Training loss keeps falling while validation loss rises: the network has more freedom than the data can pin down.',
        tryThis: 'Add Dropout, use weight decay (weight_decay in the training settings), get more data, or stop earlier.',
      };
    case 'divergence':
      return {
        headline: 'Training broke down: the loss became infinite or not a number.',
        why: 'An update too large sent the weights out of range.',
        tryThis: 'Lower the learning rate and fork the run from its last good checkpoint.',
      };
  }
}

/** The cure a preset's twin offers for its diagnosis (deep sigmoid -> its residual twin,
 * oversized MLP -> its regularised twin). */
function cureOf(diagnosis: Diagnosis, context: Context): Cure | null {
  const preset = context.preset;
  if (!preset?.twin) return null;
  if (diagnosis !== 'vanishing_gradients' && diagnosis !== 'overfitting' && diagnosis !== 'saturated') return null;
  return { preset: preset.twin, label: `Open the twin that does not have this: ${preset.twinTitle ?? preset.twin}` };
}

export function findings(warnings: readonly Warning[], context: Context): Finding[] {
  const place = new Map((context.order ?? []).map((id, i) => [id, i]));
  const rank = (layer: string) => place.get(layer) ?? place.get(layer.split('.')[0] ?? layer) ?? place.size;
  const groups = new Map<Diagnosis, Warning[]>();
  for (const w of warnings) groups.set(w.diagnosis, [...(groups.get(w.diagnosis) ?? []), w]);
  return [...groups].map(([diagnosis, list]) => ({
    diagnosis,
    severity: list.some((w) => w.severity === 'error') ? 'error' : 'warning',
    ...text(diagnosis, context),
    layers: [...new Set(list.map((w) => w.node).filter((n): n is string => n !== null))].sort((a, b) => rank(a) - rank(b)),
    cure: cureOf(diagnosis, context),
    details: list,
  }));
}
