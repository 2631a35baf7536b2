import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from './client';

const TOKEN = 'a-token';

function storage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (k: string) => items.get(k) ?? null,
    key: (i: number) => [...items.keys()][i] ?? null,
    removeItem: (k: string) => void items.delete(k),
    setItem: (k: string, v: string) => void items.set(k, String(v)),
  };
}

describe('every request goes through the client, with the token', () => {
  const seen: { path: string; authorization: string | null }[] = [];

  beforeEach(() => {
    seen.length = 0;
    vi.stubGlobal('localStorage', storage());
    // A server with auth on: 401 without the token, the meta with it.
    vi.stubGlobal(
      'fetch',
      vi.fn(async (path: string, init: RequestInit) => {
        const authorization = new Headers(init.headers).get('authorization');
        seen.push({ path, authorization });
        const ok = authorization === `Bearer ${TOKEN}`;
        const body = ok ? { training_schema: { type: 'object', properties: { epochs: { type: 'integer' } } } } : { code: 'unauthorized', message: 'send the token' };
        return new Response(JSON.stringify(body), { status: ok ? 200 : 401, headers: { 'content-type': 'application/json' } });
      }),
    );
  });
  afterEach(() => vi.unstubAllGlobals());

  it('loads the meta (and so the training form) with a token configured', async () => {
    localStorage.setItem('layerlab.token', TOKEN);
    const meta = await api.meta();
    expect(seen).toEqual([{ path: '/api/meta', authorization: `Bearer ${TOKEN}` }]);
    expect(meta.training_schema).toHaveProperty('properties.epochs');
  });

  it('says so when the token is missing, instead of falling back quietly', async () => {
    await expect(api.meta()).rejects.toBeInstanceOf(ApiError);
    await expect(api.meta()).rejects.toMatchObject({ status: 401 });
  });

  it('is the only module that calls fetch', () => {
    const root = join(__dirname, '..');
    const callers = (readdirSync(root, { recursive: true }) as string[])
      .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
      .filter((f) => /\bfetch\(/.test(readFileSync(join(root, f), 'utf8')))
      .map((f) => relative(root, join(root, f)));
    expect(callers).toEqual([join('api', 'client.ts')]);
  });
});
