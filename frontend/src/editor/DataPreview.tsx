// An upload seen before training on it: what training will see (input shape, target,
// classes, samples), the head of the table with each column's type and role, labelled
// thumbnails, the start of the text, and the class counts as bars.
import { useTranslation } from 'react-i18next';
import type { DatasetPreview as Preview, DatasetRecord } from '../api/types';
import { classBars, columnNote, imbalanceNote, infoFacts, tableSummary, thumbnailSrc } from '../data/preview';
import { loadPreview, useDatasets } from '../store/datasets';

export function DataPreview({ record }: { record: DatasetRecord }) {
  const { t } = useTranslation();
  const entry = useDatasets((s) => s.previews[record.id]);
  return (
    <div className="data-preview" data-testid="data-preview" data-id={record.id} data-state={entry?.state ?? 'loading'}>
      <section>
        <h4>{t('editor.preview.sees')}</h4>
        <dl className="data-facts" data-testid="data-info">
          {infoFacts(record.info, t).map((f) => (
            <div key={f.key}>
              <dt>{f.label}</dt>
              <dd data-testid={`data-info-${f.key}`}>{f.value}</dd>
            </div>
          ))}
        </dl>
      </section>
      {entry?.state === 'ready' && <PreviewBody preview={entry.preview} />}
      {(!entry || entry.state === 'loading') && <p className="muted">{t('editor.preview.loading')}</p>}
      {entry?.state === 'error' && (
        <p className="upload-error" role="alert">
          {entry.message}{' '}
          <button className="link" onClick={() => void loadPreview(record.id, true)}>
            {t('editor.preview.tryAgain')}
          </button>
        </p>
      )}
      {record.info.notes && record.info.notes.length > 0 && (
        <section>
          <h4>{t('editor.preview.howRead')}</h4>
          <ul className="data-notes" data-testid="data-notes">
            {record.info.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function PreviewBody({ preview }: { preview: Preview }) {
  const { t } = useTranslation();
  const counts = preview.class_counts ?? [];
  const images = preview.images ?? [];
  const uneven = imbalanceNote(counts, t);
  return (
    <>
      {preview.table && (
        <section>
          <h4>
            {t('editor.preview.firstRows')} <span className="muted">· {tableSummary(preview.table.columns, t)}</span>
          </h4>
          <div className="preview-table-wrap">
            <table className="preview-table" data-testid="preview-table">
              <thead>
                <tr>
                  {preview.table.columns.map((c) => (
                    <th key={c.name} scope="col" className={`role-${c.role}`} data-testid={`preview-column-${c.name}`} data-type={c.type} data-role={c.role}>
                      {c.name}
                      <small>{columnNote(c, t)}</small>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.table.rows.map((row, i) => (
                  <tr key={i}>
                    {row.map((cell, j) => (
                      <td key={j} className={`role-${preview.table?.columns[j]?.role ?? 'feature'}`} title={cell}>
                        {cell}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {images.length > 0 && (
        <section>
          <h4>
            {t('editor.preview.samples')} <span className="muted">· {t('editor.preview.samplesNote', { count: images.length })}</span>
          </h4>
          <ul className="thumbs" data-testid="preview-images">
            {images.map((image, i) => (
              <li key={i} data-testid="preview-image" data-label={image.label}>
                <img src={thumbnailSrc(image.png)} alt={image.label} />
                <span title={image.label}>{image.label}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {preview.text != null && (
        <section>
          <h4>
            {t('editor.preview.text')} <span className="muted">· {t('editor.preview.textNote', { count: preview.text.length.toLocaleString('en-US') })}</span>
          </h4>
          <pre className="preview-text" data-testid="preview-text">
            {preview.text}
          </pre>
        </section>
      )}
      {counts.length > 0 && (
        <section>
          <h4>
            {t('editor.preview.classCounts')} <span className="muted">· {t('editor.preview.classCountsNote')}</span>
          </h4>
          <ul className="class-bars" data-testid="class-counts">
            {classBars(counts).map((bar) => (
              <li key={bar.name} data-testid={`class-count-${bar.name}`} data-count={bar.count}>
                <span className="class-bar-name" title={bar.name}>
                  {bar.name}
                </span>
                <span className="class-bar" aria-hidden>
                  <span style={{ width: `${bar.share * 100}%` }} />
                </span>
                <span className="class-bar-count">{bar.label}</span>
              </li>
            ))}
          </ul>
          {uneven && <p className="preview-note">{uneven}</p>}
        </section>
      )}
    </>
  );
}
