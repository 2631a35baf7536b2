import { describe, expect, it } from 'vitest';
import type { PresetSummary } from '../api/types';
import { formatDuration, groupByFamily, sketchDrawing } from './gallery';
import { fixedT } from './translate';

const card = (name: string, family: string): PresetSummary => ({ name, title: name, family });

describe('the preset gallery', () => {
  it('groups cards by family in the order the server lists them', () => {
    const groups = groupByFamily([card('a', 'MLP'), card('b', 'CNN'), card('c', 'MLP')]);
    expect(groups.map((g) => g.family)).toEqual(['MLP', 'CNN']);
    expect(groups[0]!.cards.map((c) => c.name)).toEqual(['a', 'c']);
  });

  it('says training times for people', () => {
    expect(formatDuration(0.4)).toBe('about 1 s');
    expect(formatDuration(50)).toBe('about 50 s');
    expect(formatDuration(450)).toBe('about 8 min');
    expect(formatDuration(5600)).toBe('about 1.6 h');
    expect(formatDuration(null)).toBeNull();
    const zh = fixedT('zh-CN');
    expect(formatDuration(50, zh)).toBe('约 50 秒');
    expect(formatDuration(450, zh)).toBe('约 8 分钟');
    expect(formatDuration(5600, zh)).toBe('约 1.6 小时');
  });

  it('draws a chain left to right, every node and edge', () => {
    const drawing = sketchDrawing({
      nodes: [
        { id: 'x', type: 'Input' },
        { id: 'fc', type: 'Linear' },
        { id: 'y', type: 'Output' },
      ],
      edges: [
        { source: 'x', target: 'fc' },
        { source: 'fc', target: 'y' },
      ],
    });
    expect(drawing.boxes).toHaveLength(3);
    expect(drawing.lines).toHaveLength(2);
    const [a, b, c] = drawing.boxes;
    expect(a!.x).toBeLessThan(b!.x);
    expect(b!.x).toBeLessThan(c!.x);
    expect(drawing.width).toBeGreaterThan(drawing.height);
  });
});
