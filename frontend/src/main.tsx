import '@xyflow/react/dist/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { adoptTokenFromUrl } from './api/client';
import { App } from './App';
import { initI18n } from './i18n';
import { useEditor } from './store/editor';
import { loadMeta } from './store/meta';
import { loadCatalog, restore, startSession } from './store/session';
import './styles.css';
import { applyTheme } from './theme';

declare global {
  interface Window {
    /** Read-only probes for bench/editor.py. */
    __layerlab?: { nodes: () => number };
  }
}
window.__layerlab = { nodes: () => useEditor.getState().nodes.length };

initI18n();
adoptTokenFromUrl();
applyTheme();
startSession();
void loadMeta();
// The catalog first: ports (and so edges) depend on the node types.
void loadCatalog().then(() => restore());

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
