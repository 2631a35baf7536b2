// With nothing selected, the inspector shows the document: its name and description, and
// its `training` section: the data (DataSection) and a form for the rest (task, optimizer,
// schedule, epochs, ...). A file dropped anywhere on the panel is uploaded as training data.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formFields } from '../model/schemaForm';
import { editDocument, sealEdit, useEditor } from '../store/editor';
import { useMeta, useTrainingSchema } from '../store/meta';
import { DataSection } from './DataSection';
import { ParamField } from './ParamField';
import { DropOverlay, useFileDrop } from './UploadStatus';

export function TrainingPanel() {
  const { t } = useTranslation();
  const name = useEditor((s) => s.history.present.name ?? t('common.untitled'));
  const description = useEditor((s) => s.history.present.description ?? '');
  const training = useEditor((s) => s.history.present.training) ?? {};
  const schema = useTrainingSchema();
  const metaError = useMeta((s) => s.error);
  const fields = useMemo(
    () => (schema ? formFields(schema) : []).filter((f) => f.name !== 'dataset' && f.name !== 'dataset_options'),
    [schema],
  );
  // The fields the document sets come first; the set is fixed while the panel is open, so
  // a field does not jump away while someone types into it.
  const [shownFirst] = useState(() => new Set(Object.keys(training)));
  const { over, handlers } = useFileDrop();

  const setTraining = (field: string, value: unknown) =>
    editDocument((doc) => {
      const next: Record<string, unknown> = { ...(doc.training ?? {}) };
      if (value === undefined) delete next[field];
      else next[field] = value;
      return { ...doc, training: next };
    }, `training:${field}`);

  return (
    <div className="training-drop" data-testid="training-drop" {...handlers}>
      <section className="panel">
        <h2>{t('training.document')}</h2>
        <label className="field">
          <span className="field-label">{t('training.name')}</span>
          <input data-testid="doc-name-field" value={name} onChange={(e) => editDocument((d) => ({ ...d, name: e.target.value }), 'doc:name')}
        onBlur={sealEdit} />
        </label>
        <label className="field">
          <span className="field-label">{t('training.description')}</span>
          <textarea rows={2} value={description} onChange={(e) => editDocument((d) => ({ ...d, description: e.target.value }), 'doc:description')} onBlur={sealEdit} />
        </label>
      </section>
      <section className="panel" data-testid="training">
        <h2>{t('training.title')}</h2>
        <DataSection />
        {!schema && (
          <p className={metaError ? 'error-text' : 'muted'} data-testid="training-loading">
            {metaError ? t('training.loadFailed', { error: metaError }) : t('training.loading')}
          </p>
        )}
        {fields
          .filter((f) => shownFirst.has(f.name))
          .map((f) => (
            <ParamField key={f.name} field={f} value={training[f.name]} testId={`training-${f.name}`} onChange={(v) => setTraining(f.name, v)} />
          ))}
        <details className="more-settings" data-testid="training-more">
          <summary>{t('training.more')}</summary>
          {fields
            .filter((f) => !shownFirst.has(f.name))
            .map((f) => (
              <ParamField key={f.name} field={f} value={training[f.name]} testId={`training-${f.name}`} onChange={(v) => setTraining(f.name, v)} />
            ))}
        </details>
      </section>
      {over && <DropOverlay />}
    </div>
  );
}
