// How a run's steps execute, for the run header's compact line: "bf16 · compiled · CUDA
// graphs · channels_last · TF32 · compile 12.3 s". The worker says it on the run's
// `running` status events (`execution`, train/execution.py): once at the start, and with
// execution fast once more when the first compiled step is done, with its seconds.
import type { components } from '../../api/schema';

export type ExecutionInfo = components['schemas']['ExecutionInfo'];

type Key = `fast.execution.${
  | `precision.${ExecutionInfo['precision']}`
  | `precisionTitle.${ExecutionInfo['precision']}`
  | 'eager'
  | 'eagerTitle'
  | 'compiled'
  | 'compiledTitle'
  | 'cudaGraphs'
  | 'cudaGraphsTitle'
  | 'channelsLast'
  | 'channelsLastTitle'
  | 'tf32'
  | 'tf32Title'
  | 'compileTime'
  | 'compileTimeTitle'}`;

/** One item of the line: its text's key, its tooltip's key, the text's values. */
export interface ExecutionPart {
  id: 'precision' | 'mode' | 'cudaGraphs' | 'channelsLast' | 'tf32' | 'compile';
  key: Key;
  title: Key;
  params?: { seconds: string };
}

/** The line's items, in order; what was not used is left out (eager runs show it). */
export function executionParts(info: ExecutionInfo | null | undefined): ExecutionPart[] {
  if (!info) return [];
  const parts: ExecutionPart[] = [
    { id: 'precision', key: `fast.execution.precision.${info.precision}`, title: `fast.execution.precisionTitle.${info.precision}` },
    info.execution === 'fast'
      ? { id: 'mode', key: 'fast.execution.compiled', title: 'fast.execution.compiledTitle' }
      : { id: 'mode', key: 'fast.execution.eager', title: 'fast.execution.eagerTitle' },
  ];
  if (info.cuda_graphs) parts.push({ id: 'cudaGraphs', key: 'fast.execution.cudaGraphs', title: 'fast.execution.cudaGraphsTitle' });
  if (info.channels_last) parts.push({ id: 'channelsLast', key: 'fast.execution.channelsLast', title: 'fast.execution.channelsLastTitle' });
  if (info.tf32) parts.push({ id: 'tf32', key: 'fast.execution.tf32', title: 'fast.execution.tf32Title' });
  if (info.compile_s !== null && info.compile_s !== undefined && !info.compiling) {
    parts.push({ id: 'compile', key: 'fast.execution.compileTime', title: 'fast.execution.compileTimeTitle', params: { seconds: compileSeconds(info.compile_s) } });
  }
  return parts;
}

/** Seconds as people read a compile time: 0.8, 12.3, 95. */
export function compileSeconds(seconds: number): string {
  return seconds < 100 ? seconds.toFixed(1) : Math.round(seconds).toLocaleString('en-US');
}

/** Whether the run is in its compile phase now: fast, its first compiled step not done,
 * and the run still running (a run that ended while compiling is not compiling). */
export function compilingNow(info: ExecutionInfo | null | undefined, status: string | null | undefined): boolean {
  return !!info && info.execution === 'fast' && !!info.compiling && status === 'running';
}
