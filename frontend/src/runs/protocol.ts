// The viewer websocket's messages (backend/layerlab/server/viewer_protocol.py). The
// websocket is not part of the OpenAPI schema, so these envelopes are written here; what
// they carry (the run record, the events) is the generated schema's.
import type { RunEvent, RunRecord } from '../api/types';

export type ViewerMessage =
  | { type: 'welcome'; run: RunRecord; since: number }
  | { type: 'events'; events: RunEvent[] }
  | { type: 'run'; run: RunRecord }
  | { type: 'resync'; last_seq: number; reason: string }
  | { type: 'error'; code: string; message: string };

/** Close codes the server uses: 1008 refused (auth), 4404 no such run. */
export const CLOSE_POLICY = 1008;
export const CLOSE_NOT_FOUND = 4404;

export function parseViewerMessage(text: string): ViewerMessage | null {
  try {
    const value = JSON.parse(text) as { type?: unknown };
    return value && typeof value === 'object' && typeof value.type === 'string' ? (value as ViewerMessage) : null;
  } catch {
    return null;
  }
}

export function viewerUrl(location: Pick<Location, 'protocol' | 'host'>, runId: string, since: number): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws/runs/${encodeURIComponent(runId)}?since=${since}`;
}
