// The dataset picker: a dialog listing your uploads (with delete), the built-in sets by
// kind (each with its availability here), and the kinds you can upload; beside the list,
// the focused entry: an upload's preview, a built-in set's facts, and "Use" to train on
// it. The whole dialog takes a dropped file. Arrow keys move through the list.
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { BuiltinDataset, DatasetCatalog, DatasetRecord } from '../api/types';
import {
  availabilityView,
  builtinGroups,
  currentChoice,
  factsOfBuiltin,
  factsOfUpload,
  kindTitle,
  trainable,
  uploadKinds,
  uploadRow,
  type Choice,
} from '../data/catalog';
import { formatBytes, formatShape } from '../model/format';
import { chooseDataset, closePicker, deleteUpload, focusEntry, useDatasets, type PickerKey } from '../store/datasets';
import { useEditor } from '../store/editor';
import { useFocusTrap } from '../ui/focusTrap';
import { DataPreview } from './DataPreview';
import { DropOverlay, UploadButton, UploadStatus, useFileDrop } from './UploadStatus';

export function keyOfChoice(choice: Choice): PickerKey | null {
  if (choice.type === 'upload') return `upload:${choice.record.id}`;
  if (choice.type === 'builtin') return `builtin:${choice.dataset.name}`;
  return null;
}

export function DataPickerHost() {
  const open = useDatasets((s) => s.pickerOpen);
  return open ? <DataPicker /> : null;
}

function DataPicker() {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDivElement>(null);
  useFocusTrap(dialog);
  const catalog = useDatasets((s) => s.catalog);
  const loaded = useDatasets((s) => s.loaded);
  const loadError = useDatasets((s) => s.loadError);
  const focus = useDatasets((s) => s.focus);
  const training = useEditor((s) => s.history.present.training) as Record<string, unknown> | undefined;
  const inUse = keyOfChoice(currentChoice(training, catalog));
  const shown = focus ?? inUse;
  const { over, handlers } = useFileDrop();
  const now = new Date();

  useEffect(() => {
    // Open on the entry in use (or the one asked for); else on the upload button.
    const root = dialog.current;
    const row = root?.querySelector<HTMLElement>('.picker-row.focused .picker-row-main');
    (row ?? root?.querySelector<HTMLElement>('[data-testid=picker-upload]'))?.focus();
  }, []);

  const onListKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const rows = [...e.currentTarget.querySelectorAll<HTMLElement>('.picker-row-main')];
    const at = rows.indexOf(document.activeElement as HTMLElement);
    const next = rows[Math.min(rows.length - 1, Math.max(0, at < 0 ? 0 : at + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  };

  return (
    <div className="overlay" role="presentation" onMouseDown={(e) => e.target === e.currentTarget && closePicker()} {...handlers}>
      <div
        ref={dialog}
        className="dialog picker"
        role="dialog"
        aria-modal="true"
        aria-labelledby="picker-title"
        data-testid="data-picker"
      >
        <header className="picker-head">
          <h2 id="picker-title">{t('picker.title')}</h2>
          <span className="muted small">{t('picker.lead')}</span>
          <button className="close" onClick={closePicker} aria-label={t('picker.close')} title={t('picker.closeTitle')} data-testid="picker-close">
            ✕
          </button>
        </header>
        <div className="picker-body">
          <div className="picker-side">
            <div className="picker-drop">
              <UploadButton testId="picker-upload" className="primary" />
              <div>{t('picker.orDrop')}</div>
              <div className="muted">{t('picker.formats')}</div>
            </div>
            <div className="picker-list" onKeyDown={onListKey} aria-label={t('picker.datasets')}>
              {loadError && <p className="upload-error">{t('picker.loadError', { error: loadError })}</p>}
              <Group title={t('picker.yourUploads')} testId="picker-uploads">
                {catalog.uploads.length === 0 && <li className="picker-empty muted">{loaded ? t('picker.noneYet') : t('picker.loading')}</li>}
                {catalog.uploads.map((r) => (
                  <UploadRow key={r.id} record={r} now={now} focused={shown === `upload:${r.id}`} inUse={inUse === `upload:${r.id}`} />
                ))}
              </Group>
              {builtinGroups(catalog).map((g) => (
                <Group key={g.kind} title={kindTitle(g.kind)} testId={`picker-group-${g.kind}`}>
                  {g.datasets.map((d) => (
                    <BuiltinRow key={d.name} dataset={d} focused={shown === `builtin:${d.name}`} inUse={inUse === `builtin:${d.name}`} />
                  ))}
                </Group>
              ))}
              {uploadKinds(catalog).length > 0 && (
                <Group title={t('picker.byKind')} testId="picker-group-upload-kinds">
                  {uploadKinds(catalog).map((d) => (
                    <Row key={d.name} entry={`builtin:${d.name}`} focused={shown === `builtin:${d.name}`} testId={`picker-kind-${d.name}`}>
                      <span className="picker-row-name">{d.name}</span>
                      <span className="picker-row-sub">{d.summary}</span>
                    </Row>
                  ))}
                </Group>
              )}
            </div>
          </div>
          <Detail entry={shown} catalog={catalog} inUse={inUse} now={now} />
        </div>
        {over && <DropOverlay />}
      </div>
    </div>
  );
}

function Group({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <section className="picker-group" data-testid={testId}>
      <h3>{title}</h3>
      <ul>{children}</ul>
    </section>
  );
}

function Row({ entry, focused, testId, children, extra }: { entry: PickerKey; focused: boolean; testId: string; children: ReactNode; extra?: ReactNode }) {
  const item = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (focused) item.current?.scrollIntoView({ block: 'nearest' });
  }, [focused]);
  return (
    <li ref={item} className={`picker-row${focused ? ' focused' : ''}`} data-testid={testId}>
      <button className="picker-row-main" aria-current={focused || undefined} onClick={() => focusEntry(entry)} onFocus={() => focusEntry(entry)}>
        {children}
      </button>
      {extra}
    </li>
  );
}

