// Choosing a dataset, as one document edit: record it (with the options an upload needs),
// make the Input take its samples, the head give one output per class (or token), an
// Embedding span its vocabulary, and the task fit its target. Every change is listed, so
// the editor can say what moved ("x shape 1×28×28 → 4; fc out_features 10 → 3") next to
// one Undo.
import type { GraphDocument, NodeDoc, TaskFacts } from '../api/types';
import { headOf, sameShape, setParam, type DatasetFacts } from './fixes';
import { formatShape } from './format';

/** One field the choice changed: a node's parameter, or (node null) a training setting. */
export interface DataChange {
  node: string | null;
  field: string;
  from: unknown;
  to: unknown;
}

export interface Applied {
  doc: GraphDocument;
  changes: DataChange[];
}

/** What the server declares of its tasks (GET /api/meta, from train/tasks): the dataset
 * targets each learns from, the usual task for each target, and the task a document
 * without one trains. Empty until the server has answered: then no task is changed. */
export interface TaskChoice {
  tasks: readonly TaskFacts[];
  defaultTask: string | undefined;
}

/** The task to train `target` with: the current one when it learns from that target,
 * else the server's usual task for it. */
export function taskFor(target: string | null | undefined, current: string | undefined, choice: TaskChoice): string | undefined {
  if (!target) return current;
  const name = current ?? choice.defaultTask;
  const fits = choice.tasks.find((t) => t.name === name)?.targets.includes(target as TaskFacts['targets'][number]);
  if (fits) return current;
  return choice.tasks.find((t) => t.usual_for === target)?.name ?? current;
}

const params = (n: NodeDoc | undefined): Record<string, unknown> => (n?.params as Record<string, unknown> | undefined) ?? {};

/** The options to keep: an upload's own, or the old ones while the set stays the same. */
function datasetOptions(training: Record<string, unknown>, dataset: DatasetFacts): Record<string, unknown> | undefined {
  if (dataset.options) return dataset.options;
  const old = training.dataset_options as Record<string, unknown> | undefined;
  const sameSet = training.dataset === dataset.name && !old?.upload;
  return sameSet ? old : undefined;
}

export function applyDataset(doc: GraphDocument, dataset: DatasetFacts, choice: TaskChoice): Applied {
  const changes: DataChange[] = [];
  const before = (doc.training ?? {}) as Record<string, unknown>;
  const training: Record<string, unknown> = { ...before, dataset: dataset.name };
  const options = datasetOptions(before, dataset);
  if (options && Object.keys(options).length) training.dataset_options = options;
  else delete training.dataset_options;
  const task = taskFor(dataset.target, before.task as string | undefined, choice);
  if (task !== before.task) {
    training.task = task;
    changes.push({ node: null, field: 'task', from: before.task ?? choice.defaultTask, to: task });
  }
  let out: GraphDocument = { ...doc, training };
  const set = (node: NodeDoc, field: string, to: unknown, said: Partial<DataChange> = {}) => {
    out = setParam(out, node.id, field, to);
    changes.push({ node: node.id, field, from: params(node)[field], to, ...said });
  };

  const nodes = doc.nodes ?? [];
  const input = nodes.find((n) => n.type === 'Input');
  if (!input) return { doc: out, changes };
  const shape = params(input).shape;
  const want = dataset.input_shape;
  if (want && !(Array.isArray(shape) && sameShape(shape as number[], want))) set(input, 'shape', want);
  const dtype = (params(input).dtype as string | undefined) ?? 'float32';
  if (dataset.input_dtype && dataset.input_dtype !== dtype) {
    // float32 is the default: cleared rather than written out.
    set(input, 'dtype', dataset.input_dtype === 'float32' ? undefined : dataset.input_dtype, { from: dtype, to: dataset.input_dtype });
  }

  const classes = dataset.num_classes;
  if (!classes) return { doc: out, changes };
  const tokens = dataset.target === 'sequence' && dataset.input_dtype === 'int64';
  if (tokens) {
    for (const edge of (doc.edges ?? []).filter((e) => e.source === input.id)) {
      const embedding = nodes.find((n) => n.id === edge.target && n.type === 'Embedding');
      if (embedding && params(embedding).num_embeddings !== classes) set(embedding, 'num_embeddings', classes);
    }
  }
  const finalTask = task ?? choice.defaultTask;
  if (finalTask === 'classification' || finalTask === 'language_model') {
    for (const output of nodes.filter((n) => n.type === 'Output' && (n.network ?? null) === (input.network ?? null))) {
      const head = headOf(doc, output);
      if (head && params(head).out_features !== classes) set(head, 'out_features', classes);
    }
  }
  return { doc: out, changes };
}

function shown(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return formatShape(value as number[]);
  if (value === undefined || value === null) return 'default';
  return String(value);
}

/** One change for people: "x shape 1×28×28 → 4", "task classification → regression". */
export function describeChange(change: DataChange): string {
  const what = change.node === null ? change.field : `${change.node} ${change.field}`;
  return `${what} ${shown(change.from)} → ${shown(change.to)}`;
}

/** Every change on one line; empty when the graph already fitted the data. */
export function changeNote(changes: readonly DataChange[]): string {
  return changes.map(describeChange).join('; ');
}
