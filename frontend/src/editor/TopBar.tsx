// The top bar: document name and save state, open (presets, saved graphs), save, undo and
// redo, the live check status with totals, Export, Sweep… and Train.
import { useRef, useState, type ReactNode } from 'react';
import { formatBytes, formatCount, formatFlops } from '../model/format';
import { canRedo, canUndo } from '../model/history';
import { trainBlocked } from '../model/readiness';
import { autoLayout, editDocument, isEmpty, redoEdit, sealEdit, undoEdit, useEditor } from '../store/editor';
import { dropImportedWeights, request, save, saveState, showWelcome, useSession } from '../store/session';
import { exportAs, exportJson, startRun, toggleHelp, useUi } from '../store/ui';
import { openSweepDialog, useSweepDialog } from '../sweeps/SweepDialog';
import { useTheme } from '../theme';

function Menu({ label, testId, children }: { label: string; testId: string; children: (close: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="menu" onBlur={(e) => !e.currentTarget.contains(e.relatedTarget as Node) && setOpen(false)}>
      <button aria-haspopup="menu" aria-expanded={open} data-testid={testId} onClick={() => setOpen(!open)}>
        {label} ▾
      </button>
      {open && (
        <div className="menu-items" role="menu" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  );
}

const SAVE_TEXT = { new: 'Not saved yet', saved: 'Saved', dirty: 'Unsaved changes', saving: 'Saving…', conflict: 'Conflict: saved elsewhere' };

export function TopBar() {
  const name = useEditor((s) => s.history.present.name ?? 'Untitled');
  const undoable = useEditor((s) => canUndo(s.history));
  const redoable = useEditor((s) => canRedo(s.history));
  const state = useSession((s) => saveState(s));
  const version = useSession((s) => s.version);
  const presets = useSession((s) => s.presets);
  const graphs = useSession((s) => s.graphs);
  const exporting = useUi((s) => s.exporting);
  const { theme, toggle } = useTheme();
  const fileInput = useRef<HTMLInputElement>(null);
  const onnxInput = useRef<HTMLInputElement>(null);

  return (
    <header className="topbar">
      <button className="brand brand-button" data-testid="logo" onClick={() => showWelcome()} title="The start screen: presets and saved graphs">
        LayerLab
      </button>
      <input
        className="doc-name"
        data-testid="doc-name"
        aria-label="Document name"
        value={name}
        onChange={(e) => editDocument((d) => ({ ...d, name: e.target.value }), 'doc:name')}
        onBlur={sealEdit}
      />
      <span className={`save-state save-${state}`} data-testid="save-state" data-state={state}>
        {SAVE_TEXT[state]}
        {state === 'saved' && version !== null ? ` · v${version}` : ''}
      </span>

      <Menu label="Open" testId="preset-picker">
        {(close) => (
          <>
            <button role="menuitem" data-testid="new-document" onClick={() => (request.blank(), close())}>
              New empty document
            </button>
            <button role="menuitem" data-testid="import-json" onClick={() => (fileInput.current?.click(), close())}>
              Import JSON file…
            </button>
            <button role="menuitem" data-testid="import-onnx" onClick={() => (onnxInput.current?.click(), close())}>
              Import ONNX…
            </button>
            <div className="menu-heading">Presets</div>
            {presets.map((p) => (
              <button role="menuitem" key={p.name} data-testid={`preset-${p.name}`} onClick={() => (request.preset(p.name), close())}>
                {p.title} <span className="muted">{p.name}</span>
              </button>
            ))}
            <div className="menu-heading">Saved graphs</div>
            {graphs.length === 0 && <div className="muted menu-note">None yet</div>}
            {graphs.map((g) => (
              <button role="menuitem" key={g.id} data-testid={`graph-${g.id}`} onClick={() => (request.graph(g.id), close())}>
                {g.name} <span className="muted">v{g.version}</span>
              </button>
            ))}
          </>
        )}
      </Menu>
      <input
        ref={fileInput}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="import-file"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (file) request.file(await file.text(), file.name);
          e.target.value = '';
        }}
      />
      <input
        ref={onnxInput}
        type="file"
        accept=".onnx"
        hidden
        data-testid="import-onnx-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) request.onnx(file);
          e.target.value = '';
        }}
      />
      <button data-testid="save" onClick={() => void save()} disabled={state === 'saving'} title="Save (Ctrl+S)">
        Save
      </button>
      <span className="divider" />
      <button data-testid="undo" onClick={undoEdit} disabled={!undoable} title="Undo (Ctrl+Z)" aria-label="Undo">
        ↶
      </button>
      <button data-testid="redo" onClick={redoEdit} disabled={!redoable} title="Redo (Shift+Ctrl+Z)" aria-label="Redo">
        ↷
      </button>
      <button data-testid="layout" onClick={autoLayout} title="Auto-layout (L)">
        Layout
      </button>
      <CheckStatus />
      <span className="spacer" />
      <Menu label={exporting ? 'Exporting…' : 'Export'} testId="export-menu">
        {(close) => (
          <>
            <button role="menuitem" data-testid="export-python" onClick={() => (void exportAs('python'), close())}>
              PyTorch code
            </button>
            <button role="menuitem" data-testid="export-safetensors" onClick={() => (void exportAs('safetensors'), close())}>
              Weights (safetensors)
            </button>
            <button role="menuitem" data-testid="export-onnx" onClick={() => (void exportAs('onnx'), close())}>
              ONNX
            </button>
            <button role="menuitem" data-testid="export-json" onClick={() => (exportJson(), close())}>
              Document (JSON)
            </button>
          </>
        )}
      </Menu>
      <SweepButton />
      <TrainButton />
      <button onClick={toggle} title="Switch theme" aria-label="Switch theme" data-testid="theme">
        {theme === 'dark' ? '☀' : '☾'}
      </button>
      <button onClick={() => toggleHelp()} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
        ?
      </button>
    </header>
  );
}

