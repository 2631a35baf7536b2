// The top bar: document name and save state, open (presets, saved graphs), save, undo and
// redo, the live check status with totals, Export, Sweep… and Train.
import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { pickZh, useLanguage } from '../i18n';
import { LanguagePicker } from '../i18n/LanguagePicker';
import { formatBytes, formatCount, formatFlops } from '../model/format';
import { canRedo, canUndo } from '../model/history';
import { batchSizeMaximum, memoryHint, type MemoryHint } from '../model/memoryHint';
import { trainBlocked } from '../model/readiness';
import { autoLayout, editDocument, isEmpty, redoEdit, sealEdit, undoEdit, useEditor } from '../store/editor';
import { useTrainingSchema } from '../store/meta';
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

export function TopBar() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const name = useEditor((s) => s.history.present.name ?? t('common.untitled'));
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
      <button className="brand brand-button" data-testid="logo" onClick={() => showWelcome()} title={t('topbar.brandTitle')}>
        LayerLab
      </button>
      <input
        className="doc-name"
        data-testid="doc-name"
        aria-label={t('topbar.docName')}
        value={name}
        onChange={(e) => editDocument((d) => ({ ...d, name: e.target.value }), 'doc:name')}
        onBlur={sealEdit}
      />
      <span className={`save-state save-${state}`} data-testid="save-state" data-state={state}>
        {t(`topbar.save.${state}`)}
        {state === 'saved' && version !== null ? ` · v${version}` : ''}
      </span>

      <Menu label={t('topbar.open')} testId="preset-picker">
        {(close) => (
          <>
            <button role="menuitem" data-testid="new-document" onClick={() => (request.blank(), close())}>
              {t('topbar.newDocument')}
            </button>
            <button role="menuitem" data-testid="import-json" onClick={() => (fileInput.current?.click(), close())}>
              {t('topbar.importJson')}
            </button>
            <button role="menuitem" data-testid="import-onnx" onClick={() => (onnxInput.current?.click(), close())}>
              {t('topbar.importOnnx')}
            </button>
            <div className="menu-heading">{t('topbar.presets')}</div>
            {presets.map((p) => (
              <button role="menuitem" key={p.name} data-testid={`preset-${p.name}`} onClick={() => (request.preset(p.name), close())}>
                {pickZh(p.title, (p as { title_zh?: string }).title_zh, lng)} <span className="muted">{p.name}</span>
              </button>
            ))}
            <div className="menu-heading">{t('topbar.savedGraphs')}</div>
            {graphs.length === 0 && <div className="muted menu-note">{t('topbar.noneYet')}</div>}
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
      <button data-testid="save" onClick={() => void save()} disabled={state === 'saving'} title={t('topbar.saveTitle')}>
        {t('topbar.saveButton')}
      </button>
      <span className="divider" />
      <button data-testid="undo" onClick={undoEdit} disabled={!undoable} title={t('topbar.undoTitle')} aria-label={t('topbar.undo')}>
        ↶
      </button>
      <button data-testid="redo" onClick={redoEdit} disabled={!redoable} title={t('topbar.redoTitle')} aria-label={t('topbar.redo')}>
        ↷
      </button>
      <button data-testid="layout" onClick={autoLayout} title={t('topbar.layoutTitle')}>
        {t('topbar.layout')}
      </button>
      <CheckStatus />
      <span className="spacer" />
      <Menu label={exporting ? t('topbar.exporting') : t('topbar.export')} testId="export-menu">
        {(close) => (
          <>
            <button role="menuitem" data-testid="export-python" onClick={() => (void exportAs('python'), close())}>
              {t('topbar.exportPython')}
            </button>
            <button role="menuitem" data-testid="export-safetensors" onClick={() => (void exportAs('safetensors'), close())}>
              {t('topbar.exportSafetensors')}
            </button>
            <button role="menuitem" data-testid="export-onnx" onClick={() => (void exportAs('onnx'), close())}>
              {t('topbar.exportOnnx')}
            </button>
            <button role="menuitem" data-testid="export-json" onClick={() => (exportJson(), close())}>
              {t('topbar.exportJson')}
            </button>
          </>
        )}
      </Menu>
      <SweepButton />
      <TrainButton />
      <LanguagePicker />
      <button onClick={toggle} title={t('common.switchTheme')} aria-label={t('common.switchTheme')} data-testid="theme">
        {theme === 'dark' ? '☀' : '☾'}
      </button>
      <button onClick={() => toggleHelp()} title={t('topbar.shortcutsTitle')} aria-label={t('topbar.shortcuts')}>
        ?
      </button>
    </header>
  );
}

