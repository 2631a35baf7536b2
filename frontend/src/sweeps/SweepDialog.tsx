// The sweep dialog: a panel beside the canvas (so nodes can still be clicked) that
// builds a sweep of the document in the editor. Rows say what varies: training fields,
// and the parameters of the node (or block) selected on the canvas; then the objective,
// how many trials and how many at once, the sampler and pruner, and an estimate of the
// runs and time. Start queues it and goes to its page.
import { useEffect, useMemo, useState } from 'react';
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

const KINDS: { kind: DistKind; label: string }[] = [
  { kind: 'log_uniform', label: 'log-uniform' },
  { kind: 'uniform', label: 'uniform' },
  { kind: 'int', label: 'integers' },
  { kind: 'choice', label: 'choice' },
];

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
    scope !== null ? blockOptions(doc, scope) : selected.length === 1 && selected[0] ? nodeOptions(doc, selected[0], paramsSchema) : [];
  const varied = new Set(rows.map((r) => r.path));
  const { space, errors } = buildSpace(rows);
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
        <h2 id="sweep-title">Sweep {doc.name || 'this graph'}</h2>
        <button className="link" onClick={close} aria-label="Close the sweep dialog">
          ✕
        </button>
      </header>
      <p className="muted small">Each trial is a run of this graph with its own values, chosen by Optuna.</p>

      <h3>What varies</h3>
      {rows.length === 0 && <p className="muted small">Nothing yet: add a training field, or click a node on the canvas.</p>}
      {rows.map((row) => (
        <div key={row.path} className={`sweep-row${errors[row.path] || rowErrors[row.path] ? ' invalid' : ''}`} data-testid={`sweep-row-${row.path}`}>
          <div className="sweep-row-head">
            <strong>{row.label}</strong>
            <select aria-label={`${row.label}: distribution`} value={row.kind} onChange={(e) => change(row.path, { kind: e.target.value as DistKind })} data-testid={`sweep-kind-${row.path}`}>
              {KINDS.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </select>
            <button className="link" onClick={() => setRows((r) => r.filter((x) => x.path !== row.path))} aria-label={`Stop varying ${row.label}`}>
              remove
            </button>
          </div>
          {row.kind === 'choice' ? (
            <input aria-label={`${row.label}: values`} value={row.choices} onChange={(e) => change(row.path, { choices: e.target.value })} placeholder="values, comma-separated" data-testid={`sweep-choices-${row.path}`} />
          ) : (
            <div className="sweep-bounds">
              <input aria-label={`${row.label}: from`} value={row.lo} onChange={(e) => change(row.path, { lo: e.target.value })} data-testid={`sweep-lo-${row.path}`} />
              <span>to</span>
              <input aria-label={`${row.label}: to`} value={row.hi} onChange={(e) => change(row.path, { hi: e.target.value })} data-testid={`sweep-hi-${row.path}`} />
              {row.kind === 'int' && (
                <>
                  <span>step</span>
                  <input aria-label={`${row.label}: step`} value={row.step} onChange={(e) => change(row.path, { step: e.target.value })} className="narrow" />
                </>
              )}
            </div>
          )}
          {(errors[row.path] || rowErrors[row.path]) && <p className="field-error small">{errors[row.path] ?? rowErrors[row.path]}</p>}
        </div>
      ))}

      <div className="sweep-add">
        <select aria-label="Training field" value={field} onChange={(e) => setField(e.target.value)} data-testid="sweep-training-field">
          {fields.map((f) => (
            <option key={f.path} value={f.path} disabled={varied.has(f.path)}>
              {f.label}
            </option>
          ))}
        </select>
        <button onClick={() => add(fields.find((f) => f.path === field))} disabled={varied.has(field)} data-testid="sweep-add-training">
          Vary
        </button>
      </div>
      <div className="sweep-canvas-pick" data-testid="sweep-canvas-options">
        {canvasOptions.length === 0 ? (
          <p className="muted small">{scope !== null ? `Block ${scope} has no parameters.` : 'Click a node on the canvas to vary its parameters.'}</p>
        ) : (
          <>
            <p className="muted small">{scope !== null ? `Block ${scope}, wherever it is used:` : `Node ${selected[0]}:`}</p>
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

      <h3>Objective</h3>
      <div className="sweep-grid">
        <label>
          metric
          <input value={metric} onChange={(e) => setMetric(e.target.value)} data-testid="sweep-metric" />
        </label>
        <label>
          direction
          <select value={direction} onChange={(e) => setDirection(e.target.value as typeof direction)} data-testid="sweep-direction">
            <option value="auto">from the name</option>
            <option value="maximize">maximize</option>
            <option value="minimize">minimize</option>
          </select>
        </label>
      </div>

      <h3>Trials</h3>
      <div className="sweep-grid">
        <label>
          trials
          <input type="number" min={1} max={1000} value={trials} onChange={(e) => setTrials(Math.max(1, Number(e.target.value) || 1))} data-testid="sweep-trials" />
        </label>
        <label>
          at once
          <input type="number" min={1} max={64} value={parallel} onChange={(e) => setParallel(Math.max(1, Number(e.target.value) || 1))} data-testid="sweep-parallel" />
        </label>
        <label>
          epochs each
          <input type="number" min={1} value={epochs} onChange={(e) => setEpochs(e.target.value)} data-testid="sweep-epochs" />
        </label>
        <label>
          sampler
          <select value={sampler} onChange={(e) => setSampler(e.target.value as typeof sampler)} data-testid="sweep-sampler">
            <option value="tpe">TPE (learns from trials)</option>
            <option value="random">random</option>
            <option value="grid">grid</option>
          </select>
        </label>
        <label>
          pruner
          <select value={pruner} onChange={(e) => setPruner(e.target.value as typeof pruner)} data-testid="sweep-pruner">
            <option value="none">none</option>
            <option value="median">median</option>
            <option value="successive_halving">successive halving</option>
          </select>
        </label>
        <label>
          seed
          <input value={seed} onChange={(e) => setSeed(e.target.value.replace(/[^0-9]/g, ''))} placeholder="any" data-testid="sweep-seed" />
        </label>
      </div>

      <p className="sweep-estimate" data-testid="sweep-estimate">
        {guess.runs} run{guess.runs === 1 ? '' : 's'}
        {sampler === 'grid' && grid === null ? ' · a grid needs choices or integer ranges only' : ''}
        {sampler === 'grid' && grid !== null && trials > grid ? ` (the grid has ${grid} points)` : ''}
        {' · '}
        {guess.seconds !== null
          ? `about ${formatDuration(guess.seconds)}, ${Math.min(parallel, Math.max(1, pace.workers))} at a time`
          : 'time unknown until this graph has trained once'}
      </p>
      {error && (
        <p className="run-message error" role="alert" data-testid="sweep-error">
          {error}
        </p>
      )}
      <div className="button-row dialog-actions">
        <button onClick={close}>Cancel</button>
        <button className="primary" onClick={() => void submit()} disabled={busy || !rows.length || Object.keys(errors).length > 0} data-testid="sweep-start">
          {busy ? 'Starting…' : 'Start sweep'}
        </button>
      </div>
    </aside>
  );
}
