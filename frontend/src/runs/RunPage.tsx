// A run's page (#/runs/<id>): the header, the graph with live overlays beside the charts
// in tabs, and the timeline under both.
import { useEffect, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { RunCanvas } from './canvas/RunCanvas';
import { LossChart } from './charts/LossChart';
import { EpochCharts, StepMetricChart } from './charts/MetricCharts';
import { GradBars } from './gradients/GradBars';
import { GradHeatmap } from './gradients/GradHeatmap';
import { GradLegend } from './gradients/GradLegend';
import { Warnings } from './gradients/Warnings';
import { ActivationsPanel } from './panels/ActivationsPanel';
import { RunLog } from './panels/RunLog';
import { WeightsPanel } from './panels/WeightsPanel';
import { RunHeader } from './RunHeader';
import { SamplesPanel } from './samples/SamplesPanel';
import { closeRun, openRun, runData, setTab, useRun, type RunTab } from './store';
import { Timeline } from './Timeline';
import './runs.css';

const TABS: { id: RunTab }[] = [{ id: 'overview' }, { id: 'gradients' }, { id: 'activations' }, { id: 'weights' }, { id: 'samples' }];

function ConnectionBanner() {
  const connection = useRun((s) => s.connection);
  const detail = useRun((s) => s.connectionDetail);
  const loadError = useRun((s) => s.loadError);
  const { t } = useTranslation();
  if (loadError) {
    return (
      <div className="banner error" role="alert" data-testid="run-load-error">
        {loadError}
      </div>
    );
  }
  if (connection === 'reconnecting') {
    return (
      <div className="banner warning" role="status" data-testid="reconnecting">
        {t('run.reconnecting', { detail: detail ?? '' })}
      </div>
    );
  }
  if (connection === 'closed') {
    return (
      <div className="banner error" role="alert" data-testid="stream-closed">
        {t('run.closed', { detail: detail ?? t('run.closedByServer') })}
      </div>
    );
  }
  return null;
}

function Tabs() {
  const tab = useRun((s) => s.tab);
  const { t: tr } = useTranslation();
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const t = TABS[(next + TABS.length) % TABS.length]!;
    setTab(t.id);
    document.getElementById(`run-tab-${t.id}`)?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={tr('run.tabs')} onKeyDown={onKey}>
      {TABS.map((t) => (
        <button
          key={t.id}
          id={`run-tab-${t.id}`}
          role="tab"
          aria-selected={tab === t.id}
          aria-controls="run-tabpanel"
          tabIndex={tab === t.id ? 0 : -1}
          className={`tab${tab === t.id ? ' active' : ''}`}
          onClick={() => setTab(t.id)}
          data-testid={`tab-${t.id}`}
        >
          {tr(`run.tab.${t.id}`)}
        </button>
      ))}
    </div>
  );
}

function Overview() {
  const { t } = useTranslation();
  // The picture first: on a 2-D task the decision boundary is the payoff.
  return (
    <>
      <Warnings compact />
      <SamplesPanel only={['decision_boundary', 'curve', 'points']} />
      <LossChart />
      <EpochCharts />
      <StepMetricChart metric="lr" title={t('run.learningRate')} testId="lr-chart" />
      <RunLog />
    </>
  );
}

function Gradients() {
  return (
    <>
      <GradLegend />
      <Warnings />
      <GradBars />
      <GradHeatmap />
    </>
  );
}

function Panel() {
  const tab = useRun((s) => s.tab);
  return (
    <div className="tab-panel" id="run-tabpanel" role="tabpanel" aria-labelledby={`run-tab-${tab}`} data-testid={`panel-${tab}`}>
      {tab === 'overview' && <Overview />}
      {tab === 'gradients' && <Gradients />}
      {tab === 'activations' && <ActivationsPanel />}
      {tab === 'weights' && <WeightsPanel />}
      {tab === 'samples' && <SamplesPanel />}
    </div>
  );
}

export function RunPage({ runId }: { runId: string }) {
  useEffect(() => {
    openRun(runId);
    return () => closeRun();
  }, [runId]);
  const version = useRun((s) => s.version);
  const connection = useRun((s) => s.connection);
  return (
    <div className="run-view" data-testid="run-view" data-run={runId} data-last-seq={runData().lastSeq} data-version={version} data-connection={connection}>
      <RunHeader />
      <ConnectionBanner />
      <div className="run-body">
        <RunCanvas />
        <section className="run-panels">
          <Tabs />
          <Panel />
        </section>
      </div>
      <Timeline />
    </div>
  );
}
