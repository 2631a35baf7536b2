// A run's events, live and lossless: the viewer websocket for the stored history and the
// live tail, the REST event pages for whatever the socket did not deliver (a gap, a
// resync after falling behind), and reconnection with backoff from the last seq held.
// Events come out through `onEvents` in seq order, each exactly once (EventLog).
// Transport and timers are injected, so the whole behaviour is unit-tested.
import type { EventPage, RunEvent, RunRecord } from '../api/types';
import { reconnectDelay } from './model/backoff';
import { EventLog } from './model/eventLog';
import { CLOSE_NOT_FOUND, CLOSE_POLICY, parseViewerMessage, type ViewerAuth } from './protocol';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'closed';

/** What the stream needs of a WebSocket. */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface StreamDeps {
  /** Open the viewer socket resuming after `since`. */
  open(since: number): SocketLike;
  /** One REST page of events after `since`. */
  page(since: number): Promise<EventPage>;
  token(): string | null;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  random?: () => number;
}

export interface StreamHandlers {
  onEvents(events: RunEvent[]): void;
  onRun(run: RunRecord): void;
  onState(state: ConnectionState, detail: string | null): void;
}

/** How long to wait before retrying a failed REST page. */
const PAGE_RETRY_MS = 1000;

export class RunStream {
  readonly log: EventLog<RunEvent>;
  private socket: SocketLike | null = null;
  private attempt = 0;
  private timer: unknown = null;
  private stopped = false;
  private filling = false;
  private fillAgain = false;
  /** Counters for tests and the benchmark. */
  readonly stats = { connections: 0, pages: 0, duplicates: 0, resyncs: 0 };

  constructor(
    private readonly deps: StreamDeps,
    private readonly handlers: StreamHandlers,
    since = 0,
  ) {
    this.log = new EventLog<RunEvent>(since);
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.deps.clearTimer(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.close(1000, 'viewer left');
    }
  }

  /** Drop the connection as a network cut would (for tests and the page's own checks). */
  drop(): void {
    this.socket?.close(4000, 'dropped by the viewer');
  }

  private connect(): void {
    if (this.stopped) return;
    this.handlers.onState(this.attempt ? 'reconnecting' : 'connecting', null);
    this.stats.connections += 1;
    const socket = this.deps.open(this.log.lastSeq);
    this.socket = socket;
    socket.onopen = () => {
      const token = this.deps.token();
      if (token) socket.send(JSON.stringify({ type: 'auth', token } satisfies ViewerAuth));
    };
    socket.onmessage = (ev) => {
      if (this.socket === socket && typeof ev.data === 'string') this.receive(ev.data);
    };
    socket.onerror = () => undefined; // onclose follows and decides
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.closed(ev.code, ev.reason);
    };
  }

  private closed(code: number, reason: string): void {
    if (this.stopped) return;
    if (code === CLOSE_NOT_FOUND || code === CLOSE_POLICY) {
      this.handlers.onState('closed', reason || (code === CLOSE_NOT_FOUND ? 'no such run' : 'refused'));
      return;
    }
    const delay = reconnectDelay(this.attempt, this.deps.random);
    this.attempt += 1;
    this.handlers.onState('reconnecting', `connection lost; retrying in ${Math.max(1, Math.round(delay / 1000))} s`);
    this.timer = this.deps.setTimer(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  private receive(text: string): void {
    const message = parseViewerMessage(text);
    if (!message) return;
    switch (message.type) {
      case 'welcome':
        this.attempt = 0;
        this.handlers.onState('live', null);
        this.handlers.onRun(message.run);
        break;
      case 'events':
        this.accept(message.events);
        if (this.log.gap()) void this.fill();
        break;
      case 'run':
        this.handlers.onRun(message.run);
        // The record knows the newest stored seq: anything short of it is missing.
        if (this.log.behind(message.run.last_seq)) void this.fill();
        break;
      case 'resync':
        // The server dropped events after last_seq for us: read them from the database.
        this.stats.resyncs += 1;
        void this.fill();
        break;
      case 'error':
        this.handlers.onState(message.code === 'not_found' ? 'closed' : 'reconnecting', message.message);
        break;
    }
  }

  private accept(events: RunEvent[]): void {
    const { ready, duplicates } = this.log.accept(events);
    this.stats.duplicates += duplicates;
    if (ready.length) this.handlers.onEvents(ready);
  }

  /** Read REST pages from the last seq held until nothing more is stored there. */
  private async fill(): Promise<void> {
    if (this.filling) {
      this.fillAgain = true;
      return;
    }
    this.filling = true;
    try {
      do {
        this.fillAgain = false;
        for (;;) {
          if (this.stopped) return;
          const before = this.log.lastSeq;
          const page = await this.deps.page(before);
          this.stats.pages += 1;
          this.accept(page.events);
          if (!page.more || this.log.lastSeq === before) break;
        }
      } while (this.fillAgain);
    } catch {
      if (!this.stopped) this.deps.setTimer(() => void this.fill(), PAGE_RETRY_MS);
    } finally {
      this.filling = false;
    }
  }
}
