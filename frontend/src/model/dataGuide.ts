// "Start from my data": the course's model-selection decision tree as a function. By the
// kind of data (a table, images, sequences over time, text, or new samples to generate)
// and whether top accuracy matters more than a light network, the preset to begin from
// and why, in the course's words: images -> CNN (top accuracy: ResNet; otherwise a
// lightweight CNN), text -> Transformer, time series -> LSTM (or a Transformer), tables
// -> an MLP, generation -> a GAN or a diffusion model. The words come from `t` (translate.ts).

import { currentT, type TFunction } from './translate';

export type DataKind = 'table' | 'images' | 'time_series' | 'text' | 'generation';
export type Priority = 'accuracy' | 'light';
export type Target = 'class' | 'value';

export interface Advice {
  /** The preset to open (a file of graphs/). */
  preset: string;
  /** Why, in one sentence. */
  why: string;
}

const KINDS: readonly DataKind[] = ['table', 'images', 'time_series', 'text', 'generation'];

/** The kinds of data to choose from, with a label and a hint each. */
export function dataKinds(t: TFunction = currentT): { kind: DataKind; label: string; hint: string }[] {
  return KINDS.map((kind) => ({ kind, label: t(`editor.guide.kind.${kind}`), hint: t(`editor.guide.kind.${kind}Hint`) }));
}

/** The same list, in the app's language when read (for callers without a `t`). */
export const DATA_KINDS: readonly { kind: DataKind; readonly label: string; readonly hint: string }[] = KINDS.map((kind) => ({
  kind,
  get label() {
    return currentT(`editor.guide.kind.${kind}`);
  },
  get hint() {
    return currentT(`editor.guide.kind.${kind}Hint`);
  },
}));

type Why = 'tableValue' | 'tableClass' | 'imagesAccuracy' | 'imagesLight' | 'seriesValue' | 'seriesClass' | 'text' | 'generationAccuracy' | 'generationLight';

function choose(kind: DataKind, priority: Priority, target: Target): { preset: string; why: Why } {
  switch (kind) {
    case 'table':
      return target === 'value' ? { preset: 'mlp_regression', why: 'tableValue' } : { preset: 'mlp_playground', why: 'tableClass' };
    case 'images':
      return priority === 'accuracy' ? { preset: 'resnet20_cifar10', why: 'imagesAccuracy' } : { preset: 'mobilenet_cifar10', why: 'imagesLight' };
    case 'time_series':
      return target === 'value' ? { preset: 'gru_sine', why: 'seriesValue' } : { preset: 'lstm_parity', why: 'seriesClass' };
    case 'text':
      return { preset: 'gpt_char', why: 'text' };
    case 'generation':
      return priority === 'accuracy' ? { preset: 'ddpm_mnist', why: 'generationAccuracy' } : { preset: 'dcgan_mnist', why: 'generationLight' };
  }
}

export function advise(kind: DataKind, priority: Priority, target: Target = 'class', t: TFunction = currentT): Advice {
  const { preset, why } = choose(kind, priority, target);
  return { preset, why: t(`editor.guide.why.${why}`) };
}
