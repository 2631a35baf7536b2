// The editor screen: palette left, canvas middle, inspector right, top bar, bottom drawer.
import { ReactFlowProvider } from '@xyflow/react';
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
  const scope = useEditor((s) => s.scope);
  const name = useEditor((s) => s.history.present.name ?? 'Untitled');
  if (scope === null) return null;
  return (
    <nav className="scope-bar" aria-label="Where you are" data-testid="scope-bar">
      <button className="link" onClick={() => openScope(null)} data-testid="close-block">
        {name}
      </button>
      <span aria-hidden> / </span>
      <strong>block {scope}</strong>
      <span className="muted"> — its Input and Output nodes are the block's ports. Esc to go back.</span>
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
