// All runs (#/runs): status, graph, dataset, best metric, duration; filters (status, a
// sweep's trials: #/runs?sweep=<id>); pick two to compare. Details (dataset, best metric)
// load lazily, a few runs at a time.
import { useEffect, useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { RunRecord, RunStatus, SweepRecord } from '../api/types';
import { tMaybe, useLanguage } from '../i18n';
import { LanguagePicker } from '../i18n/LanguagePicker';
import { useTheme } from '../theme';
import { useDatasets } from '../store/datasets';
import { statusIn, useMeta } from '../store/meta';
import { datasetAsked, datasetShown, datasetUsed } from './model/datasetUsed';
import { metricLabel } from './model/labels';
import { runSummary, type RunSummary } from './summary';
import { formatDuration, formatMetric } from './model/units';
import './runs.css';

const REFRESH_MS = 3000;
const NONE: readonly RunStatus[] = []; // one empty list: a selector must not make a new one each time

function duration(r: RunRecord): number | null {
  if (!r.started_at) return null;
  const end = r.finished_at ? Date.parse(r.finished_at) : Date.now();
  return (end - Date.parse(r.started_at)) / 1000;
}

function useSummaries(runs: RunRecord[]) {
  const [summaries, setSummaries] = useState<Record<string, RunSummary>>({});
  const key = runs.map((r) => `${r.id}:${r.last_seq}:${r.status}`).join(',');
  useEffect(() => {
    let live = true;
    const todo = runs.filter((r) => summaries[r.id]?.lastSeq !== r.last_seq);
    const next = async () => {
      while (live && todo.length) {
        const run = todo.shift()!;
        try {
          const summary = await runSummary(run);
          if (live) setSummaries((s) => ({ ...s, [run.id]: summary }));
        } catch {
          /* a row without details is still a row */
        }
      }
    };
    void Promise.all([next(), next(), next()]);
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return summaries;
}

/** The sweeps to filter by (loaded once; the filter works without them). */
function useSweeps(): SweepRecord[] {
  const [sweeps, setSweeps] = useState<SweepRecord[]>([]);
  useEffect(() => {
    let live = true;
    api.sweeps().then(
      (list) => live && setSweeps(list.items),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return sweeps;
}

/** No runs to show: none yet, or none matching the filters (each said in a list). */
function EmptyNote({ status, sweep, query }: { status: string; sweep: string; query: string }) {
  const { t } = useTranslation();
  const filters = [
    status && t('runs.list.filter.status', { status: tMaybe(`run.status.${status}`, status) }),
    sweep && t('runs.list.filter.sweep', { sweep }),
    query && t('runs.list.filter.query', { query }),
  ].filter(Boolean);
  return <>{filters.length ? t('runs.list.emptyFiltered', { filters: filters.join(t('runs.list.filterSeparator')) }) : t('runs.list.empty')}</>;
}

export function RunsList({ sweep = null }: { sweep?: string | null }) {
  const [runs, setRuns] = useState<RunRecord[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string>('');
  const [sweepId, setSweepId] = useState<string>(sweep ?? '');
  const sweeps = useSweeps();
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const { theme, toggle } = useTheme();
  const statuses = useMeta((s) => s.meta?.statuses.all ?? NONE);
  const { t } = useTranslation();
  const lng = useLanguage();
  const statusText = (s: string) => tMaybe(`run.status.${s}`, s);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const list = await api.runs({ status: status || null, sweepId: sweepId || null });
        if (!live) return;
        setRuns(list.items);
        setTotal(list.total);
        setError(null);
        // Refreshed while a run has not ended (or while the server's groups are unknown).
        const meta = useMeta.getState().meta;
        if (!meta || list.items.some((r) => statusIn(meta, 'open', r.status))) timer = setTimeout(() => void load(), REFRESH_MS);
      } catch (err) {
        if (live) setError(err instanceof Error ? err.message : String(err));
      }
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [status, sweepId]);

  const shown = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return (runs ?? []).filter((r) => words.every((w) => `${r.name} ${r.id} ${r.graph_id ?? ''}`.toLowerCase().includes(w)));
  }, [runs, query]);
  const summaries = useSummaries(shown);
  const uploads = useDatasets((s) => s.catalog.uploads);

  const toggleRun = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p.slice(-1), id]));

  return (
    <div className="runs-page" data-testid="runs-list">
      <header className="run-header">
        <div className="run-title">
          <a className="brand" href="#/">
            LayerLab
          </a>
          <span className="divider" />
          <h1>{t('runs.list.title')}</h1>
          <span className="muted">{t('runs.list.inAll', { total: total.toLocaleString('en-US') })}</span>
          <span className="spacer" />
          <a href="#/" data-testid="back-to-editor">
            {t('runs.list.editor')}
          </a>
          <LanguagePicker />
          <button onClick={toggle} aria-label={t('common.switchTheme')}>
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </div>
        <div className="run-facts">
          <label className="inline-field">
            {t('runs.list.status')}
            <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="runs-status-filter">
              <option value="">{t('runs.list.any')}</option>
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {statusText(s)}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            {t('runs.list.sweep')}
            <select
              value={sweepId}
              onChange={(e) => {
                setSweepId(e.target.value);
                window.history.replaceState(null, '', e.target.value ? `#/runs?sweep=${e.target.value}` : '#/runs');
              }}
              data-testid="runs-sweep-filter"
            >
              <option value="">{t('runs.list.any')}</option>
              {sweepId && !sweeps.some((s) => s.id === sweepId) && <option value={sweepId}>{sweepId}</option>}
              {sweeps.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} · {s.id}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            {t('runs.list.search')}
            <input value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t('runs.list.searchPlaceholder')} data-testid="runs-search" />
          </label>
          <span className="spacer" />
          <span className="muted small">{picked.length === 2 ? t('runs.list.twoPicked') : t('runs.list.pickTwo')}</span>
          <a
            className={`button primary${picked.length === 2 ? '' : ' disabled'}`}
            href={picked.length === 2 ? `#/compare/${picked[0]}/${picked[1]}` : undefined}
            aria-disabled={picked.length !== 2}
            data-testid="compare-button"
          >
            {t('runs.list.compare')}
          </a>
        </div>
      </header>
      {error && <div className="banner error">{error}</div>}
      <div className="runs-table-wrap">
        <table className="runs-table">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">{t('runs.list.column.compare')}</span>
              </th>
              <th scope="col">{t('runs.list.column.run')}</th>
              <th scope="col">{t('runs.list.column.status')}</th>
              <th scope="col">{t('runs.list.column.graph')}</th>
              <th scope="col">{t('runs.list.column.dataset')}</th>
              <th scope="col">{t('runs.list.column.best')}</th>
              <th scope="col">{t('runs.list.column.steps')}</th>
              <th scope="col">{t('runs.list.column.duration')}</th>
              <th scope="col">{t('runs.list.column.created')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => {
              const s = summaries[r.id];
              const data = s ? datasetShown(datasetAsked(s.data, uploads), datasetUsed(r) ?? s.datasetUsed, t) : null;
              return (
                <tr key={r.id} data-testid={`run-row-${r.id}`} data-status={r.status}>
                  <td>
                    <input type="checkbox" checked={picked.includes(r.id)} onChange={() => toggleRun(r.id)} aria-label={t('runs.list.pick', { name: r.name, id: r.id })} data-testid={`pick-${r.id}`} />
                  </td>
                  <td>
                    <a href={`#/runs/${r.id}`} data-testid={`open-${r.id}`}>
                      {r.name || r.id}
                    </a>
                    <div className="muted small mono">
                      {r.id}
                      {r.fork && (
                        <span title={t('runs.list.forkTitle', { run: r.fork.run, step: r.fork.step.toLocaleString('en-US') })} data-testid={`forked-${r.id}`}>
                          {' '}
                          {t('runs.list.forkOf', { run: r.fork.run })}
                        </span>
                      )}
                      {r.sweep && (
                        <span data-testid={`sweep-of-${r.id}`}>
                          {' '}
                          <Trans i18nKey="runs.list.trialOf" values={{ trial: r.sweep.trial }} components={{ a: <a href={`#/sweeps/${r.sweep.sweep}`} /> }} />
                        </span>
                      )}
                    </div>
                  </td>
                  <td>
                    <span className={`status-pill status-${r.status}`}>{statusText(r.status)}</span>
                  </td>
                  <td>{r.graph_id ? <a href={`#/graphs/${r.graph_id}`}>{`${r.graph_id}${r.graph_version ? ` v${r.graph_version}` : ''}`}</a> : <span className="muted">{t('runs.list.unsaved')}</span>}</td>
                  <td data-testid={`dataset-${r.id}`} data-stand-in={data?.standIn || undefined} title={data?.title}>
                    {data ? data.text : '…'}
                    {data?.standIn && <span className="stand-in-tag">{t('runs.list.standIn')}</span>}
                  </td>
                  <td className="num" data-testid={`best-${r.id}`} title={s?.best ? metricLabel(s.best.metric, t) : undefined}>
                    {s?.best ? `${s.best.metric} ${formatMetric(s.best.value)}` : s ? '–' : '…'}
                  </td>
                  <td className="num">{s ? s.steps.toLocaleString('en-US') : '…'}</td>
                  <td className="num">{formatDuration(duration(r), t)}</td>
                  <td className="muted small">{new Date(r.created_at).toLocaleString(lng)}</td>
                </tr>
              );
            })}
            {runs && !shown.length && (
              <tr>
                <td colSpan={9} className="muted">
                  <EmptyNote status={status} sweep={sweepId} query={query} />
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
