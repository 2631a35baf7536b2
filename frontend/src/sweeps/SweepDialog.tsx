// The sweep dialog: a panel beside the canvas (so nodes can still be clicked) that
// builds a sweep of the document in the editor. Rows say what varies: training fields,
// and the parameters of the node (or block) selected on the canvas; then the objective,
// how many trials and how many at once, the sampler and pruner, and an estimate of the
// runs and time. Start queues it and goes to its page.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';
import { api, ApiError } from '../api/client';
import type { CreateSweep } from '../api/types';
import type { JsonSchema } from '../model/schemaForm';
import { currentDoc, useEditor } from '../store/editor';
import { useTrainingSchema } from '../store/meta';
import { useSession } from '../store/session';
import { formatDuration } from '../runs/model/units';
import {
  blockOptions,
  buildSpace,
  defaultRow,
  estimate,
  gridSize,
  nodeOptions,
  trainingOptions,
  type DistKind,
  type SpaceRow,
  type VaryOption,
} from './model/space';
import './sweeps.css';

export const useSweepDialog = create<{ open: boolean }>(() => ({ open: false }));
export const openSweepDialog = (open = true) => useSweepDialog.setState({ open });

const KINDS: readonly DistKind[] = ['log_uniform', 'uniform', 'int', 'choice'];

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The pace of the last finished run of this graph (seconds an epoch: the estimate's
 * unit), if there is one, and how many workers are connected. */
function usePace(name: string): { perEpoch: number | null; workers: number } {
  const [found, setFound] = useState<{ perEpoch: number | null; workers: number }>({ perEpoch: null, workers: 1 });
  useEffect(() => {
    let live = true;
    const load = async () => {
      const [runs, workers] = await Promise.all([api.runs({ status: 'finished', limit: 50 }), api.workers()]);
      const last = runs.items.find((r) => r.name === name && r.started_at && r.finished_at);
      let perEpoch: number | null = null;
      if (last) {
        const seconds = (Date.parse(last.finished_at as string) - Date.parse(last.started_at as string)) / 1000;
        const epochs = (await api.run(last.id)).config.epochs;
        perEpoch = epochs !== undefined && epochs > 0 ? seconds / epochs : null;
      }
      if (live) setFound({ perEpoch, workers: workers.length });
    };
    load().catch(() => undefined);
    return () => {
      live = false;
    };
  }, [name]);
  return found;
}

export function SweepDialog() {
  const open = useSweepDialog((s) => s.open);
  return open ? <SweepPanel /> : null;
}

