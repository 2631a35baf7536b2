// A sweep's space as the dialog builds it: what can vary (training fields from the
// server's TrainingConfig schema, a node's parameters from its op's schema, a block's
// parameters and repeat count), one row per varied path with its distribution, and the
// space the server takes (`{path: {log_uniform: [lo, hi]} | ...}`). No React here; the
// words come from `t` (model/translate.ts).
import type { GraphDocument } from '../../api/types';
import { formFields, type FieldKind, type JsonSchema } from '../../model/schemaForm';
import { currentT, type TFunction } from '../../model/translate';

export type DistKind = 'log_uniform' | 'uniform' | 'int' | 'choice';

/** Something the dialog offers to vary. */
export interface VaryOption {
  path: string;
  /** For people: "lr", "fc1 · out_features", "stage1 · repeat", "BasicBlock · channels". */
  label: string;
  kind: FieldKind;
  /** An enum's values (a choice offers them all). */
  options: unknown[];
  current: unknown;
  minimum?: number;
  maximum?: number;
}

/** One varied path, as typed: bounds and choices are text until the space is built. */
export interface SpaceRow {
  path: string;
  label: string;
  kind: DistKind;
  lo: string;
  hi: string;
  step: string;
  /** Comma-separated. */
  choices: string;
}

export type Distribution =
  | { log_uniform: [number, number] }
  | { uniform: [number, number] }
  | { int: [number, number]; step?: number }
  | { choice: (string | number | boolean | null)[] };

/** Training fields worth a sweep: numbers, integers, enums and switches (not the task,
 * the dataset or where it trains). */
const NOT_SWEPT = new Set(['task', 'dataset', 'device', 'precision', 'execution', 'val_split']);

const numeric = (kind: FieldKind) => kind === 'integer' || kind === 'number';
const sweepable = (kind: FieldKind) => numeric(kind) || kind === 'enum' || kind === 'boolean';

export function trainingOptions(schema: JsonSchema | null, training: Record<string, unknown>): VaryOption[] {
  if (!schema) return [];
  return formFields(schema)
    .filter((f) => sweepable(f.kind) && !NOT_SWEPT.has(f.name))
    .map((f) => ({
      path: f.name,
      label: f.name,
      kind: f.kind,
      options: f.kind === 'boolean' ? [true, false] : f.options,
      current: training[f.name] ?? f.defaultValue,
      minimum: f.minimum,
      maximum: f.maximum,
    }));
}

/** A top-level node's parameters (its op's, or its block's) and a block's repeat count. */
export function nodeOptions(doc: GraphDocument, nodeId: string, paramsSchema: (type: string) => JsonSchema | null): VaryOption[] {
  const node = (doc.nodes ?? []).find((n) => n.id === nodeId);
  if (!node) return [];
  const params = (node.params ?? {}) as Record<string, unknown>;
  const block = (doc.blocks ?? []).find((b) => b.name === node.type);
  if (block) {
    const declared = (block.params ?? {}) as Record<string, unknown>;
    const options: VaryOption[] = Object.entries(declared).map(([name, fallback]) => ({
      path: `nodes.${node.id}.params.${name}`,
      label: `${node.id} · ${name}`,
      kind: kindOf(params[name] ?? fallback),
      options: [],
      current: params[name] ?? fallback,
    }));
    options.push({ path: `nodes.${node.id}.repeat`, label: `${node.id} · repeat`, kind: 'integer', options: [], current: node.repeat ?? 1, minimum: 1 });
    return options;
  }
  const schema = paramsSchema(node.type);
  if (!schema) return [];
  return formFields(schema)
    .filter((f) => sweepable(f.kind))
    .map((f) => ({
      path: `nodes.${node.id}.params.${f.name}`,
      label: `${node.id} · ${f.name}`,
      kind: f.kind,
      options: f.kind === 'boolean' ? [true, false] : f.options,
      current: params[f.name] ?? f.defaultValue,
      minimum: f.minimum,
      maximum: f.maximum,
    }));
}

/** A block's own parameters: a value for the block wherever it is used. */
export function blockOptions(doc: GraphDocument, blockName: string, t: TFunction = currentT): VaryOption[] {
  const block = (doc.blocks ?? []).find((b) => b.name === blockName);
  if (!block) return [];
  return Object.entries((block.params ?? {}) as Record<string, unknown>).map(([name, value]) => ({
    path: `blocks.${block.name}.params.${name}`,
    label: t('editor.sweep.blockParam', { block: block.name, name }),
    kind: kindOf(value),
    options: [],
    current: value,
  }));
}

function kindOf(value: unknown): FieldKind {
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'string';
}

const text = (n: number) => String(Number(n.toPrecision(6)));

