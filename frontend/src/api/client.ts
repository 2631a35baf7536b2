// The HTTP API, typed by the generated schema. Every call goes through `request`, which
// turns a failed response into an ApiError carrying the status and the server's ErrorBody.
import type { OpSchema } from '../model/ops';
import type {
  CheckResult,
  DatasetSchema,
  ErrorBody,
  ExportFormat,
  GraphDocument,
  GraphList,
  GraphRecord,
  Health,
  Preset,
  PresetSummary,
  CheckpointRecord,
  RunDetail,
  RunList,
  RunRecord,
  EventPage,
  WorkerRecord,
} from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Partial<ErrorBody> | null,
    message: string,
  ) {
    super(message);
  }
}

/** The server could not be reached at all (restarting, offline). */
export class OfflineError extends Error {}

const TOKEN_KEY = 'layerlab.token';

/** The bearer token this browser holds, if any (the viewer websocket sends it first). */
export const storedToken = (): string | null => localStorage.getItem(TOKEN_KEY);

/** A bearer token given once as ?token=... in the address, kept for this browser. */
export function adoptTokenFromUrl() {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (!token) return;
  localStorage.setItem(TOKEN_KEY, token);
  url.searchParams.delete('token');
  window.history.replaceState(null, '', url.toString());
}

function errorBody(body: unknown): Partial<ErrorBody> | null {
  return body && typeof body === 'object' ? (body as Partial<ErrorBody>) : null;
}

async function send(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set('content-type', 'application/json');
  const token = localStorage.getItem(TOKEN_KEY);
  if (token) headers.set('authorization', `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(path, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new OfflineError('cannot reach the server');
  }
  if (response.status === 502 || response.status === 503 || response.status === 504) {
    throw new OfflineError(`the server is unavailable (${response.status})`);
  }
  if (!response.ok) {
    const type = response.headers.get('content-type') ?? '';
    const body = errorBody(type.includes('json') ? await response.json() : null);
    throw new ApiError(response.status, body, body?.message ?? `${response.status} ${response.statusText}`);
  }
  return response;
}

async function request<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  return (await (await send(path, init)).json()) as T;
}

export interface ExportFile {
  filename: string;
  blob: Blob;
}

export const api = {
  health: () => request<Health>('/api/health'),
  ops: () => request<OpSchema[]>('/api/ops'),
  datasets: () => request<DatasetSchema[]>('/api/datasets'),
  presets: () => request<PresetSummary[]>('/api/presets'),
  preset: (name: string) => request<Preset>(`/api/presets/${encodeURIComponent(name)}`),
  graphs: () => request<GraphList>('/api/graphs?limit=200'),
  graph: (id: string) => request<GraphRecord>(`/api/graphs/${encodeURIComponent(id)}`),
  createGraph: (doc: GraphDocument) => request<GraphRecord>('/api/graphs', { method: 'POST', json: doc }),
  /** Save on top of `version`; a 409 ApiError (body.current_version) when someone saved since. */
  updateGraph: (id: string, version: number, doc: GraphDocument) =>
    request<GraphRecord>(`/api/graphs/${encodeURIComponent(id)}`, {
      method: 'PUT',
      json: doc,
      headers: { 'if-match': `"${version}"` },
    }),
  check: (doc: GraphDocument, batchSize: number | null, signal?: AbortSignal) =>
    request<CheckResult>(`/api/check${batchSize ? `?batch_size=${batchSize}` : ''}`, { method: 'POST', json: doc, signal }),
  /** Queue a training run of the document as it is now (its training section as config). */
  createRun: (doc: GraphDocument, graphId: string | null, graphVersion: number | null) =>
    request<RunRecord>('/api/runs', {
      method: 'POST',
      json: graphId && graphVersion !== null ? { graph_id: graphId, graph_version: graphVersion } : { document: doc },
    }),
  run: (id: string) => request<RunDetail>(`/api/runs/${encodeURIComponent(id)}`),
  /** A run's kept checkpoints, the newest first. */
  runCheckpoints: (id: string) => request<CheckpointRecord[]>(`/api/runs/${encodeURIComponent(id)}/checkpoints`),
  /** Queue a new run from the weights of a run's checkpoint, with settings overrides. */
  forkRun: (id: string, checkpoint: string, config: Record<string, unknown>) =>
    request<RunDetail>('/api/runs', { method: 'POST', json: { fork: { run: id, checkpoint }, config } }),
  runs: (filters: { status?: string | null; graphId?: string | null; limit?: number; offset?: number } = {}) => {
    const q = new URLSearchParams({ limit: String(filters.limit ?? 200), offset: String(filters.offset ?? 0) });
    if (filters.status) q.set('status', filters.status);
    if (filters.graphId) q.set('graph_id', filters.graphId);
    return request<RunList>(`/api/runs?${q}`);
  },
  runEvents: (id: string, since: number, types: string | null = null, limit = 5000) => {
    const q = new URLSearchParams({ since: String(since), limit: String(limit) });
    if (types) q.set('types', types);
    return request<EventPage>(`/api/runs/${encodeURIComponent(id)}/events?${q}`);
  },
  controlRun: (id: string, action: 'pause' | 'resume' | 'stop') =>
    request<RunRecord>(`/api/runs/${encodeURIComponent(id)}/${action}`, { method: 'POST' }),
  workers: () => request<WorkerRecord[]>('/api/workers'),
  export: async (doc: GraphDocument, format: ExportFormat): Promise<ExportFile> => {
    const response = await send('/api/export', { method: 'POST', json: { format, document: doc } });
    const disposition = response.headers.get('content-disposition') ?? '';
    const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `model.${format === 'python' ? 'py' : format}`;
    return { filename, blob: await response.blob() };
  },
};
