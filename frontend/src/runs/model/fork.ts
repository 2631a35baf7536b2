// Fork: which checkpoint a new run starts from, and which settings it changes. Pure
// functions, so the dialog's choices are unit-tested.
import { same } from './diff';

/** A kept checkpoint, as GET /api/runs/{id}/checkpoints lists them (newest first). */
export interface CheckpointChoice {
  name: string;
  step: number;
}

/** The checkpoint to offer first: the newest at or before the timeline cursor (the
 *  step the person is looking at), else the newest. Null when none is kept. */
export function defaultCheckpoint<T extends CheckpointChoice>(kept: readonly T[], cursor: number | null): T | null {
  if (!kept.length) return null;
  const newestFirst = [...kept].sort((a, b) => b.step - a.step);
  if (cursor === null) return newestFirst[0]!;
  return newestFirst.find((c) => c.step <= cursor) ?? newestFirst[newestFirst.length - 1]!;
}

export interface SettingChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** The settings `edited` changes from `base`, in `base`'s field order then new ones. */
export function settingChanges(base: Record<string, unknown>, edited: Record<string, unknown>): SettingChange[] {
  const fields = [...Object.keys(base), ...Object.keys(edited).filter((k) => !(k in base))];
  return fields
    .filter((field) => field in edited && !same(base[field], edited[field]))
    .map((field) => ({ field, from: base[field], to: edited[field] }));
}

/** What POST /api/runs needs: only the changed fields, as config overrides. */
export function forkOverrides(base: Record<string, unknown>, edited: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(settingChanges(base, edited).map((c) => [c.field, c.to]));
}

/** A setting's value for a one-line summary: `0.001`, `adam`, `null`. */
export function shortValue(value: unknown): string {
  if (value === undefined) return '(default)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

interface Forkable {
  id: string;
  fork?: { run: string; step: number } | null;
}

/** Step offsets for drawing two runs on one step axis: a fork of the other run is
 *  drawn from the step it was forked at, so its curve continues its source's. */
export function stepOffsets(a: Forkable, b: Forkable): [number, number] {
  return [a.fork?.run === b.id ? a.fork.step : 0, b.fork?.run === a.id ? b.fork.step : 0];
}
