// Panels and overlays: which drawer tab is open, the code view's content, the help overlay.
import { create } from 'zustand';
import { api, ApiError } from '../api/client';
import type { ExportFormat } from '../api/types';
import { i18n } from '../i18n';
import { currentDoc, notify } from './editor';
import { useSession } from './session';

export type DrawerTab = 'problems' | 'code';

export interface UiState {
  drawer: DrawerTab | null;
  code: { filename: string; text: string } | null;
  helpOpen: boolean;
  exporting: boolean;
}

export const useUi = create<UiState>(() => ({ drawer: 'problems', code: null, helpOpen: false, exporting: false }));

export const openDrawer = (drawer: DrawerTab | null) => useUi.setState({ drawer });
export const toggleHelp = (open?: boolean) => useUi.setState((s) => ({ helpOpen: open ?? !s.helpOpen }));

export function download(filename: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const fileStem = () => (currentDoc().name ?? 'graph').replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'graph';

export function exportJson() {
  download(`${fileStem()}.json`, new Blob([JSON.stringify(currentDoc(), null, 2) + '\n'], { type: 'application/json' }));
}

/** Train: queue a run of the document and go to its page. A saved graph without unsaved
 * changes is trained by reference (graph id and version), anything else by value; an
 * imported model starts from its imported weights (the server checks they still fit). */
export async function startRun() {
  const { graphId, version, dirty, importedWeights } = useSession.getState();
  try {
    const run = await api.createRun(currentDoc(), dirty ? null : graphId, dirty ? null : version, importedWeights);
    window.location.hash = `#/runs/${run.id}`;
  } catch (err) {
    const issues = err instanceof ApiError ? err.body?.issues?.length ?? 0 : 0;
    notify(i18n.t('editor.notice.noTraining', { error: err instanceof Error ? err.message : String(err) }), 'error');
    if (issues) openDrawer('problems');
  }
}

/** Python goes to the code view; weights and ONNX are downloaded. */
export async function exportAs(format: ExportFormat) {
  useUi.setState({ exporting: true });
  try {
    const file = await api.export(currentDoc(), format);
    if (format === 'python') {
      useUi.setState({ code: { filename: file.filename, text: await file.blob.text() }, drawer: 'code' });
    } else {
      download(file.filename, file.blob);
      notify(i18n.t('editor.notice.exported', { name: file.filename }));
    }
  } catch (err) {
    const issues = err instanceof ApiError ? err.body?.issues?.length ?? 0 : 0;
    const error = err instanceof Error ? err.message : String(err);
    notify(issues ? i18n.t('editor.notice.exportFailedIssues', { error, count: issues }) : i18n.t('editor.notice.exportFailed', { error }), 'error');
    if (issues) openDrawer('problems');
  } finally {
    useUi.setState({ exporting: false });
  }
}
