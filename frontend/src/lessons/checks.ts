// A lesson step's check, evaluated on what the browser shows: the open graph (and the
// preset it came from) and the run last on screen. Pure functions over plain facts, so
// that a check turns green by itself as the stores change (lessons/store.ts wires them).
import type { GraphDocument, LessonCheck } from '../api/types';
import type { RunData } from '../runs/model/runData';

/** What a run shows that a check may name. */
export interface RunFacts {
  runId: string;
  status: string | null;
  /** Epochs completed (the epoch-end metrics seen). */
  epochs: number;
  /** The latest value of each metric, per step or per epoch. */
  metrics: Record<string, number | null>;
  /** Diagnoses currently shown (a cleared one is not). */
  diagnoses: { diagnosis: string; node: string | null }[];
}

export interface LessonFacts {
  doc: GraphDocument | null;
  /** The preset the open document came from (edits allowed), or null. */
  preset: string | null;
  run: RunFacts | null;
}

/** Nodes of `op` in the graph, block bodies counted once per use. */
function countOps(doc: GraphDocument, op: string): number {
  const blocks = new Map((doc.blocks ?? []).map((b) => [b.name, b]));
  const count = (nodes: GraphDocument['nodes'], seen: Set<string>): number => {
    let n = 0;
    for (const node of nodes ?? []) {
      if (node.type === op) n += 1;
      const block = blocks.get(node.type);
      if (block && !seen.has(block.name)) n += (node.repeat ?? 1) * count(block.nodes, new Set([...seen, block.name]));
    }
    return n;
  };
  return count(doc.nodes, new Set());
}

export function checkHolds(check: LessonCheck, facts: LessonFacts): boolean {
  const { doc, run } = facts;
  switch (check.kind) {
    case 'graph_has':
      return !!doc && countOps(doc, check.op) >= (check.at_least ?? 1);
    case 'preset_open':
      return facts.preset === check.preset;
    case 'training_is':
      return !!doc && JSON.stringify((doc.training as Record<string, unknown> | undefined)?.[check.field]) === JSON.stringify(check.value);
    case 'run_epoch':
      return !!run && run.epochs >= check.at_least;
    case 'run_status':
      return !!run && run.status === check.status;
    case 'metric': {
      const value = run?.metrics[check.metric];
      if (value === undefined || value === null) return false;
      return (check.at_least == null || value >= check.at_least) && (check.at_most == null || value <= check.at_most);
    }
    case 'diagnosis':
      return !!run && run.diagnoses.some((d) => d.diagnosis === check.diagnosis && (check.node == null || d.node === check.node));
  }
}

/** The facts of a run on screen, from its applied events. */
export function runFacts(runId: string, data: RunData): RunFacts {
  const metrics: Record<string, number | null> = {};
  for (const map of [data.metrics, data.epochMetrics]) {
    for (const [key, series] of map) {
      const last = series.y.length ? series.y[series.y.length - 1] : undefined;
      if (last !== undefined) metrics[key] = last;
    }
  }
  // A diagnosis is shown from its first event until one with active false clears it.
  const shown = new Map<string, { diagnosis: string; node: string | null }>();
  for (const h of data.health) {
    const key = `${h.diagnosis}:${h.node ?? ''}`;
    if (h.active === false) shown.delete(key);
    else shown.set(key, { diagnosis: h.diagnosis, node: h.node ?? null });
  }
  const epochs = data.epochEnds.length ? data.epochEnds[data.epochEnds.length - 1]!.epochs : 0;
  return { runId, status: data.status?.status ?? null, epochs, metrics, diagnoses: [...shown.values()] };
}
