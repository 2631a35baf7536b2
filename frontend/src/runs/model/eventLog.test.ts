import { describe, expect, it } from 'vitest';
import { EventLog } from './eventLog';

const ev = (seq: number, tag = '') => ({ seq, tag });
const seqs = (events: { seq: number }[]) => events.map((e) => e.seq);

describe('the event log', () => {
  it('hands on events in seq order, whatever order they come in', () => {
    const log = new EventLog<ReturnType<typeof ev>>();
    expect(seqs(log.accept([ev(2), ev(1), ev(3)]).ready)).toEqual([1, 2, 3]);
    expect(log.lastSeq).toBe(3);
    expect(log.gap()).toBeNull();
  });

  it('drops duplicates: replayed, repeated within a batch, or already waiting', () => {
    const log = new EventLog<ReturnType<typeof ev>>();
    log.accept([ev(1), ev(2)]);
    const again = log.accept([ev(1), ev(2), ev(3), ev(3)]);
    expect(seqs(again.ready)).toEqual([3]);
    expect(again.duplicates).toBe(3);
    log.accept([ev(6)]);
    expect(log.accept([ev(6, 'second copy')]).duplicates).toBe(1);
    expect(log.waitingCount).toBe(1);
  });

  it('holds events behind a hole and names the hole to fetch', () => {
    const log = new EventLog<ReturnType<typeof ev>>();
    log.accept([ev(1), ev(2)]);
    const later = log.accept([ev(5), ev(6)]);
    expect(later.ready).toEqual([]);
    expect(log.gap()).toEqual({ since: 2, until: 4 });
    // The REST page fills the hole: everything comes out, in order, once.
    const filled = log.accept([ev(3), ev(4), ev(5)]);
    expect(seqs(filled.ready)).toEqual([3, 4, 5, 6]);
    expect(filled.duplicates).toBe(1);
    expect(log.gap()).toBeNull();
    expect(log.lastSeq).toBe(6);
  });

  it('reports the first of several holes first', () => {
    const log = new EventLog<ReturnType<typeof ev>>();
    log.accept([ev(1), ev(4), ev(8)]);
    expect(log.gap()).toEqual({ since: 1, until: 3 });
    log.accept([ev(2), ev(3)]);
    expect(log.gap()).toEqual({ since: 4, until: 7 });
  });

  it('resumes from a known seq and knows what lies behind a newer last_seq', () => {
    const log = new EventLog<ReturnType<typeof ev>>(10);
    expect(log.accept([ev(9), ev(10)]).ready).toEqual([]);
    expect(log.behind(15)).toEqual({ since: 10, until: 15 });
    expect(log.behind(10)).toBeNull();
    expect(seqs(log.accept([ev(11)]).ready)).toEqual([11]);
  });

  it('ignores events without a usable seq', () => {
    const log = new EventLog<{ seq: number }>();
    expect(log.accept([{ seq: Number.NaN }, { seq: 1.5 }, { seq: 0 }]).duplicates).toBe(3);
    expect(log.lastSeq).toBe(0);
  });
});
