// Metric keys said for people in legends and titles: `val/loss` -> "validation loss",
// `train/acc` -> "training accuracy", `lr` -> "learning rate". An unknown key keeps its
// own words (`val/foo_bar` -> "validation foo bar"). Pure: no React, no store.

const SPLITS: Record<string, string> = { train: 'training', val: 'validation', test: 'test' };

const NAMES: Record<string, string> = {
  loss: 'loss',
  epoch_loss: 'loss (epoch mean)',
  acc: 'accuracy',
  token_acc: 'token accuracy',
  seq_acc: 'sequence accuracy',
  top5: 'top-5 accuracy',
  r2: 'R²',
  mse: 'mean squared error',
  mae: 'mean absolute error',
  perplexity: 'perplexity',
  kl: 'KL divergence',
  reconstruction: 'reconstruction loss',
  d_loss: 'discriminator loss',
  g_loss: 'generator loss',
  d_real: 'D(real)',
  d_fake: 'D(fake)',
  lr: 'learning rate',
  samples_per_s: 'samples per second',
  memory_mb: 'memory (MB)',
};

export function metricLabel(key: string): string {
  const slash = key.indexOf('/');
  const split = slash > 0 ? key.slice(0, slash) : null;
  const name = slash > 0 ? key.slice(slash + 1) : key;
  const words = NAMES[name] ?? name.replace(/_/g, ' ');
  return split ? `${SPLITS[split] ?? split} ${words}` : words;
}