function BuiltinRow({ dataset, focused, inUse }: { dataset: BuiltinDataset; focused: boolean; inUse: boolean }) {
  const { t } = useTranslation();
  const view = availabilityView(dataset.availability);
  return (
    <Row entry={`builtin:${dataset.name}`} focused={focused} testId={`picker-builtin-${dataset.name}`}>
      <span className="picker-row-name">
        {dataset.name}
        {inUse && <span className="in-use">{t('picker.inUse')}</span>}
      </span>
      <span className={`availability tone-${view.tone}`} data-testid={`availability-${dataset.name}`} data-state={dataset.availability.state}>
        {view.text}
      </span>
    </Row>
  );
}

function UploadRow({ record, now, focused, inUse }: { record: DatasetRecord; now: Date; focused: boolean; inUse: boolean }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const row = uploadRow(record, now);
  if (confirming) {
    const remove = async () => {
      setBusy(true);
      const refused = await deleteUpload(record.id);
      setBusy(false);
      setError(refused);
    };
    return (
      <li className="picker-row" data-testid={`upload-row-${record.id}`}>
        <div className="picker-confirm" role="group" aria-label={t('picker.deleteAsk', { name: row.name })}>
          <span>
            <Trans i18nKey={inUse ? 'picker.deleteConfirmInUse' : 'picker.deleteConfirm'} values={{ name: row.name }} components={{ b: <strong /> }} />
          </span>
          {error && (
            <span className="error-text" role="alert" data-testid="delete-error">
              {error}
            </span>
          )}
          <div className="button-row">
            <button className="danger" autoFocus onClick={() => void remove()} disabled={busy} data-testid="delete-confirm">
              {busy ? t('picker.deleting') : t('picker.delete')}
            </button>
            <button onClick={() => (setConfirming(false), setError(null))} data-testid="delete-keep">
              {t('picker.keep')}
            </button>
          </div>
        </div>
      </li>
    );
  }
  return (
    <Row
      entry={`upload:${record.id}`}
      focused={focused}
      testId={`upload-row-${record.id}`}
      extra={
        <button className="picker-row-delete" onClick={() => setConfirming(true)} aria-label={t('picker.deleteName', { name: row.name })} title={t('picker.deleteName', { name: row.name })} data-testid="delete-upload">
          <TrashIcon />
        </button>
      }
    >
      <span className="picker-row-name" title={row.title}>
        <span data-testid="upload-name">{row.name}</span>
        {inUse && <span className="in-use">{t('picker.inUse')}</span>}
      </span>
      <span className="picker-row-sub" data-testid="upload-meta">
        {row.kind} · {row.size} · {row.date}
      </span>
    </Row>
  );
}

