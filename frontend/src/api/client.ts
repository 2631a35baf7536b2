// The HTTP API, typed by the generated schema. Every call goes through `request`, which
// turns a failed response into an ApiError carrying the status and the server's ErrorBody.
import type { OpSchema } from '../model/ops';
import type {
  CheckResult,
  DatasetCatalog,
  DatasetPreview,
  DatasetRecord,
  ErrorBody,
  ExportFormat,
  GraphDocument,
  GraphList,
  GraphRecord,
  Health,
  Lesson,
  LessonSummary,
  ServerMeta,
  Preset,
  PresetSummary,
  CheckpointRecord,
  RunDetail,
  RunList,
  RunRecord,
  EventPage,
  WorkerRecord,
  CreateSweep,
  SweepDetail,
  SweepList,
  SweepRecord,
  OnnxImport,
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

/** Bytes of an upload sent so far (`total` is the whole request). */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** An uploaded dataset's record; `created` false: those bytes were uploaded before. */
export interface Uploaded {
  record: DatasetRecord;
  created: boolean;
}

/** Upload `file` as a dataset (multipart: file, name?, kind?) with XMLHttpRequest, the
 * browser API that reports upload progress; `signal` cancels it (an AbortError). Fails as
 * `send` does: ApiError with the server's body (413 too large, 422 naming the row, column
 * or entry), OfflineError when the server cannot be reached. */
export function uploadDataset(
  file: File,
  fields: { name?: string; kind?: string | null },
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<Uploaded> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('upload cancelled', 'AbortError'));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/datasets');
    const token = storedToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      const status = xhr.status;
      if (status === 502 || status === 503 || status === 504) {
        reject(new OfflineError(`the server is unavailable (${status})`));
        return;
      }
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON: said below by the status */
      }
      if (status >= 200 && status < 300 && body) resolve({ record: body as DatasetRecord, created: status === 201 });
      else {
        const error = errorBody(body);
        reject(new ApiError(status, error, error?.message ?? `${status} ${xhr.statusText}`));
      }
    };
    xhr.onerror = () => reject(new OfflineError('cannot reach the server (the connection closed during the upload)'));
    xhr.onabort = () => reject(new DOMException('upload cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, file.name);
    if (fields.name) form.append('name', fields.name);
    if (fields.kind) form.append('kind', fields.kind);
    xhr.send(form);
  });
}

export interface ExportFile {
  filename: string;
  blob: Blob;
}

export const api = {
  health: () => request<Health>('/api/health'),
  /** Health thresholds, run-status groups and the training settings' JSON Schema. */
  meta: () => request<ServerMeta>('/api/meta'),
  ops: () => request<OpSchema[]>('/api/ops'),
  /** Built-in sets (with their availability here) and uploads, the newest first. */
  datasets: () => request<DatasetCatalog>('/api/datasets'),
  dataset: (id: string) => request<DatasetRecord>(`/api/datasets/${encodeURIComponent(id)}`),
  datasetPreview: (id: string) => request<DatasetPreview>(`/api/datasets/${encodeURIComponent(id)}/preview`),
  /** A 409 ApiError (code dataset_in_use) while a queued or running run uses it. */
  deleteDataset: async (id: string): Promise<void> => {
    await send(`/api/datasets/${encodeURIComponent(id)}`, { method: 'DELETE' });
  },
  presets: () => request<PresetSummary[]>('/api/presets'),
  preset: (name: string) => request<Preset>(`/api/presets/${encodeURIComponent(name)}`),
  lessons: () => request<LessonSummary[]>('/api/lessons'),
  lesson: (id: string) => request<Lesson>(`/api/lessons/${encodeURIComponent(id)}`),
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
  /** Queue a training run of the document as it is now (its training section as config),
   * from imported weights when `startWeights` names them. */
  createRun: (doc: GraphDocument, graphId: string | null, graphVersion: number | null, startWeights: string | null = null) =>
    request<RunRecord>('/api/runs', {
      method: 'POST',
      json: {
        ...(graphId && graphVersion !== null ? { graph_id: graphId, graph_version: graphVersion } : { document: doc }),
        ...(startWeights ? { start_weights: startWeights } : {}),
      },
    }),
  run: (id: string) => request<RunDetail>(`/api/runs/${encodeURIComponent(id)}`),
  /** A run's kept checkpoints, the newest first. */
  runCheckpoints: (id: string) => request<CheckpointRecord[]>(`/api/runs/${encodeURIComponent(id)}/checkpoints`),
  /** Queue a new run from the weights of a run's checkpoint, with settings overrides. */
  forkRun: (id: string, checkpoint: string, config: Record<string, unknown>) =>
    request<RunDetail>('/api/runs', { method: 'POST', json: { fork: { run: id, checkpoint }, config } }),
  runs: (filters: { status?: string | null; graphId?: string | null; sweepId?: string | null; limit?: number; offset?: number } = {}) => {
    const q = new URLSearchParams({ limit: String(filters.limit ?? 200), offset: String(filters.offset ?? 0) });
    if (filters.status) q.set('status', filters.status);
    if (filters.graphId) q.set('graph_id', filters.graphId);
    if (filters.sweepId) q.set('sweep_id', filters.sweepId);
    return request<RunList>(`/api/runs?${q}`);
  },
  /** Start a sweep: a 422 ApiError names the path at fault (field body.space.<path>). */
  createSweep: (body: CreateSweep) => request<SweepDetail>('/api/sweeps', { method: 'POST', json: body }),
  sweeps: () => request<SweepList>('/api/sweeps?limit=200'),
  sweep: (id: string) => request<SweepDetail>(`/api/sweeps/${encodeURIComponent(id)}`),
  stopSweep: (id: string) => request<SweepRecord>(`/api/sweeps/${encodeURIComponent(id)}/stop`, { method: 'POST' }),
  runEvents: (id: string, since: number, types: string | null = null, limit = 5000) => {
    const q = new URLSearchParams({ since: String(since), limit: String(limit) });
    if (types) q.set('types', types);
    return request<EventPage>(`/api/runs/${encodeURIComponent(id)}/events?${q}`);
  },
  controlRun: (id: string, action: 'pause' | 'resume' | 'stop') =>
    request<RunRecord>(`/api/runs/${encodeURIComponent(id)}/${action}`, { method: 'POST' }),
  workers: () => request<WorkerRecord[]>('/api/workers'),
  /** An ONNX file as a document (its weights kept on the server), or `ok: false` with every
   * operator it refuses, located. */
  importOnnx: (file: File) => {
    const form = new FormData();
    form.append('file', file);
    return request<OnnxImport>('/api/import/onnx', { method: 'POST', body: form });
  },
  /** One of a run's downloads (`events.jsonl`, `scalars.csv`, `bundle.zip`,
   * `checkpoints/<name>/weights`), fetched with the token when auth is on. */
  runFile: async (id: string, path: string): Promise<ExportFile> => {
    const response = await send(`/api/runs/${encodeURIComponent(id)}/${path}`);
    const disposition = response.headers.get('content-disposition') ?? '';
    const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `${id}-${path.replace(/\//g, '-')}`;
    return { filename, blob: await response.blob() };
  },
  export: async (doc: GraphDocument, format: ExportFormat): Promise<ExportFile> => {
    const response = await send('/api/export', { method: 'POST', json: { format, document: doc } });
    const disposition = response.headers.get('content-disposition') ?? '';
    const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `model.${format === 'python' ? 'py' : format}`;
    return { filename, blob: await response.blob() };
  },
};