function SweepPanel() {
  const { t } = useTranslation();
  const doc = useEditor((s) => s.history.present);
  const scope = useEditor((s) => s.scope);
  // One string, not a new list each time: a selector's answer must compare equal when unchanged.
  const selectedKey = useEditor((s) => s.nodes.filter((n) => n.selected).map((n) => n.id).join(' '));
  const selected = selectedKey ? selectedKey.split(' ') : [];
  const opIndex = useEditor((s) => s.opIndex);
  const schema = useTrainingSchema();
  const training = useMemo(() => (doc.training ?? {}) as Record<string, unknown>, [doc.training]);
  const [rows, setRows] = useState<SpaceRow[]>([]);
  const [field, setField] = useState('lr');
  const [metric, setMetric] = useState(training.task === 'classification' || training.task === undefined ? 'val/acc' : 'val/loss');
  const [direction, setDirection] = useState<'auto' | 'maximize' | 'minimize'>('auto');
  const [trials, setTrials] = useState(8);
  const [parallel, setParallel] = useState(2);
  const [epochs, setEpochs] = useState<string>(String(training.epochs ?? ''));
  const [sampler, setSampler] = useState<'tpe' | 'random' | 'grid'>('tpe');
  const [pruner, setPruner] = useState<'none' | 'median' | 'successive_halving'>('none');
  const [seed, setSeed] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const pace = usePace(doc.name ?? '');

  const fields = useMemo(() => trainingOptions(schema, training), [schema, training]);
  const paramsSchema = (type: string) => (opIndex.get(type)?.params_schema ?? null) as JsonSchema | null;
  const canvasOptions: VaryOption[] =
    scope !== null ? blockOptions(doc, scope, t) : selected.length === 1 && selected[0] ? nodeOptions(doc, selected[0], paramsSchema) : [];
  const varied = new Set(rows.map((r) => r.path));
  const { space, errors } = buildSpace(rows, t);
  const grid = gridSize(space);
  const runs = sampler === 'grid' && grid !== null ? Math.min(trials, grid) : trials;
  const guess = estimate(runs, parallel, pace.workers, pace.perEpoch, Number(epochs) || Number(training.epochs) || 0);

  const add = (option: VaryOption | undefined) => {
    if (!option || varied.has(option.path)) return;
    setRows((r) => [...r, defaultRow(option)]);
    // The training field picker moves on to one not varied yet.
    const next = fields.find((f) => f.path !== option.path && !varied.has(f.path));
    if (option.path === field && next) setField(next.path);
  };
  const change = (path: string, patch: Partial<SpaceRow>) => setRows((r) => r.map((row) => (row.path === path ? { ...row, ...patch } : row)));
  const close = () => openSweepDialog(false);

  const submit = async () => {
    if (busy || !rows.length || Object.keys(errors).length) return;
    setBusy(true);
    setError(null);
    setRowErrors({});
    const { graphId, version, dirty } = useSession.getState();
    const config: Record<string, unknown> = {};
    if (epochs.trim() !== '' && Number(epochs) !== training.epochs) config.epochs = Number(epochs);
    const body = {
      ...(dirty || !graphId || version === null ? { document: currentDoc() } : { graph_id: graphId, graph_version: version }),
      space,
      objective: direction === 'auto' ? { metric } : { metric, direction },
      trials: runs,
      parallel,
      sampler,
      pruner,
      ...(seed.trim() !== '' ? { seed: Number(seed) } : {}),
      config,
    } as unknown as CreateSweep;
    try {
      const sweep = await api.createSweep(body);
      close();
      window.location.hash = `#/sweeps/${sweep.id}`;
    } catch (err) {
      const where = err instanceof ApiError ? err.body?.field ?? '' : '';
      const path = where.startsWith('body.space.') ? where.slice('body.space.'.length) : null;
      if (path) setRowErrors({ [path]: errorText(err) });
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside className="sweep-panel" role="dialog" aria-modal="false" aria-labelledby="sweep-title" data-testid="sweep-dialog" onKeyDown={(e) => e.key === 'Escape' && close()}>
      <header className="sweep-panel-head">
        <h2 id="sweep-title">{t('editor.sweep.title', { name: doc.name || t('editor.sweep.thisGraph') })}</h2>
        <button className="link" onClick={close} aria-label={t('editor.sweep.close')}>
          ✕
        </button>
      </header>
      <p className="muted small">{t('editor.sweep.lead')}</p>

      <h3>{t('editor.sweep.varies')}</h3>
      {rows.length === 0 && <p className="muted small">{t('editor.sweep.nothingYet')}</p>}
      {rows.map((row) => (
        <div key={row.path} className={`sweep-row${errors[row.path] || rowErrors[row.path] ? ' invalid' : ''}`} data-testid={`sweep-row-${row.path}`}>
          <div className="sweep-row-head">
            <strong>{row.label}</strong>
            <select aria-label={t('editor.sweep.distribution', { label: row.label })} value={row.kind} onChange={(e) => change(row.path, { kind: e.target.value as DistKind })} data-testid={`sweep-kind-${row.path}`}>
              {KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`editor.sweep.kind.${kind}`)}
                </option>
              ))}
            </select>
            <button className="link" onClick={() => setRows((r) => r.filter((x) => x.path !== row.path))} aria-label={t('editor.sweep.stopVarying', { label: row.label })}>
              {t('editor.sweep.remove')}
            </button>
          </div>
          {row.kind === 'choice' ? (
            <input aria-label={t('editor.sweep.values', { label: row.label })} value={row.choices} onChange={(e) => change(row.path, { choices: e.target.value })} placeholder={t('editor.sweep.valuesPlaceholder')} data-testid={`sweep-choices-${row.path}`} />
          ) : (
            <div className="sweep-bounds">
              <input aria-label={t('editor.sweep.from', { label: row.label })} value={row.lo} onChange={(e) => change(row.path, { lo: e.target.value })} data-testid={`sweep-lo-${row.path}`} />
              <span>{t('editor.sweep.to')}</span>
              <input aria-label={t('editor.sweep.toLabel', { label: row.label })} value={row.hi} onChange={(e) => change(row.path, { hi: e.target.value })} data-testid={`sweep-hi-${row.path}`} />
              {row.kind === 'int' && (
                <>
                  <span>{t('editor.sweep.step')}</span>
                  <input aria-label={t('editor.sweep.stepLabel', { label: row.label })} value={row.step} onChange={(e) => change(row.path, { step: e.target.value })} className="narrow" />
                </>
              )}
            </div>
          )}
          {(errors[row.path] || rowErrors[row.path]) && <p className="field-error small">{errors[row.path] ?? rowErrors[row.path]}</p>}
        </div>
      ))}

      <div className="sweep-add">
        <select aria-label={t('editor.sweep.trainingField')} value={field} onChange={(e) => setField(e.target.value)} data-testid="sweep-training-field">
          {fields.map((f) => (
            <option key={f.path} value={f.path} disabled={varied.has(f.path)}>
              {f.label}
            </option>
          ))}
        </select>
        <button onClick={() => add(fields.find((f) => f.path === field))} disabled={varied.has(field)} data-testid="sweep-add-training">
          {t('editor.sweep.vary')}
        </button>
      </div>
      <div className="sweep-canvas-pick" data-testid="sweep-canvas-options">
        {canvasOptions.length === 0 ? (
          <p className="muted small">{scope !== null ? t('editor.sweep.blockEmpty', { block: scope }) : t('editor.sweep.clickNode')}</p>
        ) : (
          <>
            <p className="muted small">{scope !== null ? t('editor.sweep.blockOptions', { block: scope }) : t('editor.sweep.nodeOptions', { node: selected[0] })}</p>
            <div className="sweep-chips">
              {canvasOptions.map((o) => (
                <button key={o.path} className="chip" disabled={varied.has(o.path)} onClick={() => add(o)} data-testid={`sweep-vary-${o.path}`}>
                  + {o.label.split(' · ').pop()}
                </button>
              ))}
            </div>
          </>
        )}
      </div>

      <h3>{t('editor.sweep.objective')}</h3>
      <div className="sweep-grid">
        <label>
          {t('editor.sweep.metric')}
          <input value={metric} onChange={(e) => setMetric(e.target.value)} data-testid="sweep-metric" />
        </label>
        <label>
          {t('editor.sweep.direction')}
          <select value={direction} onChange={(e) => setDirection(e.target.value as typeof direction)} data-testid="sweep-direction">
            <option value="auto">{t('editor.sweep.fromName')}</option>
            <option value="maximize">{t('editor.sweep.maximize')}</option>
            <option value="minimize">{t('editor.sweep.minimize')}</option>
          </select>
        </label>
      </div>

      <h3>{t('editor.sweep.trials')}</h3>
      <div className="sweep-grid">
        <label>
          {t('editor.sweep.trialCount')}
          <input type="number" min={1} max={1000} value={trials} onChange={(e) => setTrials(Math.max(1, Number(e.target.value) || 1))} data-testid="sweep-trials" />
        </label>
        <label>
          {t('editor.sweep.parallel')}
          <input type="number" min={1} max={64} value={parallel} onChange={(e) => setParallel(Math.max(1, Number(e.target.value) || 1))} data-testid="sweep-parallel" />
        </label>
        <label>
          {t('editor.sweep.epochs')}
          <input type="number" min={1} value={epochs} onChange={(e) => setEpochs(e.target.value)} data-testid="sweep-epochs" />
        </label>
        <label>
          {t('editor.sweep.sampler')}
          <select value={sampler} onChange={(e) => setSampler(e.target.value as typeof sampler)} data-testid="sweep-sampler">
            <option value="tpe">{t('editor.sweep.tpe')}</option>
            <option value="random">{t('editor.sweep.random')}</option>
            <option value="grid">{t('editor.sweep.grid')}</option>
          </select>
        </label>
        <label>
          {t('editor.sweep.pruner')}
          <select value={pruner} onChange={(e) => setPruner(e.target.value as typeof pruner)} data-testid="sweep-pruner">
            <option value="none">{t('editor.sweep.none')}</option>
            <option value="median">{t('editor.sweep.median')}</option>
            <option value="successive_halving">{t('editor.sweep.successiveHalving')}</option>
          </select>
        </label>
        <label>
          {t('editor.sweep.seed')}
          <input value={seed} onChange={(e) => setSeed(e.target.value.replace(/[^0-9]/g, ''))} placeholder={t('editor.sweep.anySeed')} data-testid="sweep-seed" />
        </label>
      </div>

      <p className="sweep-estimate" data-testid="sweep-estimate">
        {t('editor.sweep.runs', { count: guess.runs })}
        {sampler === 'grid' && grid === null ? ` · ${t('editor.sweep.gridNeeds')}` : ''}
        {sampler === 'grid' && grid !== null && trials > grid ? ` ${t('editor.sweep.gridPoints', { count: grid })}` : ''}
        {' · '}
        {guess.seconds !== null
          ? t('editor.sweep.about', { time: formatDuration(guess.seconds, t), parallel: Math.min(parallel, Math.max(1, pace.workers)) })
          : t('editor.sweep.unknownTime')}
      </p>
      {error && (
        <p className="run-message error" role="alert" data-testid="sweep-error">
          {error}
        </p>
      )}
      <div className="button-row dialog-actions">
        <button onClick={close}>{t('editor.sweep.cancel')}</button>
        <button className="primary" onClick={() => void submit()} disabled={busy || !rows.length || Object.keys(errors).length > 0} data-testid="sweep-start">
          {busy ? t('editor.sweep.starting') : t('editor.sweep.start')}
        </button>
      </div>
    </aside>
  );
}