function CheckStatus() {
  const status = useEditor((s) => s.checkStatus);
  const check = useEditor((s) => s.check);
  const errors = useEditor((s) => s.view.all.filter((i) => i.level === 'error').length);
  const warnings = useEditor((s) => s.view.all.filter((i) => i.level === 'warning').length);
  const online = useSession((s) => s.online);
  const fresh = useEditor((s) => s.checkedRevision === s.revision && s.checkStatus === 'done');
  const empty = useEditor((s) => isEmpty(s.history.present));
  const totals = empty ? undefined : check?.totals;
  const staleParams = useEditor((s) => s.view.staleParams);
  const staleCount = useEditor((s) => s.view.stale.size);
  const params = (totals?.params ?? 0) + staleParams;
  let text = 'Not checked';
  let cls = 'idle';
  if (!online || status === 'offline') [text, cls] = ['Reconnecting…', 'offline'];
  else if (empty) [text, cls] = ['Empty graph', 'empty'];
  else if (check) {
    [text, cls] = errors ? [`${errors} error${errors > 1 ? 's' : ''}`, 'error'] : warnings ? [`${warnings} warning${warnings > 1 ? 's' : ''}`, 'warning'] : ['No errors', 'ok'];
  }
  return (
    <div className="check" data-testid="check-status" data-state={cls} data-fresh={fresh} data-busy={status === 'checking' || undefined}>
      <span className={`check-dot ${cls}`} aria-hidden />
      <span className="check-text">{text}</span>
      {totals && (
        <span
          className={`totals${errors ? ' partial' : ''}`}
          data-testid="totals"
          title={
            errors
              ? `Nodes with errors are not counted${staleCount ? `; ${staleCount} node${staleCount > 1 ? 's' : ''} waiting for them counted as before the error` : ''}`
              : undefined
          }
        >
          <span data-testid="totals-params" data-value={params} data-stale={staleParams || undefined} title="Parameters">
            {staleParams ? '≈ ' : ''}
            {formatCount(params)}
          </span>{' '}
          params ·{' '}
          <span data-testid="totals-flops" data-value={totals.flops} title="Forward FLOPs per sample">
            {formatFlops(totals.flops)}
          </span>{' '}
          ·{' '}
          <span data-testid="totals-memory" data-value={totals.memory_bytes} title={`Estimated training memory at batch size ${totals.batch_size}`}>
            {formatBytes(totals.memory_bytes)}
          </span>{' '}
          <span className="muted">@ batch {totals.batch_size}</span>
        </span>
      )}
    </div>
  );
}

function SweepButton() {
  const open = useSweepDialog((s) => s.open);
  const empty = useEditor((s) => isEmpty(s.history.present));
  return (
    <button
      data-testid="sweep-button"
      aria-pressed={open}
      disabled={empty}
      onClick={() => openSweepDialog(!open)}
      title="Search learning rates, sizes and architectures: many runs of this graph, chosen by Optuna"
    >
      Sweep…
    </button>
  );
}

/** Says that Train starts from the weights imported with the model, with a way out. */
function ImportedWeights() {
  const weights = useSession((s) => s.importedWeights);
  if (!weights) return null;
  return (
    <span className="chip start-weights" data-testid="start-weights" title={`Train starts from the weights imported with this model (${weights}); the server checks they still fit the graph`}>
      from imported weights
      <button className="chip-close" aria-label="Train from a fresh start instead" data-testid="drop-start-weights" onClick={dropImportedWeights}>
        ×
      </button>
    </span>
  );
}

function TrainButton() {
  const empty = useEditor((s) => isEmpty(s.history.present));
  const errors = useEditor((s) => s.check?.errors.length ?? null);
  const first = useEditor((s) => s.view.all.find((i) => i.level === 'error'));
  const status = useEditor((s) => s.checkStatus);
  const online = useSession((s) => s.online);
  const data = useEditor((s) => s.view.all.find((i) => i.action?.kind === 'choose-dataset') ?? null);
  const reason = trainBlocked({
    empty,
    checked: errors !== null,
    errors: errors ?? 0,
    firstError: first ? `${first.nodeId ? `${first.nodeId}: ` : ''}${first.message}` : null,
    offline: !online || status === 'offline',
    data: data?.message ?? null,
  });
  return (
    <span className="train-wrap">
      <ImportedWeights />
      {reason && (
        <span id="train-blocked" className="train-blocked" data-testid="train-blocked" title={reason}>
          {reason}
        </span>
      )}
      <button className="primary" data-testid="train" disabled={reason !== null} aria-describedby={reason ? 'train-blocked' : undefined} title={reason ?? 'Start a training run'} onClick={() => void startRun()}>
        Train
      </button>
    </span>
  );
}
