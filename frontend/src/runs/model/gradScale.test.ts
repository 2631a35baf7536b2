import { describe, expect, it } from 'vitest';
import type { GradientRule } from '../../api/types';
import { gradClass, gradRgb, type GradPosition } from './colors';
import { extremePosition, GradScale } from './gradScale';
import { LayerTable } from './layerTable';

// The rule comes from the server (GET /api/meta `gradients`); these tests drive the scale
// with rules of their own, the server's shape but not its numbers, so nothing passes by
// agreeing with a number the browser might hold.
const RULES: GradientRule[] = [
  { vanishing_ratio: 1e-3, exploding_factor: 100, reference_samples: 3, sustain: 2 },
  { vanishing_ratio: 0.02, exploding_factor: 8, reference_samples: 1, sustain: 1 },
  { vanishing_ratio: 1e-5, exploding_factor: 1000, reference_samples: 4, sustain: 3 },
];

/** The colour's dominant channel: blue (cool), green (healthy) or red (hot). */
function dominant(position: GradPosition): 'blue' | 'green' | 'red' | 'none' {
  const c = gradRgb(position);
  if (!c) return 'none';
  const [r, g, b] = c;
  return b > r && b > g ? 'blue' : g > r && g > b ? 'green' : 'red';
}

type Row = Record<string, number>;

/** Norms as the dashboard holds them (NaN: not finite) and each row's total norm as
 * the server reports it (null when not finite). */
function table(rows: Row[]): { norms: LayerTable<number>; totals: (number | null)[] } {
  const norms = new LayerTable<number>();
  const totals: (number | null)[] = [];
  rows.forEach((row, i) => {
    norms.push(i + 1, row);
    const values = Object.values(row);
    totals.push(values.some((v) => !Number.isFinite(v)) ? null : Math.sqrt(values.reduce((s, v) => s + v * v, 0)));
  });
  return { norms, totals };
}

function positions(rule: GradientRule, rows: Row[]): LayerTable<number> {
  const { norms, totals } = table(rows);
  return new GradScale(rule).sync(norms, totals).positions;
}

const at = (t: LayerTable<number>, layer: string, row: number): GradPosition => t.column(layer)[row] ?? null;

/** What the server calls, row by row, as train/health.py's docstring states its rule:
 * vanishing names the earliest layer when its norm is under `vanishing_ratio` of the last
 * one's; exploding names the largest layer when the total is over `exploding_factor`
 * times the median of the first `reference_samples` totals before it (a total that is
 * not finite is exploding by itself, naming a layer whose norm is not). */
function serverCalls(rule: GradientRule, layers: string[], rows: Row[]): { row: number; diagnosis: 'vanishing' | 'exploding' | 'nonfinite'; node: string }[] {
  const calls: { row: number; diagnosis: 'vanishing' | 'exploding' | 'nonfinite'; node: string }[] = [];
  const reference: number[] = [];
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const { totals } = table(rows);
  rows.forEach((row, i) => {
    const present = layers.filter((l) => Number.isFinite(row[l]));
    if (present.length >= 2) {
      const low = row[present[0]!]!;
      const high = row[present[present.length - 1]!]!;
      if ((high > 0 ? low / high : 1) < rule.vanishing_ratio) calls.push({ row: i, diagnosis: 'vanishing', node: present[0]! });
    }
    const total = totals[i];
    if (total === null || total === undefined) {
      calls.push({ row: i, diagnosis: 'nonfinite', node: layers.find((l) => !Number.isFinite(row[l]))! });
      return;
    }
    const earlier = [...reference];
    if (reference.length < rule.reference_samples) reference.push(total);
    if (!earlier.length) return;
    const worst = layers.reduce((w, l) => ((Number.isFinite(row[l]) ? row[l]! : 0) > (Number.isFinite(row[w]) ? row[w]! : 0) ? l : w), layers[0]!);
    if (total / Math.max(median(earlier), 1e-12) > rule.exploding_factor) calls.push({ row: i, diagnosis: 'exploding', node: worst });
  });
  return calls;
}

/** A seeded random run: per-layer norms that drift, jump and sometimes vanish or blow up. */
function randomRun(seed: number, layers: string[], steps: number): Row[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const level = layers.map(() => -3 + 4 * random());
  const rows: Row[] = [];
  for (let s = 0; s < steps; s += 1) {
    const row: Row = {};
    layers.forEach((layer, i) => {
      level[i]! += (random() - 0.5) * 1.5 + (random() < 0.08 ? (random() - 0.3) * 8 : 0);
      row[layer] = random() < 0.02 ? Number.NaN : random() < 0.02 ? 0 : 10 ** level[i]!;
    });
    rows.push(row);
  }
  return rows;
}

