// The Training panel's data block: what the document trains on and whether it can here
// (on this server, generated, a stand-in, or waiting for a file), "Change…" to the picker,
// "Upload data…", the upload's progress, and what the last choice changed in the graph
// with one Undo.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { DatasetRecord } from '../api/types';
import { availabilityView, currentChoice } from '../data/catalog';
import { formatBytes, formatShape } from '../model/format';
import { describeChange } from '../model/applyDataset';
import { dismissNote, openPicker, undoChoice, useAppliedNote, useDatasets } from '../store/datasets';
import { useEditor } from '../store/editor';
import { keyOfChoice } from './DataPicker';
import { UploadButton, UploadStatus } from './UploadStatus';

function facts(t: TFunction, shape: number[] | null | undefined, dtype: string | null | undefined, target: string | null | undefined, classes: number | null | undefined): string {
  const parts: string[] = [];
  if (shape) parts.push(t(dtype === 'int64' ? 'data.factSamplesIds' : 'data.factSamples', { shape: formatShape(shape) }));
  if (classes && target === 'class') parts.push(t('data.factClasses', { classes }));
  if (classes && target === 'sequence') parts.push(t('data.factVocabulary', { classes }));
  if (target === 'value') parts.push(t('data.factNumeric'));
  return parts.join(' · ');
}

const uploadFacts = (t: TFunction, r: DatasetRecord) => facts(t, r.info.input_shape, r.info.input_dtype, r.info.target, r.info.num_classes);

export function DataSection() {
  const { t } = useTranslation();
  const training = useEditor((s) => s.history.present.training) as Record<string, unknown> | undefined;
  const catalog = useDatasets((s) => s.catalog);
  const loaded = useDatasets((s) => s.loaded);
  // The picker shows the upload while it is open; the panel, once it is closed.
  const pickerOpen = useDatasets((s) => s.pickerOpen);
  const choice = currentChoice(training, catalog);
  const key = keyOfChoice(choice);

  let name = t('data.none');
  let summary: string;
  let line: string | null = null;
  let availability: ReactNode = null;
  let uploadKind: string | null = null;
  if (choice.type === 'builtin') {
    const d = choice.dataset;
    const view = availabilityView(d.availability);
    name = d.name;
    summary = d.summary;
    line = facts(t, d.input_shape, d.input_dtype, d.target, d.num_classes);
    uploadKind = view.uploadKind;
    availability = (
      <div className={`availability tone-${view.tone}`} data-testid="dataset-availability" data-state={d.availability.state}>
        {view.text}
      </div>
    );
  } else if (choice.type === 'upload') {
    const r = choice.record;
    name = r.name;
    summary = t('data.yourUpload', { kind: r.kind, size: formatBytes(r.bytes) });
    line = uploadFacts(t, r);
  } else if (choice.type === 'unknown') {
    name = choice.name;
    summary = choice.upload ? t('data.uploadMissing') : loaded ? t('data.unknown') : t('data.loading');
  } else {
    summary = t('data.noneYet');
  }

  return (
    <div className="data-block">
      <div className="field-label">
        <span>{t('data.label')}</span>
      </div>
      <div className="data-current" data-testid="training-dataset" data-value={choice.type === 'none' ? '' : choice.type === 'upload' ? choice.record.config.dataset : name} data-choice={choice.type}>
        <div className="data-current-head">
          <span className="data-current-name" data-testid="dataset-name" title={name}>
            {name}
          </span>
          <button onClick={() => openPicker(key)} data-testid="choose-dataset" title={t('data.changeTitle')}>
            {t('data.change')}
          </button>
        </div>
        {summary && <div className="data-current-summary">{summary}</div>}
        {availability}
        {line && (
          <div className="data-current-facts" data-testid="dataset-facts">
            {line}
          </div>
        )}
        {uploadKind && (
          <div className="data-upload-row">
            <UploadButton kind={uploadKind} label={t('data.uploadAs', { kind: uploadKind })} testId="upload-for-current" />
          </div>
        )}
      </div>
      <div className="data-upload-row">
        <UploadButton testId="upload-data" />
        <span className="muted">{t('data.orDrop')}</span>
      </div>
      {!pickerOpen && <UploadStatus />}
      <AppliedNote />
    </div>
  );
}

function AppliedNote() {
  const { t } = useTranslation();
  const note = useAppliedNote();
  if (!note) return null;
  return (
    <div className="applied-note" role="status" data-testid="data-applied-note">
      <div className="applied-note-head">
        <strong title={note.label}>{t('data.trainingOn', { label: note.label })}</strong>
        <button onClick={undoChoice} data-testid="data-applied-undo" title={t('data.undoTitle')}>
          {t('data.undo')}
        </button>
        <button className="link" onClick={dismissNote} aria-label={t('data.dismissNote')} title={t('data.dismiss')}>
          ✕
        </button>
      </div>
      {note.changes.length ? (
        <ul data-testid="data-applied-changes">
          {note.changes.map((c) => (
            <li key={`${c.node}:${c.field}`}>{describeChange(c)}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('data.nothingChanged')}</p>
      )}
    </div>
  );
}
