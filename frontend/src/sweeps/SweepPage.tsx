// A sweep (#/sweeps/<id>): its progress, the objective by trial with the best so far,
// the parallel-coordinates plot (drag on an axis to filter the trials), Optuna's
// parameter importance, and a sortable table of the trials; Open best, Fork best and
// Compare top 2. Live: read again every second while the sweep is open.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { tMaybe, useLanguage } from '../i18n';
import { messageText } from '../i18n/messages';
import { useMessages } from '../store/meta';
import type { RunDetail } from '../api/types';
import { ForkDialog } from '../runs/ForkDialog';
import { formatDuration, formatMetric } from '../runs/model/units';
import '../runs/runs.css';
import { useTheme } from '../theme';
import { LanguagePicker } from '../i18n/LanguagePicker';
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

/** A trial's status pill and why it ended. Its run's status, except that a trial Optuna
 * failed although its run finished (it reported no objective to judge it by) shows as
 * failed; the reason in the reader's language where the server gave a catalog key. */
function TrialStatus({ trial }: { trial: TrialRecord }) {
  const lng = useLanguage();
  const catalog = useMessages();
  const status = trial.state === 'fail' && trial.status === 'finished' ? 'failed' : trial.status;
  const why = trial.message ? messageText({ message: trial.message, key: trial.message_key, params: trial.message_params }, lng, catalog) : null;
  return (
    <>
      <span className={`status-pill status-${status}`} title={why ?? undefined}>
        {tMaybe(`run.status.${status}`, status)}
      </span>
      {why && trial.state !== 'complete' && <span className="muted small trial-message"> {why}</span>}
    </>
  );
}

export function SweepPage({ sweepId }: { sweepId: string }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const catalog = useMessages();
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
  const keptNumbers = useMemo(() => new Set(kept.map((trial) => trial.number)), [kept]);
  const rows = sortTrials(kept, sort);
  const paths = Object.keys(space);

  if (!sweep) {
    return (
      <div className="runs-page" data-testid="sweep-page">
        <p className={error ? 'banner error' : 'muted'}>{error ?? t('editor.sweepPage.loading')}</p>
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
          <h1>{t('editor.sweepPage.title', { name: sweep.name })}</h1>
          <span className={`status-pill sweep-status-${sweep.status}`} data-testid="sweep-status" data-status={sweep.status}>
            {tMaybe(`editor.sweepPage.status.${sweep.status}`, sweep.status)}
          </span>
          <span className="spacer" />
          <a href={`#/runs?sweep=${sweep.id}`} data-testid="sweep-runs-link">
            {t('editor.sweepPage.itsRuns')}
          </a>
          <a href="#/runs">{t('editor.sweepPage.allRuns')}</a>
          <a href="#/">{t('editor.sweepPage.editor')}</a>
          <LanguagePicker />
          <button onClick={toggle} aria-label={t('common.switchTheme')}>
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </div>
        <div className="run-facts">
          <span className="num" data-testid="sweep-progress" data-ended={ended} data-total={sweep.trials}>
            {t('editor.sweepPage.ended', { ended, total: sweep.trials })}
          </span>
          <span className="progress" aria-hidden>
            <span className="progress-fill" style={{ width: `${(100 * ended) / Math.max(1, sweep.trials)}%` }} />
          </span>
          <span className="muted">{t('editor.sweepPage.counts', sweep.counts)}</span>
          <span className="muted">{t('editor.sweepPage.objective', { direction: t(`editor.sweep.${sweep.direction}`), metric: sweep.metric })}</span>
          <span className="spacer" />
          {OPEN.has(sweep.status) && (
            <button onClick={() => void stop()} disabled={busy || sweep.status === 'stopping'} data-testid="sweep-stop">
              {t('editor.sweepPage.stop')}
            </button>
          )}
          <a className={`button primary${best?.run ? '' : ' disabled'}`} href={best?.run ? `#/runs/${best.run}` : undefined} data-testid="open-best">
            {t('editor.sweepPage.openBest')}
          </a>
          <button onClick={() => void forkBest()} disabled={!best?.run} data-testid="fork-best">
            {t('editor.sweepPage.forkBest')}
          </button>
          <a className={`button${compare ? '' : ' disabled'}`} href={compare ?? undefined} data-testid="compare-top">
            {t('editor.sweepPage.compare')}
          </a>
        </div>
        {best && (
          <p className="run-message" data-testid="sweep-best">
            {t('editor.sweepPage.best', {
              number: best.number,
              metric: sweep.metric,
              value: formatMetric(best.value),
              params: Object.entries(best.params)
                .map(([k, v]) => `${k} = ${shown(v)}`)
                .join(', '),
            })}
          </p>
        )}
        {sweep.message && sweep.status !== 'running' && <p className="run-message">{messageText({ message: sweep.message, key: sweep.message_key }, lng, catalog)}</p>}
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
          {brushedCount ? t('editor.sweepPage.brushed', { shown: rows.length, total: trials.length }) : t('editor.sweepPage.trialsShown', { count: trials.length })}{' '}
          {brushedCount > 0 && (
            <button className="link" onClick={() => setBrushes({})} data-testid="clear-brushes">
              {t('editor.sweepPage.clear')}
            </button>
          )}
        </p>
        <div className="runs-table-wrap">
          <table className="runs-table sweep-trials" data-testid="trials-table">
            <thead>
              <tr>
                <th scope="col">
                  <button className="link-plain" onClick={() => sortBy('number')}>
                    {t('editor.sweepPage.trial')}
                    {arrow('number')}
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
                    {t('editor.sweepPage.statusColumn')}
                    {arrow('status')}
                  </button>
                </th>
                <th scope="col">
                  <button className="link-plain" onClick={() => sortBy('duration')}>
                    {t('editor.sweepPage.duration')}
                    {arrow('duration')}
                  </button>
                </th>
                <th scope="col">{t('editor.sweepPage.run')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((trial: TrialRecord) => (
                <tr key={trial.number} data-testid={`trial-row-${trial.number}`} data-status={trial.status} className={best?.number === trial.number ? 'best' : undefined}>
                  <td className="num">{trial.number}</td>
                  {paths.map((p) => (
                    <td key={p} className="num">
                      {shown(trial.params[p])}
                    </td>
                  ))}
                  <td className="num" data-testid={`trial-value-${trial.number}`}>
                    {shown(trial.value)}
                  </td>
                  <td>
                    <TrialStatus trial={trial} />
                  </td>
                  <td className="num">{trial.duration_s !== null && trial.duration_s !== undefined ? formatDuration(trial.duration_s, t) : '—'}</td>
                  <td>{trial.run ? <a href={`#/runs/${trial.run}`}>{trial.run}</a> : <span className="muted">—</span>}</td>
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
