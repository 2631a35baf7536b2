// A similarity matrix (CLIP): one image per row, one text per column, each cell how well
// they match (a softmax over the row). The cell of the image's own text is green, the
// others red, shaded by their value, as in the confusion matrix.
import { useTranslation } from 'react-i18next';
import type { SampleView } from '../../api/types';
import { SampleImage } from './SampleImage';

type View = Extract<SampleView, { kind: 'similarity' }>;

export function Similarity({ view }: { view: View }) {
  const { t } = useTranslation();
  return (
    <figure className="sample-view" data-testid="similarity-matrix">
      <figcaption className="chart-title">{view.title}</figcaption>
      <table className="confusion">
        <thead>
          <tr>
            <th scope="col" className="muted small">
              {t('runs.samples.similarity.axes')}
            </th>
            {view.texts.map((text) => (
              <th key={text} scope="col">
                {text}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {view.values.map((row, i) => (
            <tr key={i}>
              <th scope="row">{view.images[i] && <SampleImage image={view.images[i]} size={28} label={view.labels[i] ?? ''} />}</th>
              {row.map((v, j) => {
                const value = v ?? 0;
                const own = view.texts[j] === view.labels[i];
                return (
                  <td key={j} className={own ? 'diagonal' : value >= 0.05 ? 'mistake' : ''} style={{ ['--share' as string]: String(value) }} title={t('runs.samples.similarity.cell', { label: view.labels[i], text: view.texts[j], value: value.toFixed(3) })}>
                    {Math.round(100 * value)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
