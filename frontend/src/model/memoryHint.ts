// The top bar's batch suggestion: how the checked network's training memory fits the
// device of the connected worker with the most memory. The server solves for the batch
// (graph/limits.py `largest_batch`); this only decides what to say about it.
import type { Totals } from '../api/types';
import { formatBytes, formatCount } from './format';
import type { JsonSchema } from './schemaForm';
import { currentT, type TFunction } from './translate';

export type MemoryFit =
  /** The current batch fits; up to `max` would. */
  | { kind: 'fits'; max: number }
  /** Every batch size the training form allows fits. */
  | { kind: 'any' }
  /** The current batch does not fit; `max` is the largest that does. */
  | { kind: 'over'; max: number }
  /** Not even one sample fits (the weights and optimizer state alone are too big). */
  | { kind: 'nothing' };

export interface MemoryHint {
  fit: MemoryFit;
  /** The one-line hint beside the memory readout. */
  text: string;
  /** What the suggestion means, for the tooltip. */
  title: string;
  /** The button that sets the batch size to the largest that fits (only when it does not). */
  action: { batch: number; label: string; title: string } | null;
}

/** The training form's largest batch size (the served TrainingConfig schema says it). */
export function batchSizeMaximum(schema: JsonSchema | null | undefined): number | undefined {
  return schema?.properties?.batch_size?.maximum;
}

/** How the totals' batch fits their device; null when no device is known. `allowed` is
 * the largest batch size the form takes: a device that fits more fits "any". */
export function memoryFit(totals: Totals, allowed?: number): MemoryFit | null {
  if (totals.device_name == null || totals.device_memory_bytes == null) return null;
  const max = totals.max_batch_size;
  if (max == null) return { kind: 'any' }; // the batch costs no memory
  if (max < 1) return { kind: 'nothing' };
  if (totals.batch_size > max) return { kind: 'over', max };
  if (allowed !== undefined && max >= allowed) return { kind: 'any' };
  return { kind: 'fits', max };
}

/** The hint's words, in the interface's language (`t`); null when no device is known. */
export function memoryHint(totals: Totals, allowed?: number, t: TFunction = currentT): MemoryHint | null {
  const fit = memoryFit(totals, allowed);
  if (fit === null) return null;
  const device = totals.device_name ?? '';
  const memory = totals.device_memory_bytes ?? 0;
  const budget = totals.memory_budget_bytes ?? memory;
  const share = memory > 0 ? Math.round((100 * budget) / memory) : 0;
  const titleKey = totals.device_type === 'cuda' ? 'fast.memory.titleGpu' : 'fast.memory.titleRam';
  const title = t(titleKey, { budget: formatBytes(budget), share, memory: formatBytes(memory), device });
  const batch = formatCount(totals.batch_size);
  const max = 'max' in fit ? formatCount(fit.max) : '';
  const text = t(`fast.memory.${fit.kind}`, { max, batch, device });
  const action =
    fit.kind === 'over'
      ? { batch: fit.max, label: t('fast.memory.use', { max }), title: t('fast.memory.useTitle', { max, device }) }
      : null;
  return { fit, text, title, action };
}
