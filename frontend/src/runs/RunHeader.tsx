// The run's header: name, status, device, epoch and step with a progress bar and ETA,
// throughput, elapsed time, Pause/Resume/Stop, Fork, Download, and the way back to the graph
// it ran.
import { useState } from 'react';
import { useDatasets } from '../store/datasets';
import { statusIn, useMeta } from '../store/meta';
import { importDocument, openRunGraph } from '../store/session';
import { useTheme } from '../theme';
import { DownloadMenu } from './DownloadMenu';
import { ForkDialog } from './ForkDialog';
import { datasetAsked, datasetShown, datasetUsed } from './model/datasetUsed';
import { etaSeconds, fractionDone } from './model/progress';
import { formatDuration, formatRate } from './model/units';
import { control, runData, useRun } from './store';

function GraphLink() {
  const detail = useRun((s) => s.detail);
  if (!detail) return null;
  const { graph_id: graphId, graph_version: version } = detail;
  if (graphId) {
    return (
      <a
        href={`#/graphs/${graphId}`}
        onClick={() => void openRunGraph(detail.document, graphId, version)}
        data-testid="run-graph-link"
        title="Open the graph in the editor as this run trained it"
      >
        Open its graph{version ? ` (version ${version})` : ''}
      </a>
    );
  }
  return (
    <a
      href="#/"
      onClick={() => importDocument(JSON.stringify(detail.document), `${detail.id} snapshot`)}
      data-testid="run-graph-link"
      title="This run trained an unsaved document: open its snapshot in the editor"
    >
      Open its graph (unsaved snapshot)
    </a>
  );
}

function ForkOrigin() {
  const fork = useRun((s) => s.record?.fork ?? s.detail?.fork ?? null);
  if (!fork) return null;
  return (
    <span className="fork-origin" data-testid="run-fork-origin" title={`Started from the weights of ${fork.run}'s checkpoint ${fork.checkpoint}`}>
      <span className="muted">forked from</span>{' '}
      <a href={`#/runs/${fork.run}`} className="mono">
        {fork.run}
      </a>{' '}
      <span className="muted">at step {fork.step.toLocaleString('en-US')}</span>
    </span>
  );
}

