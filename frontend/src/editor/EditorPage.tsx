// The editor screen: palette left, canvas middle, inspector right, top bar, bottom drawer.
import { ReactFlowProvider } from '@xyflow/react';
import { useTranslation } from 'react-i18next';
import { openScope, useEditor } from '../store/editor';
import { SweepDialog } from '../sweeps/SweepDialog';
import { BottomDrawer } from './BottomDrawer';
import { Canvas } from './Canvas';
import { DataPickerHost } from './DataPicker';
import { Inspector } from './Inspector';
import { ConfirmDiscard, ConflictDialog, HelpOverlay, NoticeToast } from './Overlays';
import { Palette } from './Palette';
import { TopBar } from './TopBar';
import { useNoFileNavigation } from './UploadStatus';
import { useShortcuts } from './useShortcuts';
import { WelcomeHost } from './Welcome';

function ScopeBar() {
  const { t } = useTranslation();
  const scope = useEditor((s) => s.scope);
  const name = useEditor((s) => s.history.present.name) || t('common.untitled');
  if (scope === null) return null;
  return (
    <nav className="scope-bar" aria-label={t('editor.scope.label')} data-testid="scope-bar">
      <button className="link" onClick={() => openScope(null)} data-testid="close-block">
        {name}
      </button>
      <span aria-hidden> / </span>
      <strong>{t('editor.scope.block', { name: scope })}</strong>
      <span className="muted">{t('editor.scope.hint')}</span>
    </nav>
  );
}

function Editor() {
  useShortcuts();
  useNoFileNavigation();
  return (
    <div className="editor">
      <TopBar />
      <div className="workspace">
        <Palette />
        <main className="centre">
          <ScopeBar />
          <Canvas />
          <BottomDrawer />
        </main>
        <Inspector />
        <SweepDialog />
      </div>
      <HelpOverlay />
      <ConflictDialog />
      <WelcomeHost />
      <ConfirmDiscard />
      <DataPickerHost />
      <NoticeToast />
    </div>
  );
}

export function EditorPage() {
  return (
    <ReactFlowProvider>
      <Editor />
    </ReactFlowProvider>
  );
}