/** A first guess at a row for `option`: a learning-rate-like field spans two decades on
 * a log scale, an integer half to twice its value, an enum all its values. */
export function defaultRow(option: VaryOption): SpaceRow {
  const row: SpaceRow = { path: option.path, label: option.label, kind: 'choice', lo: '', hi: '', step: '1', choices: '' };
  const value = typeof option.current === 'number' ? option.current : null;
  if (option.kind === 'enum' || option.kind === 'boolean') return { ...row, choices: option.options.map(String).join(', ') };
  if (option.kind === 'integer') {
    const v = value ?? option.minimum ?? 1;
    const lo = Math.max(option.minimum ?? 1, Math.floor(v / 2));
    return { ...row, kind: 'int', lo: String(lo), hi: String(Math.max(lo, v * 2)) };
  }
  if (option.kind === 'number') {
    const v = value ?? 0.01;
    if (/(^|_)lr$|rate|weight_decay/.test(option.path) && v > 0) return { ...row, kind: 'log_uniform', lo: text(v / 10), hi: text(v * 10) };
    return { ...row, kind: 'uniform', lo: text(v === 0 ? 0 : v / 2), hi: text(v === 0 ? 1 : v * 2) };
  }
  return { ...row, choices: option.current === undefined ? '' : String(option.current) };
}

function parseChoice(word: string): string | number | boolean | null {
  const t = word.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null' || t === 'none') return null;
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? n : t;
}

export type Built = { ok: true; value: Distribution } | { ok: false; error: string };

/** A row as the server's distribution, or what is wrong with it. */
export function rowDistribution(row: SpaceRow, t: TFunction = currentT): Built {
  if (row.kind === 'choice') {
    const values = row.choices.split(',').filter((w) => w.trim() !== '').map(parseChoice);
    return values.length ? { ok: true, value: { choice: values } } : { ok: false, error: t('editor.sweep.error.noValue') };
  }
  const lo = Number(row.lo);
  const hi = Number(row.hi);
  if (row.lo.trim() === '' || row.hi.trim() === '' || !Number.isFinite(lo) || !Number.isFinite(hi)) return { ok: false, error: t('editor.sweep.error.bounds') };
  if (row.kind === 'int') {
    const step = Number(row.step || '1');
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || !Number.isInteger(step) || step < 1) return { ok: false, error: t('editor.sweep.error.whole') };
    if (lo > hi) return { ok: false, error: t('editor.sweep.error.lowAbove') };
    return { ok: true, value: step === 1 ? { int: [lo, hi] } : { int: [lo, hi], step } };
  }
  if (!(lo < hi)) return { ok: false, error: t('editor.sweep.error.lowBelow') };
  if (row.kind === 'log_uniform') {
    if (lo <= 0) return { ok: false, error: t('editor.sweep.error.logAboveZero') };
    return { ok: true, value: { log_uniform: [lo, hi] } };
  }
  return { ok: true, value: { uniform: [lo, hi] } };
}

/** The space of all rows, and each row's problem by path. */
export function buildSpace(rows: readonly SpaceRow[], t: TFunction = currentT): { space: Record<string, Distribution>; errors: Record<string, string> } {
  const space: Record<string, Distribution> = {};
  const errors: Record<string, string> = {};
  for (const row of rows) {
    const built = rowDistribution(row, t);
    if (built.ok) space[row.path] = built.value;
    else errors[row.path] = built.error;
  }
  return { space, errors };
}

/** Points of the grid (choices and int ranges only), or null when a row has none. */
export function gridSize(space: Record<string, Distribution>): number | null {
  let size = 1;
  for (const d of Object.values(space)) {
    if ('choice' in d) size *= d.choice.length;
    else if ('int' in d) size *= Math.floor((d.int[1] - d.int[0]) / (d.step ?? 1)) + 1;
    else return null;
  }
  return size;
}

export interface Estimate {
  runs: number;
  /** Seconds for the whole sweep, when a finished run of this graph says how long one takes. */
  seconds: number | null;
}

/** How many runs a sweep makes and about how long it takes: rounds of `parallel` runs
 * (no more at once than there are workers), each `epochs` long at the pace of the last
 * finished run of this graph (seconds per epoch). */
export function estimate(trials: number, parallel: number, workers: number, perEpochSeconds: number | null, epochs: number): Estimate {
  const runs = Math.max(0, trials);
  const lanes = Math.max(1, Math.min(parallel, Math.max(1, workers)));
  const perRun = perEpochSeconds === null || !(epochs > 0) ? null : perEpochSeconds * epochs;
  return { runs, seconds: perRun === null ? null : Math.ceil(runs / lanes) * perRun };
}
