// A run's Download menu: the weights of any kept checkpoint (safetensors), the events
// (JSON lines), the scalars (CSV), and a reproducibility bundle (zip: the model as PyTorch
// source, a plain PyTorch training script, config and seed, the data, the weights).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { CheckpointRecord } from '../api/types';
import { download } from '../store/ui';

export function DownloadMenu({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [kept, setKept] = useState<CheckpointRecord[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const toggle = () => {
    setOpen(!open);
    setError(null);
    if (!open) api.runCheckpoints(runId).then(setKept, () => setKept([]));
  };
  const fetchFile = async (path: string) => {
    setBusy(path);
    setError(null);
    try {
      const file = await api.runFile(runId, path);
      download(file.filename, file.blob);
      setOpen(false);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };
  const item = (path: string, label: string, testId: string, title: string) => (
    <button role="menuitem" data-testid={testId} title={title} disabled={busy !== null} onClick={() => void fetchFile(path)}>
      {busy === path ? t('download.preparing') : label}
    </button>
  );
  return (
    <div className="menu" onBlur={(e) => !e.currentTarget.contains(e.relatedTarget as Node) && setOpen(false)}>
      <button aria-haspopup="menu" aria-expanded={open} data-testid="download-menu" onClick={toggle}>
        {t('download.menu')}
      </button>
      {open && (
        <div className="menu-items menu-right" role="menu" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          {item('bundle.zip', t('download.bundle'), 'download-bundle', t('download.bundleTitle'))}
          {item('events.jsonl', t('download.events'), 'download-events', t('download.eventsTitle'))}
          {item('scalars.csv', t('download.scalars'), 'download-scalars', t('download.scalarsTitle'))}
          <div className="menu-heading">{t('download.weights')}</div>
          {kept === null && <div className="muted menu-note">{t('download.loading')}</div>}
          {kept?.length === 0 && <div className="muted menu-note">{t('download.noCheckpoint')}</div>}
          {kept?.map((c) => (
            <button
              role="menuitem"
              key={c.name}
              data-testid={`download-weights-${c.name}`}
              disabled={busy !== null}
              onClick={() => void fetchFile(`checkpoints/${encodeURIComponent(c.name)}/weights`)}
            >
              {c.name} <span className="muted">{t('download.step', { step: c.step.toLocaleString('en-US') })}</span>
            </button>
          ))}
          {error && (
            <div className="error-text menu-note" role="alert" data-testid="download-error">
              {error}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
