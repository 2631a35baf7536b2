import { afterEach, describe, expect, it, vi } from 'vitest';

const META = { gradients: {}, activations: {}, statuses: { all: [], active: ['running'], open: ['queued', 'running'], failure: ['failed'], end: ['failed'] }, training_schema: {} };

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
  vi.resetModules();
});

async function fresh() {
  vi.stubGlobal('localStorage', { getItem: () => null });
  return import('./meta');
}

describe('the server meta', () => {
  it('is asked again while the server cannot be reached, then kept', async () => {
    vi.useFakeTimers();
    const fetch = vi.fn().mockRejectedValueOnce(new TypeError('offline')).mockRejectedValueOnce(new TypeError('offline'));
    fetch.mockResolvedValue(new Response(JSON.stringify(META), { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    const { loadMeta, useMeta } = await fresh();
    const done = loadMeta();
    await vi.runAllTimersAsync();
    await done;
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(useMeta.getState()).toEqual({ meta: META, error: null });
  });

  it('says why when the server refuses (a missing token), and may be asked again', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ code: 'unauthorized', message: 'send the token' }), { status: 401, headers: { 'content-type': 'application/json' } })));
    const { loadMeta, useMeta } = await fresh();
    await loadMeta();
    expect(useMeta.getState()).toEqual({ meta: null, error: 'send the token' });
  });

  it('tells whether a status is in one of the server groups (never, until they are known)', async () => {
    const { statusIn } = await fresh();
    const meta = META as unknown as Parameters<typeof statusIn>[0];
    expect(statusIn(meta, 'open', 'queued')).toBe(true);
    expect(statusIn(meta, 'active', 'queued')).toBe(false);
    expect(statusIn(null, 'open', 'queued')).toBe(false);
  });
});
