// A sweep (#/sweeps/<id>): its progress, the objective by trial with the best so far,
// the parallel-coordinates plot (drag on an axis to filter the trials), Optuna's
// parameter importance, and a sortable table of the trials; Open best, Fork best and
// Compare top 2. Live: read again every second while the sweep is open.
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client';
import type { RunDetail } from '../api/types';
import { ForkDialog } from '../runs/ForkDialog';
import { formatDuration, formatMetric } from '../runs/model/units';
import '../runs/runs.css';
import { useTheme } from '../theme';
import { Importance, ObjectiveChart, ParallelCoords } from './SweepCharts';
import { axesOf, brushed, sortTrials, topTrials, type Brushes, type Sort, type SweepDetail, type TrialRecord } from './model/trials';
import './sweeps.css';

const REFRESH_MS = 1000;
const OPEN = new Set(['running', 'stopping']);

function useSweep(id: string): { sweep: SweepDetail | null; error: string | null; reload: () => void } {
  const [sweep, setSweep] = useState<SweepDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const next = await api.sweep(id);
        if (!live) return;
        setSweep(next);
        setError(null);
        if (OPEN.has(next.status)) timer = setTimeout(() => void load(), REFRESH_MS);
      } catch (err) {
        if (!live) return;
        setError(err instanceof Error ? err.message : String(err));
        timer = setTimeout(() => void load(), 3 * REFRESH_MS);
      }
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id, tick]);
  return { sweep, error, reload: () => setTick((t) => t + 1) };
}

const shown = (v: unknown) => (typeof v === 'number' ? formatMetric(v) : v === null || v === undefined ? '—' : String(v));

