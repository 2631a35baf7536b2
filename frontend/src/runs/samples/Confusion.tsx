// The confusion matrix on the validation set: rows are true classes, columns predicted;
// cells shaded by their share of the row, the diagonal in green, mistakes in red.
import { useTranslation } from 'react-i18next';
import type { SampleView } from '../../api/types';
import { formatCount } from '../../model/format';

type View = Extract<SampleView, { kind: 'confusion_matrix' }>;

export function Confusion({ view }: { view: View }) {
  const total = view.matrix.flat().reduce((a, b) => a + b, 0);
  const right = view.matrix.reduce((s, row, i) => s + (row[i] ?? 0), 0);
  const { t } = useTranslation();
  return (
    <figure className="sample-view" data-testid="confusion-matrix">
      <figcaption className="chart-title">
        {t('runs.samples.confusion.title', { percent: total ? Math.round((100 * right) / total) : 0, total: formatCount(total) })}
      </figcaption>
      <table className="confusion">
        <thead>
          <tr>
            <th scope="col" className="muted small">
              {t('runs.samples.confusion.axes')}
            </th>
            {view.classes.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {view.matrix.map((row, i) => {
            const sum = row.reduce((a, b) => a + b, 0) || 1;
            return (
              <tr key={i}>
                <th scope="row">{view.classes[i] ?? i}</th>
                {row.map((v, j) => (
                  <td
                    key={j}
                    className={i === j ? 'diagonal' : v ? 'mistake' : ''}
                    style={{ ['--share' as string]: String(v / sum) }}
                    title={t('runs.samples.confusion.cell', { truth: view.classes[i], predicted: view.classes[j], n: formatCount(v) })}
                  >
                    {formatCount(v)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </figure>
  );
}
