// The run's header: name, status, device, how the steps execute (precision, compiled, and
// the compile phase), epoch and step with a progress bar and ETA, throughput, elapsed time,
// Pause/Resume/Stop, Fork, Download, and the way back to the graph it ran.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { tMaybe, useLanguage } from '../i18n';
import { LanguagePicker } from '../i18n/LanguagePicker';
import { useDatasets } from '../store/datasets';
import { statusIn, useMessages, useMeta } from '../store/meta';
import { importDocument, openRunGraph } from '../store/session';
import { useTheme } from '../theme';
import { DownloadMenu } from './DownloadMenu';
import { ForkDialog } from './ForkDialog';
import { datasetAsked, datasetShown, datasetUsed } from './model/datasetUsed';
import { compilingNow, executionParts, type ExecutionInfo } from './model/execution';
import { etaSeconds, fractionDone } from './model/progress';
import { statusLine } from './model/statusLine';
import { formatDuration, formatRate } from './model/units';
import { control, runData, useRun } from './store';

function GraphLink() {
  const detail = useRun((s) => s.detail);
  const { t } = useTranslation();
  if (!detail) return null;
  const { graph_id: graphId, graph_version: version } = detail;
  if (graphId) {
    return (
      <a
        href={`#/graphs/${graphId}`}
        onClick={() => void openRunGraph(detail.document, graphId, version)}
        data-testid="run-graph-link"
        title={t('run.graphLinkTitle')}
      >
        {version ? t('run.graphLinkVersion', { version }) : t('run.graphLink')}
      </a>
    );
  }
  return (
    <a
      href="#/"
      onClick={() => importDocument(JSON.stringify(detail.document), t('run.snapshotName', { id: detail.id }))}
      data-testid="run-graph-link"
      title={t('run.snapshotTitle')}
    >
      {t('run.snapshot')}
    </a>
  );
}

function ForkOrigin() {
  const fork = useRun((s) => s.record?.fork ?? s.detail?.fork ?? null);
  const { t } = useTranslation();
  if (!fork) return null;
  return (
    <span className="fork-origin" data-testid="run-fork-origin" title={t('run.forkTitle', { run: fork.run, checkpoint: fork.checkpoint })}>
      <span className="muted">{t('run.forkedFrom')}</span>{' '}
      <a href={`#/runs/${fork.run}`} className="mono">
        {fork.run}
      </a>{' '}
      <span className="muted">{t('run.atStep', { step: fork.step.toLocaleString('en-US') })}</span>
    </span>
  );
}

