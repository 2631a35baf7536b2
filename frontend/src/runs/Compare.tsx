// Two runs side by side (#/compare/<a>/<b>): their curves overlaid, and what differs:
// the training settings and the graph (nodes added, removed, changed).
import { useEffect, useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { RunDetail } from '../api/types';
import { tMaybe } from '../i18n';
import { LanguagePicker } from '../i18n/LanguagePicker';
import { useTheme } from '../theme';
import { seriesColor } from './charts/palette';
import { UPlotChart, type Line } from './charts/UPlotChart';
import { loadHistory } from './history';
import { align } from './model/align';
import { graphDiff, isEmptyDiff, sayDetail, settingsDiff, showValue } from './model/diff';
import { metricLabel } from './model/labels';
import { stepOffsets } from './model/fork';
import type { RunData } from './model/runData';
import { Series } from './model/series';
import { smooth } from './model/smoothing';
import { formatMetric } from './model/units';
import './runs.css';

interface Loaded {
  detail: RunDetail;
  data: RunData;
}

function useRunHistory(runId: string) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([api.run(runId), loadHistory(runId)]).then(
      ([detail, data]) => live && setLoaded({ detail, data }),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [runId]);
  return { loaded, error };
}

const COLOR_A = seriesColor(0);
const COLOR_B = seriesColor(1);

/** The series smoothed, its steps moved by `offset` (a fork drawn after its source). */
function smoothed(series: Series | undefined, offset: number): Series {
  const out = new Series();
  if (!series) return out;
  const ys = smooth(series.y, series.length > 200 ? 0.9 : 0.6);
  series.x.forEach((x, i) => out.push(x + offset, ys[i] ?? null));
  return out;
}

function OverlayCharts({ a, b }: { a: Loaded; b: Loaded }) {
  const { t } = useTranslation();
  const [offsetA, offsetB] = stepOffsets(a.detail, b.detail);
  const loss = useMemo(
    () => align([smoothed(a.data.metrics.get('train/loss'), offsetA), smoothed(b.data.metrics.get('train/loss'), offsetB)]),
    [a, b, offsetA, offsetB],
  );
  const epochKeys = [...new Set([...a.data.epochMetrics.keys(), ...b.data.epochMetrics.keys()])];
  const losses = epochKeys.filter((k) => k.includes('loss'));
  const others = epochKeys.filter((k) => !k.includes('loss'));
  const epochChart = (keys: string[]) => {
    const series = keys.flatMap((k) => [a.data.epochMetrics.get(k) ?? new Series(), b.data.epochMetrics.get(k) ?? new Series()]);
    const lines: Line[] = keys.flatMap((k, i) => [
      { label: `A ${metricLabel(k, t)}`, color: COLOR_A, width: 2, points: true, dash: i ? [6, 4] : undefined },
      { label: `B ${metricLabel(k, t)}`, color: COLOR_B, width: 2, points: true, dash: i ? [6, 4] : undefined },
    ]);
    return { data: align(series), lines };
  };
  const l = epochChart(losses);
  const o = epochChart(others);
  return (
    <div className="compare-charts">
      <UPlotChart
        testId="compare-loss-chart"
        title={t('runs.compare.lossTitle')}
        lines={[
          { label: `A ${a.detail.id}`, color: COLOR_A, width: 2 },
          { label: `B ${b.detail.id}`, color: COLOR_B, width: 2 },
        ]}
        data={loss}
        version={`${a.detail.id}:${b.detail.id}`}
        xLabel="step"
        points={loss[0].length}
        formatY={(v) => formatMetric(v)}
      />
      {(offsetA > 0 || offsetB > 0) && (
        <p className="muted small" data-testid="compare-fork-note">
          {t('runs.compare.forkNote', { fork: offsetB > 0 ? 'B' : 'A', source: offsetB > 0 ? 'A' : 'B', step: Math.max(offsetA, offsetB).toLocaleString('en-US') })}
        </p>
      )}
      {losses.length > 0 && <UPlotChart testId="compare-val-loss-chart" title={t('chart.lossesPerEpoch')} lines={l.lines} data={l.data} version="1" xLabel="epoch" formatY={(v) => formatMetric(v)} height={200} />}
      {others.length > 0 && <UPlotChart testId="compare-val-metrics-chart" title={t('chart.metricsPerEpoch')} lines={o.lines} data={o.data} version="1" xLabel="epoch" formatY={(v) => formatMetric(v)} height={200} />}
    </div>
  );
}

/** A node line of the graph's differences: its id, its type muted, the sentence around them. */
function NodeLine({ i18nKey, id, type, details }: { i18nKey: 'runs.compare.nodeAdded' | 'runs.compare.nodeRemoved' | 'runs.compare.nodeChanged'; id: string; type: string; details?: string }) {
  return <Trans i18nKey={i18nKey} values={{ id, type, details }} components={{ muted: <span className="muted" /> }} />;
}

