// Predictions on validation examples: the input (a small image, or its numbers), the
// true and the predicted label, the confidence; wrong ones are marked.
import type { SampleView } from '../../api/types';
import { formatMetric, formatPercent } from '../model/units';
import { SampleImage } from './SampleImage';

type View = Extract<SampleView, { kind: 'predictions' }>;

export function Predictions({ view }: { view: View }) {
  const wrong = view.items.filter((p) => p.correct === false).length;
  return (
    <figure className="sample-view" data-testid="predictions">
      <figcaption className="chart-title">
        Predictions ({view.items.length}, {wrong} wrong)
      </figcaption>
      <ul className="prediction-grid">
        {view.items.map((p, i) => (
          <li key={i} className={`prediction ${p.correct === false ? 'wrong' : p.correct ? 'right' : ''}`} data-testid="prediction" data-correct={String(p.correct)}>
            {p.image ? (
              <SampleImage image={p.image} label={`true ${p.target}, predicted ${p.predicted}`} />
            ) : (
              <span className="num small">{(p.input ?? []).map((v) => formatMetric(v)).join(', ')}</span>
            )}
            <span className="small">
              true <strong>{p.target}</strong>
            </span>
            <span className="small">
              {p.correct === false ? '✗ ' : p.correct ? '✓ ' : ''}pred <strong>{p.predicted}</strong>
              {p.confidence !== null && p.confidence !== undefined && <span className="muted"> {formatPercent(p.confidence)}</span>}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
