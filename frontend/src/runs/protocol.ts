// The viewer websocket's messages (backend/layerlab/server/viewer_protocol.py), typed
// from the generated schema: the server publishes them in its OpenAPI components.
import type { components } from '../api/schema';

export type ViewerMessage = components['schemas']['ViewerMessage'];
export type ViewerAuth = components['schemas']['ViewerAuth'];

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