function Detail({ entry, catalog, inUse, now }: { entry: PickerKey | null; catalog: DatasetCatalog; inUse: PickerKey | null; now: Date }) {
  const { t } = useTranslation();
  const upload = useDatasets((s) => s.upload);
  const useButton = useRef<HTMLButtonElement>(null);
  const record = entry?.startsWith('upload:') ? catalog.uploads.find((r) => `upload:${r.id}` === entry) : undefined;
  const builtin = entry?.startsWith('builtin:') ? catalog.builtin.find((d) => `builtin:${d.name}` === entry) : undefined;
  const justUploaded = upload.phase === 'done' && record?.id === upload.recordId;

  useEffect(() => {
    // Once an upload is in, Enter trains on it.
    if (justUploaded) useButton.current?.focus();
  }, [justUploaded]);

  let body: ReactNode = (
    <p className="picker-placeholder">
      {t('picker.placeholder')}
    </p>
  );
  let foot: ReactNode = null;
  if (record) {
    const row = uploadRow(record, now);
    body = (
      <>
        <h3 data-testid="detail-name">{record.name}</h3>
        <p className="picker-detail-sub">
          {t('picker.uploadSub', { kind: row.kind, size: row.size, date: row.date })}
        </p>
        <DataPreview record={record} />
      </>
    );
    foot = (
      <button ref={useButton} className="primary" onClick={() => chooseDataset(factsOfUpload(record))} data-testid="picker-use">
        {t('picker.use', { name: record.name })}
      </button>
    );
  } else if (builtin && (builtin.max_upload_bytes ?? 0) > 0) {
    body = (
      <>
        <h3 data-testid="detail-name">{builtin.name}</h3>
        <p className="picker-detail-sub">{builtin.summary}</p>
        <p>{builtin.max_upload_bytes ? t('picker.uploadKindMax', { max: formatBytes(builtin.max_upload_bytes) }) : t('picker.uploadKind')}</p>
        <UploadButton kind={builtin.name} label={t('data.uploadAs', { kind: builtin.name })} testId={`upload-kind-${builtin.name}`} className="primary" />
      </>
    );
  } else if (builtin) {
    const view = availabilityView(builtin.availability);
    body = (
      <>
        <h3 data-testid="detail-name">{builtin.name}</h3>
        <p className="picker-detail-sub">{builtin.summary}</p>
        <p className={`availability tone-${view.tone}`} data-testid="detail-availability" data-state={builtin.availability.state}>
          {view.text}
        </p>
        {view.uploadKind && (
          <p>
            <UploadButton kind={view.uploadKind} label={t('data.uploadAs', { kind: view.uploadKind })} testId={`upload-for-${builtin.name}`} />
          </p>
        )}
        <dl className="data-facts">
          {builtin.input_shape && (
            <div>
              <dt>{t('picker.inputShape')}</dt>
              <dd>
                {formatShape(builtin.input_shape)}
                {builtin.input_dtype === 'int64' ? t('picker.tokenIds') : ''}
              </dd>
            </div>
          )}
          {builtin.target && (
            <div>
              <dt>{t('picker.target')}</dt>
              <dd>{builtin.target === 'class' && builtin.num_classes ? t('data.factClasses', { classes: builtin.num_classes }) : builtin.target}</dd>
            </div>
          )}
        </dl>
        {builtin.notes && builtin.notes.length > 0 && (
          <ul className="data-notes" style={{ marginTop: 10 }}>
            {builtin.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        )}
      </>
    );
    foot = (
      <>
        {!trainable(builtin) && <span className="reason">{t('picker.needsFile')}</span>}
        <button ref={useButton} className="primary" onClick={() => chooseDataset(factsOfBuiltin(builtin))} disabled={!trainable(builtin)} data-testid="picker-use">
          {t('picker.use', { name: builtin.name })}
        </button>
      </>
    );
  }
  return (
    <div className="picker-detail" data-testid="picker-detail" data-entry={entry ?? ''}>
      <div className="picker-detail-body">
        <UploadStatus />
        {body}
      </div>
      {foot && (
        <div className="picker-foot">
          {entry === inUse && <span className="reason">{t('picker.inUseNote')}</span>}
          <span className="spacer" />
          <button onClick={closePicker}>{t('picker.close')}</button>
          {foot}
        </div>
      )}
    </div>
  );
}

function TrashIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round">
      <path d="M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4M6.7 6.5v5M9.3 6.5v5" />
    </svg>
  );
}
