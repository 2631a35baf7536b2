// Predictions on validation examples: the input (a small image, or its numbers), the
// true and the predicted label, the confidence; wrong ones are marked.
import { Trans, useTranslation } from 'react-i18next';
import type { SampleView } from '../../api/types';
import { formatMetric, formatPercent } from '../model/units';
import { SampleImage } from './SampleImage';

type View = Extract<SampleView, { kind: 'predictions' }>;

export function Predictions({ view }: { view: View }) {
  const wrong = view.items.filter((p) => p.correct === false).length;
  const { t } = useTranslation();
  return (
    <figure className="sample-view" data-testid="predictions">
      <figcaption className="chart-title">
        {t('runs.samples.predictions.title', { items: view.items.length, wrong })}
      </figcaption>
      <ul className="prediction-grid">
        {view.items.map((p, i) => (
          <li key={i} className={`prediction ${p.correct === false ? 'wrong' : p.correct ? 'right' : ''}`} data-testid="prediction" data-correct={String(p.correct)}>
            {p.image ? (
              <SampleImage image={p.image} label={t('runs.samples.predictions.image', { target: p.target, predicted: p.predicted })} />
            ) : (
              <span className="num small">{(p.input ?? []).map((v) => formatMetric(v)).join(', ')}</span>
            )}
            <span className="small">
              <Trans i18nKey="runs.samples.predictions.truth" values={{ target: p.target }} components={{ b: <strong /> }} />
            </span>
            <span className="small">
              {p.correct === false ? '✗ ' : p.correct ? '✓ ' : ''}
              <Trans i18nKey="runs.samples.predictions.predicted" values={{ predicted: p.predicted }} components={{ b: <strong /> }} />
              {p.confidence !== null && p.confidence !== undefined && <span className="muted"> {formatPercent(p.confidence)}</span>}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
