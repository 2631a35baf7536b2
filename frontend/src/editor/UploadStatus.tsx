// Uploading training data: the button that opens the file chooser, the drop-zone handlers,
// and the upload's progress (bytes and percent, cancellable) or outcome (the server's
// message, which names the row, column or entry at fault).
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { headline, isActive, progressView } from '../data/upload';
import { cancelUpload, dismissUpload, uploadFile, useDatasets } from '../store/datasets';
import './data.css';

interface UploadButtonProps {
  /** Upload as this kind (csv, image_zip, text, idx); null lets the server tell from the content. */
  kind?: string | null;
  label?: string;
  testId: string;
  className?: string;
}

export function UploadButton({ kind = null, label, testId, className }: UploadButtonProps) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const busy = useDatasets((s) => isActive(s.upload));
  return (
    <>
      <button
        className={className}
        onClick={() => input.current?.click()}
        disabled={busy}
        data-testid={testId}
        title={busy ? t('data.uploadBusy') : kind ? t('data.uploadKindTitle', { kind }) : t('data.uploadTitle')}
      >
        {label ?? t('data.upload')}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        data-testid={`${testId}-input`}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void uploadFile(file, kind);
        }}
      />
    </>
  );
}

const carriesFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');

/** Handlers that make an element a drop zone for one file, and whether a file is over it. */
export function useFileDrop(kind: string | null = null) {
  const [over, setOver] = useState(false);
  const handlers = {
    onDragOver: (e: DragEvent<HTMLElement>) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      if (!over) setOver(true);
    },
    onDragLeave: (e: DragEvent<HTMLElement>) => {
      if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
    },
    onDrop: (e: DragEvent<HTMLElement>) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      e.stopPropagation();
      setOver(false);
      const file = e.dataTransfer.files[0];
      if (file) void uploadFile(file, kind);
    },
  };
  return { over, handlers };
}

/** A file dropped outside a drop zone would make the browser leave the editor to show it. */
export function useNoFileNavigation() {
  useEffect(() => {
    const stop = (e: globalThis.DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    window.addEventListener('dragover', stop);
    window.addEventListener('drop', stop);
    return () => {
      window.removeEventListener('dragover', stop);
      window.removeEventListener('drop', stop);
    };
  }, []);
}

export function DropOverlay() {
  const { t } = useTranslation();
  return (
    <div className="drop-overlay" data-testid="drop-overlay">
      <div>
        {t('editor.upload.drop')}
        <small>{t('picker.formats')}</small>
      </div>
    </div>
  );
}

export function UploadStatus() {
  const { t } = useTranslation();
  const upload = useDatasets((s) => s.upload);
  if (upload.phase === 'idle') return null;
  const view = progressView(upload, t);
  const active = isActive(upload);
  return (
    <div className={`upload-status upload-${upload.phase}`} data-testid="upload-status" data-phase={upload.phase} role={upload.phase === 'failed' ? 'alert' : 'status'}>
      <div className="upload-head">
        <strong title={upload.file}>
          {headline(upload, t)}
        </strong>
        {active ? (
          <button onClick={cancelUpload} data-testid="upload-cancel" disabled={upload.phase === 'reading'} title={upload.phase === 'reading' ? t('editor.upload.readingTitle') : t('editor.upload.stopTitle')}>
            {t('editor.upload.cancel')}
          </button>
        ) : (
          <button className="link" onClick={dismissUpload} data-testid="upload-dismiss" aria-label={t('editor.upload.dismiss')}>
            {t('editor.upload.dismiss')}
          </button>
        )}
      </div>
      {view && (
        <>
          <div
            className={`upload-bar${view.fraction === null ? ' indeterminate' : ''}`}
            role="progressbar"
            aria-label={t('editor.upload.uploading', { file: upload.file })}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={view.fraction === null ? undefined : Math.floor(view.fraction * 100)}
            aria-valuetext={view.text}
            data-testid="upload-progress"
            data-fraction={view.fraction ?? ''}
          >
            <span style={{ width: `${(view.fraction ?? 1) * 100}%` }} />
          </div>
          <div className="upload-numbers" data-testid="upload-progress-text">
            {view.text}
          </div>
        </>
      )}
      {upload.phase === 'failed' && (
        <p className="upload-error" data-testid="upload-error">
          {upload.message}
        </p>
      )}
      {upload.phase === 'done' && !upload.created && <p className="muted small">{t('editor.upload.sameBytes')}</p>}
    </div>
  );
}
