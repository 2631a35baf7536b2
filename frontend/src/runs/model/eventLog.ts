// The event store's bookkeeping: events in seq order, each exactly once, and the gaps.
//
// Seqs of a run start at 1 and have no gaps (the server's promise). Whatever the
// transport does (a reconnect that replays, a frame that arrives after a REST page, a
// resync that dropped some), `accept` hands on only the events that extend the
// contiguous prefix, in order, each once. Events past a hole wait until it is filled;
// `gap()` says which seqs to fetch (REST `events?since=`).

export interface Sequenced {
  seq: number;
}

export interface Gap {
  /** Fetch events with seq > since ... */
  since: number;
  /** ... up to and including this seq. */
  until: number;
}

export interface Accepted<E> {
  /** Events that now extend the contiguous prefix, in seq order. */
  ready: E[];
  /** Events seen before (already applied or already waiting). */
  duplicates: number;
}

export class EventLog<E extends Sequenced> {
  private applied: number;
  private readonly waiting = new Map<number, E>();

  /** `since`: the seq already applied (0 for a fresh log). */
  constructor(since = 0) {
    this.applied = since;
  }

  /** The last seq of the contiguous prefix: resume from here (`since=`). */
  get lastSeq(): number {
    return this.applied;
  }

  /** Events held back behind a hole. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  accept(events: Iterable<E>): Accepted<E> {
    let duplicates = 0;
    for (const event of events) {
      if (!Number.isInteger(event.seq) || event.seq <= this.applied || this.waiting.has(event.seq)) {
        duplicates += 1;
        continue;
      }
      this.waiting.set(event.seq, event);
    }
    const ready: E[] = [];
    for (let next = this.waiting.get(this.applied + 1); next; next = this.waiting.get(this.applied + 1)) {
      this.waiting.delete(next.seq);
      ready.push(next);
      this.applied = next.seq;
    }
    return { ready, duplicates };
  }

  /** The first hole, when events wait behind one; null when nothing is missing. */
  gap(): Gap | null {
    if (!this.waiting.size) return null;
    let first = Infinity;
    for (const seq of this.waiting.keys()) first = Math.min(first, seq);
    return { since: this.applied, until: first - 1 };
  }

  /** Seqs known to exist up to `lastKnown` (e.g. the run record's last_seq) but not held. */
  behind(lastKnown: number): Gap | null {
    const gap = this.gap();
    if (gap) return gap;
    return lastKnown > this.applied ? { since: this.applied, until: lastKnown } : null;
  }
}