function ExecutionFacts({ info, status }: { info: ExecutionInfo | null; status: string }) {
  const { t } = useTranslation();
  const parts = executionParts(info);
  if (!parts.length) return null;
  return (
    <span className="run-execution" data-testid="run-execution" title={t('fast.execution.title')}>
      {compilingNow(info, status) && (
        <>
          <strong data-testid="run-compiling" title={t('fast.execution.compilingTitle')}>
            {t('fast.execution.compiling')}
          </strong>{' '}
        </>
      )}
      <span className="muted">
        {parts.map((part, i) => (
          <span key={part.id} data-part={part.id} title={t(part.title)}>
            {i ? ' · ' : ''}
            {t(part.key, part.params ?? {})}
          </span>
        ))}
      </span>
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
  const { t } = useTranslation();
  const lng = useLanguage();
  const catalog = useMessages();
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
  const dataset = detail ? datasetShown(datasetAsked(detail.config, uploads), datasetUsed(record) ?? datasetUsed(detail), t) : null;
  const shownStatus = requested === 'pause' && status === 'running' ? 'pausing' : requested === 'stop' && active ? 'stopping' : status;

  return (
    <header className="run-header" data-testid="run-header">
      <div className="run-title">
        <a className="brand" href="#/" title={t('run.editorTitle')}>
          LayerLab
        </a>
        <nav className="run-nav" aria-label={t('run.places')}>
          <a href="#/" data-testid="back-to-editor">
            {t('run.backToEditor')}
          </a>
          <a href="#/runs" data-testid="runs-link">
            {t('run.allRuns')}
          </a>
        </nav>
        <span className="divider" />
        <h1 data-testid="run-name">{record?.name || detail?.document.name || t('run.run')}</h1>
        <span className={`status-pill status-${status}`} data-testid="run-status" data-status={status}>
          {tMaybe(`run.status.${shownStatus}`, shownStatus)}
        </span>
        <span className="muted small mono" title={t('run.runId')}>
          {record?.id}
        </span>
        <ForkOrigin />
        <span className="spacer" />
        <GraphLink />
        <LanguagePicker />
        <button onClick={toggle} title={t('run.themeTitle')} aria-label={t('common.switchTheme')}>
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </div>
      <div className="run-facts">
        <span title={record?.device ? t('run.deviceTitle') : t('run.deviceAsked')}>
          <span className="muted">{t('run.device')}</span> <strong data-testid="run-device">{record?.device ?? detail?.config.device ?? '–'}</strong>
        </span>
        <ExecutionFacts info={data.execution} status={status} />
        {dataset && (
          <span className="run-dataset" title={dataset.title}>
            <span className="muted">{t('run.data')}</span>{' '}
            <strong data-testid="run-dataset" data-stand-in={dataset.standIn || undefined}>
              {dataset.text}
            </strong>
          </span>
        )}
        <span>
          <span className="muted">{t('run.epoch')}</span>{' '}
          <strong className="num" data-testid="run-epoch">
            {Math.min(data.epoch + (status === 'finished' ? 0 : 1), epochs ?? Infinity)}
            {epochs ? ` / ${epochs}` : ''}
          </strong>
        </span>
        <span>
          <span className="muted">{t('run.step')}</span>{' '}
          <strong className="num" data-testid="run-step">
            {data.step.toLocaleString('en-US')}
            {total ? ` / ${total.toLocaleString('en-US')}` : ''}
          </strong>
        </span>
        <div
          className="progress"
          role="progressbar"
          aria-label={t('run.progress')}
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
          <span className="muted">{t('run.eta')}</span> <strong className="num" data-testid="run-eta">{status === 'finished' ? t('run.done') : formatDuration(eta, t)}</strong>
        </span>
        <span>
          <strong className="num" data-testid="run-throughput">{formatRate(rate)}</strong> <span className="muted">{t('run.samples')}</span>
        </span>
        <span>
          <span className="muted">{t('run.elapsed')}</span> <strong className="num" data-testid="run-elapsed">{formatDuration(data.time, t)}</strong>
        </span>
        <span className="spacer" />
        {status === 'paused' ? (
          <button className="primary" onClick={() => void control('resume')} disabled={acting !== null} data-testid="resume">
            {t('run.resume')}
          </button>
        ) : (
          <button onClick={() => void control('pause')} disabled={!active || acting !== null || requested !== null} data-testid="pause">
            {t('run.pause')}
          </button>
        )}
        <button className="danger" onClick={() => void control('stop')} disabled={!active || acting !== null || requested === 'stop'} data-testid="stop">
          {t('run.stop')}
        </button>
        <button onClick={() => setForking(true)} disabled={!detail} data-testid="fork" title={t('run.forkButtonTitle')}>
          {t('run.fork')}
        </button>
        {detail && <DownloadMenu runId={detail.id} />}
      </div>
      {dataset?.standIn && (
        <p className="run-message stand-in" data-testid="run-stand-in">
          {t('run.standIn', { asked: detail?.config.dataset, used: dataset.text })}
        </p>
      )}
      {(actionError || record?.failure_reason || (data.status?.message && !active)) && (
        <p className={`run-message ${statusIn(meta, 'failure', status) || actionError ? 'error' : ''}`} data-testid="run-message">
          {actionError ?? statusLine(record?.failure_reason ?? null, data.status, lng, catalog)}
        </p>
      )}
      {forking && detail && <ForkDialog detail={detail} cursor={cursor} onClose={() => setForking(false)} />}
    </header>
  );
}
