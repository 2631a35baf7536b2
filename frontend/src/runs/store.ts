// The run page's state: which run, its record and snapshot, the connection, the view
// settings (tab, timeline cursor, log scale, smoothing) and `version`, which changes
// once per animation frame at most, when new events were applied to `runData()`.
// Components read it through selectors; the data itself lives outside React (mutable
// RunData), so a busy run costs one render per frame, not one per event.
import { create } from 'zustand';
import { api, storedToken } from '../api/client';
import type { GradientRule, RunDetail, RunEvent, RunRecord } from '../api/types';
import { GradScale } from './model/gradScale';
import type { LayerTable } from './model/layerTable';
import { RunData } from './model/runData';
import { paints, type Paint } from './probe';
import { viewerUrl } from './protocol';
import { RunStream, type ConnectionState, type SocketLike } from './stream';
import { i18n } from '../i18n';

export type RunTab = 'overview' | 'gradients' | 'activations' | 'weights' | 'samples';

export interface RunViewState {
  runId: string | null;
  detail: RunDetail | null;
  record: RunRecord | null;
  loadError: string | null;
  connection: ConnectionState;
  connectionDetail: string | null;
  version: number;
  /** The timeline's step; null follows the live end. */
  cursor: number | null;
  tab: RunTab;
  logScale: boolean;
  /** Smoothing weight of the loss curve, 0..0.99. */
  smoothing: number;
  acting: 'pause' | 'resume' | 'stop' | null;
  actionError: string | null;
  /** The node picked on the canvas or in a warning (highlighted, centred). */
  focusNode: string | null;
}

const initial: RunViewState = {
  runId: null,
  detail: null,
  record: null,
  loadError: null,
  connection: 'connecting',
  connectionDetail: null,
  version: 0,
  cursor: null,
  tab: 'overview',
  logScale: false,
  smoothing: 0.6,
  acting: null,
  actionError: null,
  focusNode: null,
};

export const useRun = create<RunViewState>(() => ({ ...initial }));
const set = useRun.setState;
const get = useRun.getState;

let data = new RunData();
let stream: RunStream | null = null;
let pending: RunEvent[] = [];
let frame: number | null = null;
let fallback: ReturnType<typeof setTimeout> | null = null;
let lastPublish = 0;

/** The run's data (mutable; re-read it when `version` changes). */
export const runData = (): RunData => data;

let scale: { data: RunData; scale: GradScale } | null = null;

/** Each gradient norm's position on the health scale by the server's rule (null until the
 * rule is known), caught up with the data: one pass over the rows that came since. */
export function gradPositions(rule: GradientRule | null): LayerTable<number> | null {
  if (!rule) return null;
  if (scale?.data !== data || scale.scale.rule !== rule) scale = { data, scale: new GradScale(rule) };
  return scale.scale.sync(data.grads, data.gradTotal.y).positions;
}

/** Time budget for applying events in one frame, and the longest a backlog may go unseen. */
const FRAME_BUDGET_MS = 10;
const PUBLISH_EVERY_MS = 250;
const CHUNK = 500;

function schedule() {
  if (frame === null) frame = requestAnimationFrame(flush);
  // A hidden tab gets no animation frames: the data still keeps up, drawn when shown.
  if (fallback === null) fallback = setTimeout(flush, 500);
}

function flush() {
  if (frame !== null) cancelAnimationFrame(frame);
  if (fallback !== null) clearTimeout(fallback);
  frame = null;
  fallback = null;
  const t0 = performance.now();
  let taken = 0;
  while (taken < pending.length && performance.now() - t0 < FRAME_BUDGET_MS) {
    data.apply(pending.slice(taken, taken + CHUNK));
    taken += CHUNK;
  }
  pending = taken >= pending.length ? [] : pending.slice(taken);
  // A long backlog (the history of a big run) is drawn when it is in, or now and then.
  const now = performance.now();
  if (!pending.length || now - lastPublish > PUBLISH_EVERY_MS) {
    lastPublish = now;
    set({ version: data.version });
  }
  if (pending.length) schedule();
}

function receive(events: RunEvent[]) {
  for (const e of events) pending.push(e);
  schedule();
}

function onRun(record: RunRecord) {
  set({ record });
}

function openSocket(runId: string, since: number): SocketLike {
  return new WebSocket(viewerUrl(window.location, runId, since)) as unknown as SocketLike;
}

export function openRun(runId: string) {
  if (get().runId === runId && stream) return;
  closeRun();
  data = new RunData();
  set({ ...initial, runId });
  stream = new RunStream(
    {
      open: (since) => openSocket(runId, since),
      page: (since) => api.runEvents(runId, since),
      token: storedToken,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    },
    {
      onEvents: receive,
      onRun,
      onState: (connection, connectionDetail) => set({ connection, connectionDetail }),
    },
  );
  stream.start();
  api.run(runId).then(
    (detail) => {
      if (get().runId !== runId) return;
      set({ detail, record: get().record ?? detail });
    },
    (err: unknown) => get().runId === runId && set({ loadError: err instanceof Error ? err.message : String(err) }),
  );
}

export function closeRun() {
  stream?.stop();
  stream = null;
  pending = [];
  if (frame !== null) cancelAnimationFrame(frame);
  if (fallback !== null) clearTimeout(fallback);
  frame = null;
  fallback = null;
}

export async function control(action: 'pause' | 'resume' | 'stop') {
  const { runId } = get();
  if (!runId) return;
  set({ acting: action, actionError: null });
  try {
    onRun(await api.controlRun(runId, action));
  } catch (err) {
    set({ actionError: i18n.t(`runs.actionFailed.${action}`, { error: err instanceof Error ? err.message : String(err) }) });
  } finally {
    set({ acting: null });
  }
}

export const setTab = (tab: RunTab) => set({ tab });
export const setCursor = (cursor: number | null) => set({ cursor });
export const toggleLogScale = () => set((s) => ({ logScale: !s.logScale }));
export const setSmoothing = (smoothing: number) => set({ smoothing });
export const focusNode = (focusNode: string | null) => set({ focusNode });

// Read-only probes for the browser tests and bench/dashboard.py.
declare global {
  interface Window {
    __layerlabRun?: {
      lastSeq: () => number;
      points: (metric?: string) => number;
      values: (metric?: string) => (number | null)[];
      /** Loss-chart draws: the newest step shown and when (wall-clock ms). */
      paints: () => Paint[];
      pending: () => number;
      stats: () => RunStream['stats'] | null;
      /** Cut the live connection as a network drop would (it reconnects). */
      drop: () => void;
    };
  }
}
window.__layerlabRun = {
  lastSeq: () => data.lastSeq,
  points: (metric = 'train/loss') => data.metrics.get(metric)?.length ?? 0,
  values: (metric = 'train/loss') => [...(data.metrics.get(metric)?.y ?? [])],
  paints: () => [...paints],
  pending: () => pending.length,
  stats: () => (stream ? { ...stream.stats } : null),
  drop: () => stream?.drop(),
};
