// Colours of chart series: the accent for the main curve, then a categorical set that
// reads on both themes (layers, runs). Gradient health has its own scale (model/colors).
export const SERIES_COLORS = ['#3f6ad8', '#e8590c', '#2f9e44', '#ae3ec9', '#1098ad', '#f08c00', '#d6336c', '#5c940d', '#7048e8', '#868e96'];

export const seriesColor = (i: number): string => SERIES_COLORS[i % SERIES_COLORS.length]!;

/** Theme colours for axes and grids, read from the CSS variables. */
export function themeColors() {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--muted', '#667085'),
    grid: v('--border', '#d9dde3'),
    accent: v('--accent', '#3457d5'),
    error: v('--error', '#d92d20'),
    warning: v('--warning-line', '#f79009'),
    panel: v('--panel', '#ffffff'),
  };
}