describe('the gradient scale follows the server rule it is given', () => {
  for (const rule of RULES) {
    const label = `ratio ${rule.vanishing_ratio}, factor ${rule.exploding_factor}, ${rule.reference_samples} samples`;

    it(`colours the earliest layer vanishing exactly past the served ratio (${label})`, () => {
      const just = (share: number) => positions(rule, [{ fc1: share * 2, fc2: 1, fc3: 2 }]);
      const past = just(rule.vanishing_ratio * 0.99);
      expect(gradClass(at(past, 'fc1', 0))).toBe('vanishing');
      expect(dominant(at(past, 'fc1', 0))).toBe('blue');
      const short = just(rule.vanishing_ratio * 1.01);
      expect(gradClass(at(short, 'fc1', 0))).toBe('healthy');
      expect(dominant(at(short, 'fc1', 0))).toBe('green');
    });

    it(`colours a norm exploding exactly past the served factor over its early median (${label})`, () => {
      const grow = (factor: number) => {
        const early = Array.from({ length: rule.reference_samples }, () => ({ fc1: 1, fc2: 0.5 }));
        return positions(rule, [...early, { fc1: factor, fc2: 0.5 * factor }]);
      };
      const past = grow(rule.exploding_factor * 1.01);
      const last = rule.reference_samples;
      expect(gradClass(at(past, 'fc1', last))).toBe('exploding');
      expect(dominant(at(past, 'fc1', last))).toBe('red');
      const short = grow(rule.exploding_factor * 0.99);
      expect(gradClass(at(short, 'fc1', last))).toBe('healthy');
      expect(dominant(at(short, 'fc1', last))).toBe('green');
      // The first measurement has no reference yet, as on the server.
      expect(gradClass(at(past, 'fc1', 0))).toBe('healthy');
    });

    it(`gives whatever the server calls vanishing or exploding that colour, over random runs (${label})`, () => {
      const layers = ['conv1', 'conv2', 'fc1', 'fc2'];
      const checked = { vanishing: 0, exploding: 0, nonfinite: 0 };
      for (let seed = 1; seed <= 40; seed += 1) {
        const rows = randomRun(seed * 7919, layers, 40);
        const scale = positions(rule, rows);
        for (const call of serverCalls(rule, layers, rows)) {
          const p = at(scale, call.node, call.row);
          const expected = call.diagnosis === 'vanishing' ? ['vanishing', 'blue'] : call.diagnosis === 'exploding' ? ['exploding', 'red'] : ['nonfinite', 'red'];
          expect([gradClass(p), dominant(p)], `seed ${seed}, row ${call.row}, ${call.diagnosis} ${call.node}`).toEqual(expected);
          checked[call.diagnosis] += 1;
        }
      }
      // The runs did make the server call each.
      expect(checked.vanishing).toBeGreaterThan(10);
      expect(checked.exploding).toBeGreaterThan(10);
      expect(checked.nonfinite).toBeGreaterThan(10);
    });
  }

  it('judges the same norms by the rule it is given, not by numbers of its own', () => {
    const rows = [{ fc1: 5e-3, fc2: 1 }];
    expect(gradClass(at(positions(RULES[0]!, rows), 'fc1', 0))).toBe('healthy');
    expect(gradClass(at(positions(RULES[1]!, rows), 'fc1', 0))).toBe('vanishing');
  });

  it('calls no absolute norm unhealthy: tiny and huge norms that stay in proportion are healthy', () => {
    const rule = RULES[0]!;
    for (const scale of [1e-9, 1, 1e6]) {
      const t = positions(rule, [1, 2, 3, 4].map(() => ({ fc1: 0.5 * scale, fc2: scale })));
      for (const layer of ['fc1', 'fc2']) for (const p of t.column(layer)) expect(gradClass(p)).toBe('healthy');
    }
  });

  it('marks a norm that is not finite, and a zero norm next to a live one as vanishing', () => {
    const t = positions(RULES[0]!, [{ fc1: Number.NaN, fc2: 0, fc3: 1 }]);
    expect(gradClass(at(t, 'fc1', 0))).toBe('nonfinite');
    expect(gradClass(at(t, 'fc2', 0))).toBe('vanishing');
    expect(Number.isFinite(at(t, 'fc2', 0))).toBe(true);
  });

  it('catches up row by row as a run streams, and starts over when rows are replayed', () => {
    const rule = RULES[0]!;
    const rows = randomRun(42, ['a', 'b', 'c'], 30);
    const whole = positions(rule, rows);
    const norms = new LayerTable<number>();
    const totals: (number | null)[] = [];
    const scale = new GradScale(rule);
    const { totals: all } = table(rows);
    rows.forEach((row, i) => {
      norms.push(i + 1, row);
      totals.push(all[i] ?? null);
      scale.sync(norms, totals);
    });
    for (const layer of ['a', 'b', 'c']) expect(scale.positions.column(layer)).toEqual(whole.column(layer));
    // A resumed run replays from step 11: rows 11.. are replaced, and judged again.
    norms.push(11, { a: 1, b: 1, c: 1 });
    totals.length = 10;
    totals.push(Math.sqrt(3));
    scale.sync(norms, totals);
    expect(scale.positions.length).toBe(11);
    expect(scale.positions.column('a').slice(0, 10)).toEqual(whole.column('a').slice(0, 10));
  });

  it('shows the most telling of several positions: NaN first, then the furthest out', () => {
    expect(extremePosition([0.2, -1.5, 1.2, null])).toBe(-1.5);
    expect(extremePosition([0.2, Number.NaN, -3])).toBeNaN();
    expect(extremePosition([null, null])).toBeNull();
  });
});
