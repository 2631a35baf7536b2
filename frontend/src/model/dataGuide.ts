// "Start from my data": the course's model-selection decision tree as a function. By the
// kind of data (a table, images, sequences over time, text, or new samples to generate)
// and whether top accuracy matters more than a light network, the preset to begin from
// and why, in the course's words: images -> CNN (top accuracy: ResNet; otherwise a
// lightweight CNN), text -> Transformer, time series -> LSTM (or a Transformer), tables
// -> an MLP, generation -> a GAN or a diffusion model.

export type DataKind = 'table' | 'images' | 'time_series' | 'text' | 'generation';
export type Priority = 'accuracy' | 'light';
export type Target = 'class' | 'value';

export interface Advice {
  /** The preset to open (a file of graphs/). */
  preset: string;
  /** Why, in one sentence. */
  why: string;
}

export const DATA_KINDS: readonly { kind: DataKind; label: string; hint: string }[] = [
  { kind: 'table', label: 'A table', hint: 'rows of numbers or categories (CSV)' },
  { kind: 'images', label: 'Images', hint: 'photos, scans, drawings' },
  { kind: 'time_series', label: 'A time series', hint: 'values over time, sensor readings' },
  { kind: 'text', label: 'Text', hint: 'characters or words (speech: as text)' },
  { kind: 'generation', label: 'Make new samples', hint: 'generate images like mine' },
];

export function advise(kind: DataKind, priority: Priority, target: Target = 'class'): Advice {
  switch (kind) {
    case 'table':
      return target === 'value'
        ? { preset: 'mlp_regression', why: 'Numeric features and a number to predict: an MLP regresses it.' }
        : { preset: 'mlp_playground', why: 'Numeric features and a class to predict: an MLP draws the boundary between classes.' };
    case 'images':
      return priority === 'accuracy'
        ? { preset: 'resnet20_cifar10', why: 'Images call for a CNN; when accuracy matters most, a ResNet: residual connections let it go deep.' }
        : { preset: 'mobilenet_cifar10', why: 'Images call for a CNN; when a light network matters more, a lightweight CNN: depthwise convolutions at a third of the FLOPs.' };
    case 'time_series':
      return target === 'value'
        ? { preset: 'gru_sine', why: 'Values over time: a gated recurrent network (GRU/LSTM) keeps what it has seen and forecasts the next value.' }
        : { preset: 'lstm_parity', why: 'A sequence with one answer: an LSTM reads it step by step and classifies it at the end.' };
    case 'text':
      return { preset: 'gpt_char', why: 'Text calls for a Transformer: self-attention relates every character to the ones before it.' };
    case 'generation':
      return priority === 'accuracy'
        ? { preset: 'ddpm_mnist', why: 'To generate the best samples, a diffusion model: it learns to remove noise, then walks back from pure noise.' }
        : { preset: 'dcgan_mnist', why: 'To generate quickly, a GAN: a generator and a discriminator train against each other.' };
  }
}
