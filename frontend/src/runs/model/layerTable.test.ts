import { describe, expect, it } from 'vitest';
import { combineNorms, LayerTable, nodeValue } from './layerTable';

describe('per-layer values over time', () => {
  it('keeps layers in the order they first come, filling gaps with null', () => {
    const t = new LayerTable<number>();
    t.push(1, { fc1: 0.1, fc2: 0.2 });
    t.push(2, { fc1: 0.3, fc3: 0.5 });
    expect(t.layers).toEqual(['fc1', 'fc2', 'fc3']);
    expect(t.column('fc1')).toEqual([0.1, 0.3]);
    expect(t.column('fc2')).toEqual([0.2, null]);
    expect(t.column('fc3')).toEqual([null, 0.5]);
    expect(t.column('nope')).toEqual([]);
  });

  it('reads the row at or before a step, for the timeline', () => {
    const t = new LayerTable<number>();
    t.push(10, { a: 1 });
    t.push(20, { a: 2 });
    expect(t.valuesAt(15).get('a')).toBe(1);
    expect(t.valuesAt(null).get('a')).toBe(2);
    expect(t.valuesAt(5).size).toBe(0);
  });

  it('replaces replayed steps', () => {
    const t = new LayerTable<number>();
    t.push(10, { a: 1 });
    t.push(20, { a: 2 });
    t.push(15, { a: 9 });
    expect(t.steps).toEqual([10, 15]);
    expect(t.column('a')).toEqual([1, 9]);
  });

  it('gives a block instance the combined value of its inner layers', () => {
    const values = new Map<string, number | null>([
      ['stem', 1],
      ['stage.0.conv', 3],
      ['stage.1.conv', 4],
      ['stage2.0.conv', 100],
    ]);
    expect(nodeValue(values, 'stem', combineNorms)).toBe(1);
    expect(nodeValue(values, 'stage', combineNorms)).toBe(5);
    expect(nodeValue(values, 'missing', combineNorms)).toBeNull();
  });
});
