// Two runs side by side (#/compare/<a>/<b>): their curves overlaid, and what differs:
// the training settings and the graph (nodes added, removed, changed).
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client';
import type { RunDetail } from '../api/types';
import { useTheme } from '../theme';
import { seriesColor } from './charts/palette';
import { UPlotChart, type Line } from './charts/UPlotChart';
import { loadHistory } from './history';
import { align } from './model/align';
import { graphDiff, isEmptyDiff, settingsDiff, showValue } from './model/diff';
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
      { label: `A ${metricLabel(k)}`, color: COLOR_A, width: 2, points: true, dash: i ? [6, 4] : undefined },
      { label: `B ${metricLabel(k)}`, color: COLOR_B, width: 2, points: true, dash: i ? [6, 4] : undefined },
    ]);
    return { data: align(series), lines };
  };
  const l = epochChart(losses);
  const o = epochChart(others);
  return (
    <div className="compare-charts">
      <UPlotChart
        testId="compare-loss-chart"
        title="Training loss per step (smoothed)"
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
          {offsetB > 0 ? 'B' : 'A'} is a fork of {offsetB > 0 ? 'A' : 'B'} at step {Math.max(offsetA, offsetB).toLocaleString('en-US')}: its steps are drawn from there, so
          its curve continues its source's (epochs below count from each run's own start).
        </p>
      )}
      {losses.length > 0 && <UPlotChart testId="compare-val-loss-chart" title="Losses per epoch" lines={l.lines} data={l.data} version="1" xLabel="epoch" formatY={(v) => formatMetric(v)} height={200} />}
      {others.length > 0 && <UPlotChart testId="compare-val-metrics-chart" title="Validation metrics per epoch" lines={o.lines} data={o.data} version="1" xLabel="epoch" formatY={(v) => formatMetric(v)} height={200} />}
    </div>
  );
}

function Differences({ a, b }: { a: Loaded; b: Loaded }) {
  const settings = settingsDiff(a.detail.config, b.detail.config);
  const graph = graphDiff(a.detail.document, b.detail.document);
  return (
    <div className="compare-diff">
      <section data-testid="settings-diff">
        <h2>Training settings</h2>
        {settings.length ? (
          <table className="diff-table">
            <thead>
              <tr>
                <th>setting</th>
                <th style={{ color: COLOR_A }}>A</th>
                <th style={{ color: COLOR_B }}>B</th>
              </tr>
            </thead>
            <tbody>
              {settings.map((c) => (
                <tr key={c.path} data-testid={`setting-${c.path}`}>
                  <td className="mono">{c.path}</td>
                  <td className="mono">{showValue(c.a)}</td>
                  <td className="mono">{showValue(c.b)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">The same settings.</p>
        )}
      </section>
      <section data-testid="graph-diff">
        <h2>Graph</h2>
        {isEmptyDiff(graph) ? (
          <p className="muted">The same graph.</p>
        ) : (
          <ul className="diff-list">
            {graph.added.map((n) => (
              <li key={`+${n.id}`} className="added" data-testid={`node-added-${n.id}`}>
                + {n.id} <span className="muted">{n.type}</span> added in B
              </li>
            ))}
            {graph.removed.map((n) => (
              <li key={`-${n.id}`} className="removed" data-testid={`node-removed-${n.id}`}>
                − {n.id} <span className="muted">{n.type}</span> only in A
              </li>
            ))}
            {graph.changed.map((c) => (
              <li key={`~${c.id}`} className="changed" data-testid={`node-changed-${c.id}`}>
                ~ {c.id} <span className="muted">{c.type}</span>: {c.details.join('; ')}
              </li>
            ))}
            {graph.edgesAdded.map((e) => (
              <li key={`+e${e}`} className="added">
                + edge {e}
              </li>
            ))}
            {graph.edgesRemoved.map((e) => (
              <li key={`-e${e}`} className="removed">
                − edge {e}
              </li>
            ))}
            {graph.blocksChanged.map((name) => (
              <li key={`b${name}`} className="changed">
                ~ block {name} differs
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
  return (
    <div className="compare-card" style={{ borderColor: color }}>
      <strong style={{ color }}>{label}</strong> <a href={`#/runs/${run.detail.id}`}>{run.detail.name}</a> <span className={`status-pill status-${run.detail.status}`}>{run.detail.status}</span>
      <div className="muted small mono">{run.detail.id}</div>
      <div className="small num">
        {acc && <>best validation accuracy {formatMetric(acc.y)} · </>}
        {loss && <>best validation loss {formatMetric(loss.y)} · </>}
        {run.data.step.toLocaleString('en-US')} steps
      </div>
    </div>
  );
}

export function Compare({ a, b }: { a: string; b: string }) {
  const runA = useRunHistory(a);
  const runB = useRunHistory(b);
  const { theme, toggle } = useTheme();
  const error = runA.error ?? runB.error;
  return (
    <div className="runs-page" data-testid="compare" data-ready={Boolean(runA.loaded && runB.loaded) || undefined}>
      <header className="run-header">
        <div className="run-title">
          <a className="brand" href="#/runs">
            LayerLab
          </a>
          <span className="divider" />
          <h1>Compare runs</h1>
          <span className="spacer" />
          <a href="#/runs">All runs</a>
          <button onClick={toggle} aria-label="Switch theme">
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
        !error && <p className="muted compare-loading">Loading both runs’ histories…</p>
      )}
    </div>
  );
}
