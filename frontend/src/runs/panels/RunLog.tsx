// The run's log lines, status changes and checkpoints, newest first.
import { useTranslation } from 'react-i18next';
import { tMaybe } from '../../i18n';
import { statusIn, useMeta } from '../../store/meta';
import { formatDuration } from '../model/units';
import { runData, useRun } from '../store';

export function RunLog() {
  useRun((s) => s.version);
  const meta = useMeta((s) => s.meta);
  const d = runData();
  const { t } = useTranslation();
  const status = (s: { status: string; message?: string | null }) => {
    const said = tMaybe(`run.status.${s.status}`, s.status);
    // The message is the server's, as it wrote it.
    return s.message ? t('runs.log.statusWith', { status: said, message: s.message }) : t('runs.log.status', { status: said });
  };
  const lines = [
    ...d.logs.map((l) => ({ seq: l.seq, time: l.time, level: l.level ?? 'info', text: l.message })),
    ...d.statuses.map((s) => ({ seq: s.seq, time: s.time, level: statusIn(meta, 'failure', s.status) ? 'error' : 'info', text: status(s) })),
    ...d.checkpoints.map((c) => ({ seq: c.seq, time: c.time, level: 'info', text: t('runs.log.checkpoint', { name: c.name, reason: tMaybe(`runs.log.reason.${c.reason}`, c.reason) }) })),
  ].sort((a, b) => b.seq - a.seq);
  if (!lines.length) return null;
  return (
    <details className="run-log" data-testid="run-log">
      <summary>
        {t('runs.log.title')} <span className="muted">({lines.length})</span>
      </summary>
      <ol>
        {lines.slice(0, 200).map((l) => (
          <li key={`${l.seq}:${l.text}`} className={`log-${l.level}`}>
            <span className="muted num">{formatDuration(l.time, t)}</span> {l.text}
          </li>
        ))}
      </ol>
    </details>
  );
}
