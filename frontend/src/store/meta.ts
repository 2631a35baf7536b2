// What the server says about itself that the browser must not copy (GET /api/meta): the
// thresholds of its health diagnoses, the run-status groups, the activation histograms'
// bin count and the training settings' JSON Schema. Loaded once when the app starts;
// while the server cannot be reached it is asked again, with growing pauses. Until it
// answers, what depends on it waits (null), rather than guessing.
import { create } from 'zustand';
import { api, OfflineError } from '../api/client';
import type { RunStatus, ServerMeta } from '../api/types';
import type { MessageCatalog } from '../i18n/messages';
import type { TaskChoice } from '../model/applyDataset';
import type { JsonSchema } from '../model/schemaForm';
import { reconnectDelay } from '../runs/model/backoff';

export interface MetaState {
  meta: ServerMeta | null;
  /** Why it could not be loaded (not for being offline: that is retried quietly). */
  error: string | null;
}

export const useMeta = create<MetaState>(() => ({ meta: null, error: null }));

let loading: Promise<void> | null = null;

/** Load the server's meta once (a second call joins the first). */
export function loadMeta(): Promise<void> {
  loading ??= (async () => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        useMeta.setState({ meta: await api.meta(), error: null });
        return;
      } catch (err) {
        if (!(err instanceof OfflineError)) {
          useMeta.setState({ error: err instanceof Error ? err.message : String(err) });
          loading = null; // a later call may try again (a token given since, say)
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, reconnectDelay(attempt)));
      }
    }
  })();
  return loading;
}

/** Whether `status` is in the server's group `group` (false until the groups are known). */
export function statusIn(meta: ServerMeta | null, group: keyof ServerMeta['statuses'], status: RunStatus | null | undefined): boolean {
  return !!meta && !!status && (meta.statuses[group] as readonly string[]).includes(status);
}

/** The server's message catalog (GET /api/meta `messages`: every problem's and health
 * finding's template in English and Chinese); null until the server has answered, when
 * the server's English text is shown. */
export const useMessages = (): MessageCatalog | null => useMeta((s) => s.meta?.messages ?? null);

/** The training settings' JSON Schema (the server's TrainingConfig, the one a run is
 * validated by); null until the server has answered. */
export const useTrainingSchema = (): JsonSchema | null =>
  useMeta((s) => (s.meta?.training_schema ?? null) as JsonSchema | null);

/** The server's tasks and its default one, for choosing a task to fit a dataset
 * (model/applyDataset.ts); none until the server has answered. */
export function taskChoice(meta: ServerMeta | null): TaskChoice {
  const task = (meta?.training_schema as { properties?: { task?: { default?: string } } } | undefined)?.properties?.task;
  return { tasks: meta?.tasks ?? [], defaultTask: task?.default };
}
