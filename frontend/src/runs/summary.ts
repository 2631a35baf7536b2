// What the runs table shows beyond the run record: the dataset (the worker's word, else
// the run's config)
// and the best validation metric (from its per-epoch metrics events).
import { api } from '../api/client';
import type { MetricsEvent, RunRecord, TrainingConfig } from '../api/types';
import { datasetUsed } from './model/datasetUsed';
import { isEpochMetrics } from './model/runData';

export interface RunSummary {
  lastSeq: number;
  /** What its config asks to train on (shown with model/datasetUsed.ts). */
  data: Pick<TrainingConfig, 'dataset' | 'dataset_options'>;
  /** What the worker says it loaded, if it has. */
  datasetUsed: string | null;
  steps: number;
  best: { metric: string; value: number } | null;
}

/** Higher is better for accuracies and the like, lower for losses and errors. */
export const maximizes = (metric: string) => /acc|r2|top|f1|precision|recall/.test(metric);

/** Read pages of metrics events; at most `maxPages` (a huge run's best is then approximate). */
export async function runSummary(run: RunRecord, maxPages = 4): Promise<RunSummary> {
  const detail = await api.run(run.id);
  const bestOf = new Map<string, number>();
  let since = 0;
  let steps = 0;
  for (let page = 0; page < maxPages; page += 1) {
    const got = await api.runEvents(run.id, since, 'metrics');
    for (const e of got.events as MetricsEvent[]) {
      steps = Math.max(steps, e.step);
      if (!isEpochMetrics(e)) continue;
      for (const [k, v] of Object.entries(e.values)) {
        if (!k.startsWith('val/') || v === null) continue;
        const old = bestOf.get(k);
        if (old === undefined || (maximizes(k) ? v > old : v < old)) bestOf.set(k, v);
      }
    }
    since = got.next_since;
    if (!got.more) break;
  }
  const preferred = ['val/acc', 'val/loss', ...bestOf.keys()].find((k) => bestOf.has(k));
  return {
    lastSeq: run.last_seq,
    data: { dataset: detail.config.dataset, dataset_options: detail.config.dataset_options },
    datasetUsed: datasetUsed(run) ?? datasetUsed(detail),
    steps,
    best: preferred ? { metric: preferred, value: bestOf.get(preferred)! } : null,
  };
}
