import { describe, expect, it } from 'vitest';
import { canRedo, canUndo, initHistory, record, redo, seal, undo } from './history';

describe('undo history', () => {
  it('undoes and redoes in order', () => {
    let h = initHistory('a');
    h = record(h, 'b');
    h = record(h, 'c');
    expect(h.present).toBe('c');
    h = undo(h);
    expect(h.present).toBe('b');
    h = undo(h);
    expect(h.present).toBe('a');
    expect(canUndo(h)).toBe(false);
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present).toBe('b');
    h = redo(h);
    expect(h.present).toBe('c');
    expect(canRedo(h)).toBe(false);
  });

  it('drops the redo branch on a new edit', () => {
    let h = record(record(initHistory(1), 2), 3);
    h = undo(h);
    h = record(h, 4);
    expect(h.present).toBe(4);
    expect(canRedo(h)).toBe(false);
    expect(undo(h).present).toBe(2);
  });

  it('merges consecutive edits with the same key into one step', () => {
    let h = initHistory('');
    h = record(h, 'c', { key: 'param:conv1:out_channels' });
    h = record(h, 'co', { key: 'param:conv1:out_channels' });
    h = record(h, 'con', { key: 'param:conv1:out_channels' });
    expect(h.past).toEqual(['']);
    h = record(h, 'x', { key: 'param:conv1:kernel_size' });
    expect(h.past).toEqual(['', 'con']);
    expect(undo(undo(h)).present).toBe('');
  });

  it('starts a new step after seal (the field lost focus)', () => {
    let h = record(initHistory(0), 1, { key: 'k' });
    h = seal(h);
    h = record(h, 2, { key: 'k' });
    expect(h.past).toEqual([0, 1]);
    expect(undo(h).present).toBe(1);
  });

  it('does not merge across an undo', () => {
    let h = record(initHistory(0), 1, { key: 'k' });
    h = undo(h);
    h = record(h, 2, { key: 'k' });
    expect(h.past).toEqual([0]);
    expect(h.present).toBe(2);
  });

  it('keeps at most `limit` steps', () => {
    let h = initHistory(0);
    for (let i = 1; i <= 10; i += 1) h = record(h, i, { limit: 3 });
    expect(h.past).toEqual([7, 8, 9]);
  });
});