function CheckStatus() {
  const { t } = useTranslation();
  const status = useEditor((s) => s.checkStatus);
  const check = useEditor((s) => s.check);
  const errors = useEditor((s) => s.view.all.filter((i) => i.level === 'error').length);
  const warnings = useEditor((s) => s.view.all.filter((i) => i.level === 'warning').length);
  const online = useSession((s) => s.online);
  const fresh = useEditor((s) => s.checkedRevision === s.revision && s.checkStatus === 'done');
  const empty = useEditor((s) => isEmpty(s.history.present));
  const totals = empty ? undefined : check?.totals;
  const allowed = batchSizeMaximum(useTrainingSchema());
  const hint = totals ? memoryHint(totals, allowed, t) : null;
  const staleParams = useEditor((s) => s.view.staleParams);
  const staleCount = useEditor((s) => s.view.stale.size);
  const params = (totals?.params ?? 0) + staleParams;
  let text: string = t('check.notChecked');
  let cls = 'idle';
  if (!online || status === 'offline') [text, cls] = [t('check.reconnecting'), 'offline'];
  else if (empty) [text, cls] = [t('check.empty'), 'empty'];
  else if (check) {
    [text, cls] = errors ? [t('check.errors', { count: errors }), 'error'] : warnings ? [t('check.warnings', { count: warnings }), 'warning'] : [t('check.ok'), 'ok'];
  }
  return (
    <div className="check" data-testid="check-status" data-state={cls} data-fresh={fresh} data-busy={status === 'checking' || undefined}>
      <span className={`check-dot ${cls}`} aria-hidden />
      <span className="check-text">{text}</span>
      {hint?.action && <MemoryFit hint={hint} />}
      {totals && (
        <span
          className={`totals${errors ? ' partial' : ''}`}
          data-testid="totals"
          title={
            errors
              ? staleCount
                ? t('check.partialStale', { count: staleCount })
                : t('check.partial')
              : undefined
          }
        >
          <span data-testid="totals-params" data-value={params} data-stale={staleParams || undefined} title={t('check.paramsTitle')}>
            {staleParams ? '≈ ' : ''}
            {formatCount(params)}
          </span>{' '}
          {t('check.params')} ·{' '}
          <span data-testid="totals-flops" data-value={totals.flops} title={t('check.flopsTitle')}>
            {formatFlops(totals.flops)}
          </span>{' '}
          ·{' '}
          <span data-testid="totals-memory" data-value={totals.memory_bytes} title={t('check.memoryTitle', { batch: totals.batch_size })}>
            {formatBytes(totals.memory_bytes)}
          </span>{' '}
          <span className="muted">{t('check.atBatch', { batch: totals.batch_size })}</span>
        </span>
      )}
      {hint && !hint.action && <MemoryFit hint={hint} />}
    </div>
  );
}

/** Beside the memory readout: the largest batch that fits the connected worker with the
 * most memory, and, when the current batch does not fit, a button that sets that batch.
 * Where the bar is short of room the words give way (the suggestion before the totals),
 * the button never. */
function MemoryFit({ hint }: { hint: MemoryHint }) {
  const warn = hint.fit.kind === 'over' || hint.fit.kind === 'nothing';
  const action = hint.action;
  const setBatch = (batch: number) => {
    sealEdit(); // one step of its own: undo takes back the suggestion alone
    editDocument((doc) => ({ ...doc, training: { ...(doc.training ?? {}), batch_size: batch } }), 'training:batch_size');
    sealEdit();
  };
  return (
    <>
      <span
        className={`memory-fit${warn ? ' warning' : ' muted'}${action ? ' with-action' : ''}`}
        data-testid="memory-hint"
        data-kind={hint.fit.kind}
        title={hint.title}
      >
        {hint.text}
      </span>
      {action && (
        <button
          className="link memory-use-batch"
          data-testid="use-batch"
          data-batch={action.batch}
          title={action.title}
          onClick={() => setBatch(action.batch)}
        >
          {action.label}
        </button>
      )}
    </>
  );
}

function SweepButton() {
  const { t } = useTranslation();
  const open = useSweepDialog((s) => s.open);
  const empty = useEditor((s) => isEmpty(s.history.present));
  return (
    <button
      data-testid="sweep-button"
      aria-pressed={open}
      disabled={empty}
      onClick={() => openSweepDialog(!open)}
      title={t('topbar.sweepTitle')}
    >
      {t('topbar.sweep')}
    </button>
  );
}

/** Says that Train starts from the weights imported with the model, with a way out. */
function ImportedWeights() {
  const { t } = useTranslation();
  const weights = useSession((s) => s.importedWeights);
  if (!weights) return null;
  return (
    <span className="chip start-weights" data-testid="start-weights" title={t('topbar.importedWeightsTitle', { weights })}>
      {t('topbar.importedWeights')}
      <button className="chip-close" aria-label={t('topbar.freshStart')} data-testid="drop-start-weights" onClick={dropImportedWeights}>
        ×
      </button>
    </span>
  );
}

function TrainButton() {
  const { t } = useTranslation();
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
      <button className="primary" data-testid="train" disabled={reason !== null} aria-describedby={reason ? 'train-blocked' : undefined} title={reason ?? t('topbar.trainTitle')} onClick={() => void startRun()}>
        {t('topbar.train')}
      </button>
    </span>
  );
}
