// Fork: start a new run from the weights of one of this run's kept checkpoints, with
// edited training settings. The new run trains the same graph snapshot, counts its own
// steps from 0, and gets a fresh optimizer and schedule under the edited settings.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n } from '../i18n';
import { api } from '../api/client';
import type { CheckpointRecord, RunDetail } from '../api/types';
import { ParamField } from '../editor/ParamField';
import { useFocusTrap } from '../ui/focusTrap';
import { formFields, type FieldSpec } from '../model/schemaForm';
import { useTrainingSchema } from '../store/meta';
import { same } from './model/diff';
import { defaultCheckpoint, forkOverrides, settingChanges, shortValue } from './model/fork';
import { formatDuration } from './model/units';

/** Shown first: what people change when they fork (the rest are under "More settings"). */
const FIRST = ['epochs', 'lr', 'optimizer', 'schedule', 'weight_decay', 'batch_size', 'clip_grad_norm'];

interface Props {
  detail: RunDetail;
  /** The timeline's step (null: the live end): the checkpoint offered first is at or before it. */
  cursor: number | null;
  onClose: () => void;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function ForkDialog({ detail, cursor, onClose }: Props) {
  const { t } = useTranslation();
  const base = detail.config as unknown as Record<string, unknown>;
  const [kept, setKept] = useState<CheckpointRecord[] | null>(null);
  const [chosen, setChosen] = useState<string>('');
  const [edited, setEdited] = useState<Record<string, unknown>>(() => ({ ...base }));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const schema = useTrainingSchema();
  const dialog = useRef<HTMLDivElement>(null);
  useFocusTrap(dialog);

  // Settings a fork may change: every plain field but the task (the graph's outputs
  // were built for it); structured ones (telemetry, dataset options) stay as they were.
  const fields = useMemo(() => (schema ? formFields(schema) : []).filter((f) => f.kind !== 'text' && f.name !== 'task'), [schema]);
  const first = fields.filter((f) => FIRST.includes(f.name)).sort((a, b) => FIRST.indexOf(a.name) - FIRST.indexOf(b.name));
  const more = fields.filter((f) => !FIRST.includes(f.name));
  const changes = settingChanges(base, edited);

  useEffect(() => {
    let live = true;
    api.runCheckpoints(detail.id).then(
      (list) => {
        if (!live) return;
        setKept(list);
        setChosen(defaultCheckpoint(list, cursor)?.name ?? '');
      },
      (err: unknown) => live && setError(i18n.t('fork.listError', { error: errorText(err) })),
    );
    return () => {
      live = false;
    };
  }, [detail.id, cursor]);

  useEffect(() => {
    dialog.current?.querySelector<HTMLElement>('select, input, button')?.focus();
  }, [kept]);

  const submit = async () => {
    if (!chosen || busy) return;
    setBusy(true);
    setError(null);
    try {
      const run = await api.forkRun(detail.id, chosen, forkOverrides(base, edited));
      onClose();
      window.location.hash = `#/runs/${run.id}`;
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    }
  };

  const field = (f: FieldSpec) => {
    const value = edited[f.name];
    const changed = !same(value, base[f.name]);
    return (
      <div key={f.name} className={`fork-field${changed ? ' changed' : ''}`}>
        <ParamField
          field={f}
          // Undefined shows the default; `reset` goes back to it.
          value={f.hasDefault && same(value, f.defaultValue) ? undefined : value}
          testId={`fork-${f.name}`}
          onChange={(v) => setEdited((s) => ({ ...s, [f.name]: v === undefined ? f.defaultValue : v }))}
        />
        {changed && (
          <span className="fork-was muted small">
            {t('fork.was', { value: shortValue(base[f.name]) })}{' '}
            <button type="button" className="link" onClick={() => setEdited((s) => ({ ...s, [f.name]: base[f.name] }))}>
              {t('fork.undo')}
            </button>
          </span>
        )}
      </div>
    );
  };

  const picked = kept?.find((c) => c.name === chosen);
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={dialog} className="dialog fork-dialog" role="dialog" aria-modal="true" aria-labelledby="fork-title" data-testid="fork-dialog" onKeyDown={onKey}>
        <h2 id="fork-title">{t('fork.title', { name: detail.name || detail.id })}</h2>
        <p className="muted small">
          {t('fork.lead')}
        </p>
        <label className="field">
          <span className="field-label">{t('fork.checkpoint')}</span>
          {kept === null ? (
            <span className="muted">{t('fork.loading')}</span>
          ) : kept.length === 0 ? (
            <span className="muted" data-testid="fork-no-checkpoint">
              {t('fork.noCheckpoint')}
            </span>
          ) : (
            <select data-testid="fork-checkpoint" value={chosen} onChange={(e) => setChosen(e.target.value)}>
              {kept.map((c, i) => (
                <option key={c.name} value={c.name}>
                  {t(i === 0 ? 'fork.optionLatest' : 'fork.option', { step: c.step.toLocaleString('en-US'), time: new Date(c.created_at).toLocaleTimeString() })}
                </option>
              ))}
            </select>
          )}
          {picked && (
            <span className="field-help">
              {t('fork.saved', { ago: formatDuration((Date.now() - new Date(picked.created_at).getTime()) / 1000, t), attempt: picked.attempt })}
            </span>
          )}
        </label>
        <div className="fork-fields">{first.map(field)}</div>
        <details className="more-settings">
          <summary>{t('fork.more')}</summary>
          <div className="fork-fields">{more.map(field)}</div>
        </details>
        <p className="fork-summary" data-testid="fork-changes">
          {changes.length === 0
            ? t('fork.same')
            : t('fork.changes', { changes: changes.map((c) => t('fork.change', { field: c.field, from: shortValue(c.from), to: shortValue(c.to) })).join(', ') })}
        </p>
        {error && (
          <p className="run-message error" role="alert" data-testid="fork-error">
            {error}
          </p>
        )}
        <div className="button-row dialog-actions">
          <button onClick={onClose}>{t('fork.cancel')}</button>
          <button className="primary" disabled={!chosen || busy} onClick={() => void submit()} data-testid="fork-start" title={t('fork.startTitle')}>
            {busy ? t('fork.starting') : t('fork.start')}
          </button>
        </div>
      </div>
    </div>
  );
}