export function RunHeader() {
  useRun((s) => s.version);
  const record = useRun((s) => s.record);
  const detail = useRun((s) => s.detail);
  const acting = useRun((s) => s.acting);
  const actionError = useRun((s) => s.actionError);
  const cursor = useRun((s) => s.cursor);
  const [forking, setForking] = useState(false);
  const { toggle, theme } = useTheme();
  const data = runData();
  const status = record?.status ?? data.status?.status ?? 'queued';
  const requested = record?.requested ?? null;
  const total = data.totalSteps;
  const fraction = fractionDone(data.step, total) ?? (status === 'finished' ? 1 : 0);
  const eta = status === 'running' ? etaSeconds(data.marks, total) : null;
  const epochs = detail?.config.epochs ?? null;
  const rate = data.metrics.get('samples_per_s')?.last() ?? null;
  const meta = useMeta((s) => s.meta);
  // Not ended yet (queued, or held by a worker): the server's "open" group.
  const active = statusIn(meta, 'open', status);
  const uploads = useDatasets((s) => s.catalog.uploads);
  const dataset = detail ? datasetShown(datasetAsked(detail.config, uploads), datasetUsed(record) ?? datasetUsed(detail)) : null;
  const shownStatus = requested === 'pause' && status === 'running' ? 'pausing' : requested === 'stop' && active ? 'stopping' : status;

  return (
    <header className="run-header" data-testid="run-header">
      <div className="run-title">
        <a className="brand" href="#/" title="The editor">
          LayerLab
        </a>
        <nav className="run-nav" aria-label="Places">
          <a href="#/" data-testid="back-to-editor">
            ← Editor
          </a>
          <a href="#/runs" data-testid="runs-link">
            All runs
          </a>
        </nav>
        <span className="divider" />
        <h1 data-testid="run-name">{record?.name || detail?.document.name || 'Run'}</h1>
        <span className={`status-pill status-${status}`} data-testid="run-status" data-status={status}>
          {shownStatus}
        </span>
        <span className="muted small mono" title="Run id">
          {record?.id}
        </span>
        <ForkOrigin />
        <span className="spacer" />
        <GraphLink />
        <button onClick={toggle} title="Switch between light and dark" aria-label="Switch theme">
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </div>
      <div className="run-facts">
        <span title={record?.device ? 'Where it trains' : 'Not on a worker yet: the device it asks for'}>
          <span className="muted">device</span> <strong data-testid="run-device">{record?.device ?? detail?.config.device ?? '–'}</strong>
        </span>
        {dataset && (
          <span className="run-dataset" title={dataset.title}>
            <span className="muted">data</span>{' '}
            <strong data-testid="run-dataset" data-stand-in={dataset.standIn || undefined}>
              {dataset.text}
            </strong>
          </span>
        )}
        <span>
          <span className="muted">epoch</span>{' '}
          <strong className="num" data-testid="run-epoch">
            {Math.min(data.epoch + (status === 'finished' ? 0 : 1), epochs ?? Infinity)}
            {epochs ? ` / ${epochs}` : ''}
          </strong>
        </span>
        <span>
          <span className="muted">step</span>{' '}
          <strong className="num" data-testid="run-step">
            {data.step.toLocaleString('en-US')}
            {total ? ` / ${total.toLocaleString('en-US')}` : ''}
          </strong>
        </span>
        <div
          className="progress"
          role="progressbar"
          aria-label="Progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(fraction * 100)}
          data-testid="run-progress"
          data-value={fraction}
        >
          <span className={`progress-fill status-${status}`} style={{ width: `${fraction * 100}%` }} />
        </div>
        <span className="num" data-testid="run-percent">
          {Math.round(fraction * 100)}%
        </span>
        <span>
          <span className="muted">ETA</span> <strong className="num" data-testid="run-eta">{status === 'finished' ? 'done' : formatDuration(eta)}</strong>
        </span>
        <span>
          <strong className="num" data-testid="run-throughput">{formatRate(rate)}</strong> <span className="muted">samples</span>
        </span>
        <span>
          <span className="muted">elapsed</span> <strong className="num" data-testid="run-elapsed">{formatDuration(data.time)}</strong>
        </span>
        <span className="spacer" />
        {status === 'paused' ? (
          <button className="primary" onClick={() => void control('resume')} disabled={acting !== null} data-testid="resume">
            ▶ Resume
          </button>
        ) : (
          <button onClick={() => void control('pause')} disabled={!active || acting !== null || requested !== null} data-testid="pause">
            ❚❚ Pause
          </button>
        )}
        <button className="danger" onClick={() => void control('stop')} disabled={!active || acting !== null || requested === 'stop'} data-testid="stop">
          ■ Stop
        </button>
        <button onClick={() => setForking(true)} disabled={!detail} data-testid="fork" title="Start a new run from one of this run's checkpoints, with edited settings">
          Fork…
        </button>
        {detail && <DownloadMenu runId={detail.id} />}
      </div>
      {dataset?.standIn && (
        <p className="run-message stand-in" data-testid="run-stand-in">
          Stand-in: {detail?.config.dataset} is not on the worker, so this run trains on {dataset.text}.
        </p>
      )}
      {(actionError || record?.failure_reason || (data.status?.message && !active)) && (
        <p className={`run-message ${statusIn(meta, 'failure', status) || actionError ? 'error' : ''}`} data-testid="run-message">
          {actionError ?? record?.failure_reason ?? data.status?.message}
        </p>
      )}
      {forking && detail && <ForkDialog detail={detail} cursor={cursor} onClose={() => setForking(false)} />}
    </header>
  );
}
