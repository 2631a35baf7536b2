import { describe, expect, it } from 'vitest';
import type { EventPage, RunEvent, RunRecord } from '../api/types';
import { RunStream, type ConnectionState, type SocketLike } from './stream';

const event = (seq: number): RunEvent => ({ seq, run: 'r_1', type: 'log', step: seq, time: seq, level: 'info', message: `#${seq}` });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => event(from + i));
const record = (last_seq: number) => ({ id: 'r_1', status: 'running', last_seq }) as RunRecord;

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  sent: string[] = [];
  closedWith: number | null = null;
  constructor(readonly since: number) {}
  send(data: string) {
    this.sent.push(data);
  }
  close(code = 1000) {
    this.closedWith = code;
  }
  message(value: unknown) {
    this.onmessage?.({ data: JSON.stringify(value) });
  }
  drop(code = 1006) {
    this.onclose?.({ code, reason: '' });
  }
}

/** A server holding `stored` events; sockets and timers under the test's control. */
function harness(stored: RunEvent[], token: string | null = null) {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const got: RunEvent[] = [];
  const states: ConnectionState[] = [];
  const pages: number[] = [];
  const stream = new RunStream(
    {
      open: (since) => {
        const s = new FakeSocket(since);
        sockets.push(s);
        return s;
      },
      page: async (since): Promise<EventPage> => {
        pages.push(since);
        const after = stored.filter((e) => e.seq > since);
        const events = after.slice(0, 3);
        return { events, next_since: events[events.length - 1]?.seq ?? since, more: after.length > 3 };
      },
      token: () => token,
      setTimer: (fn, ms) => timers.push({ fn, ms }),
      clearTimer: () => undefined,
      random: () => 0,
    },
    { onEvents: (e) => got.push(...e), onRun: () => undefined, onState: (s) => states.push(s) },
  );
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { stream, sockets, timers, got, states, pages, settle, last: () => sockets[sockets.length - 1]! };
}

const seqs = (events: RunEvent[]) => events.map((e) => e.seq);

describe('the run stream', () => {
  it('sends the token first, then hands on events in order, once', () => {
    const h = harness(range(1, 5), 'secret');
    h.stream.start();
    h.last().onopen?.(null);
    expect(JSON.parse(h.last().sent[0]!)).toEqual({ type: 'auth', token: 'secret' });
    h.last().message({ type: 'welcome', run: record(5), since: 0 });
    h.last().message({ type: 'events', events: range(1, 3) });
    h.last().message({ type: 'events', events: range(2, 5) });
    expect(seqs(h.got)).toEqual([1, 2, 3, 4, 5]);
    expect(h.states).toEqual(['connecting', 'live']);
  });

  it('fills a gap from the REST pages, then goes on with what waited', async () => {
    const h = harness(range(1, 9));
    h.stream.start();
    h.last().message({ type: 'events', events: range(1, 2) });
    h.last().message({ type: 'events', events: range(8, 9) });
    expect(seqs(h.got)).toEqual([1, 2]);
    await h.settle();
    await h.settle();
    expect(seqs(h.got)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(h.pages[0]).toBe(2);
  });

  it('reads what was dropped after a resync, page by page', async () => {
    const h = harness(range(1, 10));
    h.stream.start();
    h.last().message({ type: 'events', events: range(1, 2) });
    h.last().message({ type: 'resync', last_seq: 2, reason: 'behind' });
    for (let i = 0; i < 6; i += 1) await h.settle();
    expect(seqs(h.got)).toEqual(range(1, 10).map((e) => e.seq));
    expect(h.pages).toEqual([2, 5, 8]);
  });

  it('notices a newer last_seq in a run record and fetches up to it', async () => {
    const h = harness(range(1, 4));
    h.stream.start();
    h.last().message({ type: 'events', events: range(1, 1) });
    h.last().message({ type: 'run', run: record(4) });
    for (let i = 0; i < 4; i += 1) await h.settle();
    expect(seqs(h.got)).toEqual([1, 2, 3, 4]);
  });

  it('reconnects with backoff after a drop, resuming from the last seq, losing nothing', () => {
    const h = harness([]);
    h.stream.start();
    h.last().message({ type: 'welcome', run: record(0), since: 0 });
    h.last().message({ type: 'events', events: range(1, 4) });
    h.last().drop();
    expect(h.states[h.states.length - 1]).toBe('reconnecting');
    expect(h.timers.map((t) => t.ms)).toEqual([125]);
    h.timers[0]!.fn();
    h.last().drop(); // the server is still away: a longer wait
    expect(h.timers[1]!.ms).toBeGreaterThan(h.timers[0]!.ms);
    h.timers[1]!.fn();
    expect(h.last().since).toBe(4);
    h.last().message({ type: 'welcome', run: record(6), since: 4 });
    h.last().message({ type: 'events', events: range(3, 6) }); // an overlap is harmless
    expect(seqs(h.got)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(h.states[h.states.length - 1]).toBe('live');
    expect(h.stream.stats.duplicates).toBe(2);
  });

  it('gives up on a run that does not exist, and stops cleanly', () => {
    const h = harness([]);
    h.stream.start();
    h.last().drop(4404);
    expect(h.states[h.states.length - 1]).toBe('closed');
    expect(h.timers).toEqual([]);
    const other = harness([]);
    other.stream.start();
    const socket = other.last();
    other.stream.stop();
    expect(socket.closedWith).toBe(1000);
    expect(other.timers).toEqual([]);
  });
});
