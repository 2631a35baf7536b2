// Light and dark themes: the person's choice, else the system's; CSS variables do the rest.
import { create } from 'zustand';

export type Theme = 'light' | 'dark';
const KEY = 'layerlab.theme';

function initial(): Theme {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(KEY) : null;
  if (saved === 'light' || saved === 'dark') return saved;
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const useTheme = create<{ theme: Theme; toggle: () => void }>((set, get) => ({
  theme: initial(),
  toggle: () => {
    const theme = get().theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(KEY, theme);
    document.documentElement.dataset.theme = theme;
    set({ theme });
  },
}));

export function applyTheme() {
  document.documentElement.dataset.theme = useTheme.getState().theme;
}