function Differences({ a, b }: { a: Loaded; b: Loaded }) {
  const { t } = useTranslation();
  const settings = settingsDiff(a.detail.config, b.detail.config);
  const graph = graphDiff(a.detail.document, b.detail.document);
  return (
    <div className="compare-diff">
      <section data-testid="settings-diff">
        <h2>{t('runs.compare.settings')}</h2>
        {settings.length ? (
          <table className="diff-table">
            <thead>
              <tr>
                <th>{t('runs.compare.setting')}</th>
                <th style={{ color: COLOR_A }}>A</th>
                <th style={{ color: COLOR_B }}>B</th>
              </tr>
            </thead>
            <tbody>
              {settings.map((c) => (
                <tr key={c.path} data-testid={`setting-${c.path}`}>
                  <td className="mono">{c.path}</td>
                  <td className="mono">{showValue(c.a, t)}</td>
                  <td className="mono">{showValue(c.b, t)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">{t('runs.compare.sameSettings')}</p>
        )}
      </section>
      <section data-testid="graph-diff">
        <h2>{t('runs.compare.graph')}</h2>
        {isEmptyDiff(graph) ? (
          <p className="muted">{t('runs.compare.sameGraph')}</p>
        ) : (
          <ul className="diff-list">
            {graph.added.map((n) => (
              <li key={`+${n.id}`} className="added" data-testid={`node-added-${n.id}`}>
                <NodeLine i18nKey="runs.compare.nodeAdded" id={n.id} type={n.type} />
              </li>
            ))}
            {graph.removed.map((n) => (
              <li key={`-${n.id}`} className="removed" data-testid={`node-removed-${n.id}`}>
                <NodeLine i18nKey="runs.compare.nodeRemoved" id={n.id} type={n.type} />
              </li>
            ))}
            {graph.changed.map((c) => (
              <li key={`~${c.id}`} className="changed" data-testid={`node-changed-${c.id}`}>
                <NodeLine i18nKey="runs.compare.nodeChanged" id={c.id} type={c.type} details={c.details.map((d) => sayDetail(d, t)).join(t('runs.compare.detailSeparator'))} />
              </li>
            ))}
            {graph.edgesAdded.map((e) => (
              <li key={`+e${e}`} className="added">
                {t('runs.compare.edgeAdded', { edge: e })}
              </li>
            ))}
            {graph.edgesRemoved.map((e) => (
              <li key={`-e${e}`} className="removed">
                {t('runs.compare.edgeRemoved', { edge: e })}
              </li>
            ))}
            {graph.blocksChanged.map((name) => (
              <li key={`b${name}`} className="changed">
                {t('runs.compare.blockChanged', { name })}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function RunCard({ label, color, run }: { label: string; color: string; run: Loaded }) {
  const acc = run.data.epochMetrics.get('val/acc')?.best(true);
  const loss = run.data.epochMetrics.get('val/loss')?.best(false);
  const { t } = useTranslation();
  const steps = run.data.step;
  const facts = [
    acc && t('runs.compare.bestAccuracy', { value: formatMetric(acc.y) }),
    loss && t('runs.compare.bestLoss', { value: formatMetric(loss.y) }),
    t('runs.compare.steps', { count: steps, steps: steps.toLocaleString('en-US') }),
  ].filter(Boolean);
  return (
    <div className="compare-card" style={{ borderColor: color }}>
      <strong style={{ color }}>{label}</strong> <a href={`#/runs/${run.detail.id}`}>{run.detail.name}</a> <span className={`status-pill status-${run.detail.status}`}>{tMaybe(`run.status.${run.detail.status}`, run.detail.status)}</span>
      <div className="muted small mono">{run.detail.id}</div>
      <div className="small num">{facts.join(' · ')}</div>
    </div>
  );
}

export function Compare({ a, b }: { a: string; b: string }) {
  const runA = useRunHistory(a);
  const runB = useRunHistory(b);
  const { theme, toggle } = useTheme();
  const error = runA.error ?? runB.error;
  const { t } = useTranslation();
  return (
    <div className="runs-page" data-testid="compare" data-ready={Boolean(runA.loaded && runB.loaded) || undefined}>
      <header className="run-header">
        <div className="run-title">
          <a className="brand" href="#/runs">
            LayerLab
          </a>
          <span className="divider" />
          <h1>{t('runs.compare.title')}</h1>
          <span className="spacer" />
          <a href="#/runs">{t('run.allRuns')}</a>
          <LanguagePicker />
          <button onClick={toggle} aria-label={t('common.switchTheme')}>
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </div>
      </header>
      {error && <div className="banner error">{error}</div>}
      {runA.loaded && runB.loaded ? (
        <div className="compare-body">
          <div className="compare-cards">
            <RunCard label="A" color={COLOR_A} run={runA.loaded} />
            <RunCard label="B" color={COLOR_B} run={runB.loaded} />
          </div>
          <OverlayCharts a={runA.loaded} b={runB.loaded} />
          <Differences a={runA.loaded} b={runB.loaded} />
        </div>
      ) : (
        !error && <p className="muted compare-loading">{t('runs.compare.loading')}</p>
      )}
    </div>
  );
}
