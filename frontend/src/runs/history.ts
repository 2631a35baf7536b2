// A run's whole stored history over REST, page by page, into a RunData (the compare
// view; the live page uses the stream).
import { api } from '../api/client';
import { RunData } from './model/runData';

export const MAX_PAGES = 60;

export async function loadHistory(runId: string, onProgress?: (events: number) => void): Promise<RunData> {
  const data = new RunData();
  let since = 0;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const got = await api.runEvents(runId, since);
    data.apply(got.events);
    onProgress?.(data.events);
    since = got.next_since;
    if (!got.more) break;
  }
  return data;
}