export function SweepPage({ sweepId }: { sweepId: string }) {
  const { sweep, error, reload } = useSweep(sweepId);
  const [sort, setSort] = useState<Sort>({ key: 'number', descending: false });
  const [brushes, setBrushes] = useState<Brushes>({});
  const [forking, setForking] = useState<RunDetail | null>(null);
  const [busy, setBusy] = useState(false);
  const { theme, toggle } = useTheme();

  const trials = useMemo(() => sweep?.trial_list ?? [], [sweep]);
  const space = useMemo(() => (sweep?.spec.space ?? {}) as Record<string, Record<string, unknown>>, [sweep]);
  const axes = useMemo(() => axesOf(space, trials, sweep?.metric ?? ''), [space, trials, sweep?.metric]);
  const kept = useMemo(() => brushed(trials, axes, brushes), [trials, axes, brushes]);
  const keptNumbers = useMemo(() => new Set(kept.map((t) => t.number)), [kept]);
  const rows = sortTrials(kept, sort);
  const paths = Object.keys(space);

  if (!sweep) {
    return (
      <div className="runs-page" data-testid="sweep-page">
        <p className={error ? 'banner error' : 'muted'}>{error ?? 'Loading the sweep…'}</p>
      </div>
    );
  }

  const ended = sweep.counts.complete + sweep.counts.pruned + sweep.counts.failed;
  const [first, second] = topTrials(trials, sweep.direction, 2);
  const compare = first?.run && second?.run ? `#/compare/${first.run}/${second.run}` : null;
  const best = sweep.best;
  const brushedCount = Object.keys(brushes).length;

  const stop = async () => {
    setBusy(true);
    try {
      await api.stopSweep(sweep.id);
      reload();
    } finally {
      setBusy(false);
    }
  };
  const forkBest = async () => {
    if (best?.run) setForking(await api.run(best.run));
  };
  const sortBy = (key: Sort['key']) => setSort((s) => ({ key, descending: s.key === key ? !s.descending : key === 'value' && sweep.direction === 'maximize' }));
  const arrow = (key: Sort['key']) => (sort.key === key ? (sort.descending ? ' ▾' : ' ▴') : '');

  return (
    <div className="runs-page sweep-page" data-testid="sweep-page" data-status={sweep.status}>
      <header className="run-header">
        <div className="run-title">
          <a className="brand" href="#/">
            LayerLab
          </a>
          <span className="divider" />
          <h1>Sweep of {sweep.name}</h1>
          <span className={`status-pill sweep-status-${sweep.status}`} data-testid="sweep-status">
            {sweep.status}
          </span>
          <span className="spacer" />
          <a href={`#/runs?sweep=${sweep.id}`} data-testid="sweep-runs-link">
            Its runs
          </a>
          <a href="#/runs">All runs</a>
          <a href="#/">Editor</a>
          <button onClick={toggle} aria-label="Switch theme">
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </div>
        <div className="run-facts">
          <span className="num" data-testid="sweep-progress" data-ended={ended} data-total={sweep.trials}>
            {ended} of {sweep.trials} trials ended
          </span>
          <span className="progress" aria-hidden>
            <span className="progress-fill" style={{ width: `${(100 * ended) / Math.max(1, sweep.trials)}%` }} />
          </span>
          <span className="muted">
            {sweep.counts.complete} complete · {sweep.counts.pruned} pruned · {sweep.counts.failed} failed · {sweep.counts.running} running
          </span>
          <span className="muted">
            {sweep.direction} {sweep.metric}
          </span>
          <span className="spacer" />
          {OPEN.has(sweep.status) && (
            <button onClick={() => void stop()} disabled={busy || sweep.status === 'stopping'} data-testid="sweep-stop">
              Stop sweep
            </button>
          )}
          <a className={`button primary${best?.run ? '' : ' disabled'}`} href={best?.run ? `#/runs/${best.run}` : undefined} data-testid="open-best">
            Open best
          </a>
          <button onClick={() => void forkBest()} disabled={!best?.run} data-testid="fork-best">
            Fork best
          </button>
          <a className={`button${compare ? '' : ' disabled'}`} href={compare ?? undefined} data-testid="compare-top">
            Compare top 2
          </a>
        </div>
        {best && (
          <p className="run-message" data-testid="sweep-best">
            Best: trial {best.number}, {sweep.metric} {formatMetric(best.value)} with{' '}
            {Object.entries(best.params)
              .map(([k, v]) => `${k} = ${shown(v)}`)
              .join(', ')}
          </p>
        )}
        {sweep.message && sweep.status !== 'running' && <p className="run-message">{sweep.message}</p>}
        {error && <div className="banner error">{error}</div>}
      </header>

      <div className="sweep-body">
        <div className="sweep-figures">
          <ObjectiveChart trials={trials} direction={sweep.direction} metric={sweep.metric} />
          <Importance importance={sweep.importance} />
        </div>
        <ParallelCoords
          trials={trials}
          axes={axes}
          brushes={brushes}
          highlight={keptNumbers}
          onBrush={(key, span) =>
            setBrushes((b) => {
              const next = { ...b };
              if (span) next[key] = span;
              else delete next[key];
              return next;
            })
          }
        />
        <p className="muted small" data-testid="sweep-filter-note" data-shown={rows.length}>
          {brushedCount ? `${rows.length} of ${trials.length} trials in the brushed spans. ` : `${trials.length} trials. `}
          {brushedCount > 0 && (
            <button className="link" onClick={() => setBrushes({})} data-testid="clear-brushes">
              Clear the filters
            </button>
          )}
        </p>
        <div className="runs-table-wrap">
          <table className="runs-table sweep-trials" data-testid="trials-table">
            <thead>
              <tr>
                <th scope="col">
                  <button className="link-plain" onClick={() => sortBy('number')}>
                    trial{arrow('number')}
                  </button>
                </th>
                {paths.map((p) => (
                  <th scope="col" key={p}>
                    <button className="link-plain mono" onClick={() => sortBy(`param:${p}`)}>
                      {p}
                      {arrow(`param:${p}`)}
                    </button>
                  </th>
                ))}
                <th scope="col">
                  <button className="link-plain" onClick={() => sortBy('value')} data-testid="sort-objective">
                    {sweep.metric}
                    {arrow('value')}
                  </button>
                </th>
                <th scope="col">
                  <button className="link-plain" onClick={() => sortBy('status')}>
                    status{arrow('status')}
                  </button>
                </th>
                <th scope="col">
                  <button className="link-plain" onClick={() => sortBy('duration')}>
                    duration{arrow('duration')}
                  </button>
                </th>
                <th scope="col">run</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((t: TrialRecord) => (
                <tr key={t.number} data-testid={`trial-row-${t.number}`} data-status={t.status} className={best?.number === t.number ? 'best' : undefined}>
                  <td className="num">{t.number}</td>
                  {paths.map((p) => (
                    <td key={p} className="num">
                      {shown(t.params[p])}
                    </td>
                  ))}
                  <td className="num" data-testid={`trial-value-${t.number}`}>
                    {shown(t.value)}
                  </td>
                  <td>
                    <span className={`status-pill status-${t.status}`} title={t.message ?? undefined}>
                      {t.status}
                    </span>
                    {t.message && t.status !== 'finished' && <span className="muted small trial-message"> {t.message}</span>}
                  </td>
                  <td className="num">{t.duration_s !== null && t.duration_s !== undefined ? formatDuration(t.duration_s) : '—'}</td>
                  <td>{t.run ? <a href={`#/runs/${t.run}`}>{t.run}</a> : <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {forking && <ForkDialog detail={forking} cursor={null} onClose={() => setForking(null)} />}
    </div>
  );
}
