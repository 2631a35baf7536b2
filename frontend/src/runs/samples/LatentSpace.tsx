// Latent space: the autoencoder's codes of validation samples on their first two
// principal axes, coloured by class when the data has classes; for a VAE, a walk from
// one validation code to another, decoded.
import { useTranslation } from 'react-i18next';
import type { SampleView } from '../../api/types';
import { seriesColor } from '../charts/palette';
import { SampleImage } from './SampleImage';
import './inside.css';

type View = Extract<SampleView, { kind: 'latent' }>;

const WIDTH = 320;
const HEIGHT = 240;
const PAD = 18;
const UNLABELLED = '#868e96';

const percent = (share: number | null) => `${Math.round(100 * (share ?? 0))}%`;

export function LatentSpace({ view }: { view: View }) {
  const points = view.points.filter((p): p is [number, number, number | null] => p[0] !== null && p[1] !== null);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs, 0), Math.max(...xs, 0)];
  const [y0, y1] = [Math.min(...ys, 0), Math.max(...ys, 0)];
  const sx = (x: number) => PAD + ((x - x0) / (x1 - x0 || 1)) * (WIDTH - 2 * PAD);
  const sy = (y: number) => HEIGHT - PAD - ((y - y0) / (y1 - y0 || 1)) * (HEIGHT - 2 * PAD);
  const present = [...new Set(points.map((p) => p[2]).filter((c): c is number => c !== null))].sort((a, b) => a - b);
  const name = (c: number) => view.classes?.[c] ?? String(c);
  const { t } = useTranslation();
  return (
    <figure className="sample-view latent-space" data-testid="latent-space" data-points={points.length}>
      <figcaption className="chart-title">
        {t('runs.samples.latent.title', { node: view.node, dims: view.dims })}
      </figcaption>
      <svg className="latent-plot" width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={t('runs.samples.latent.label', { points: points.length })}>
        <line className="axis" x1={PAD} x2={WIDTH - PAD} y1={sy(0)} y2={sy(0)} />
        <line className="axis" x1={sx(0)} x2={sx(0)} y1={PAD} y2={HEIGHT - PAD} />
        <text className="axis-label" x={WIDTH - PAD} y={HEIGHT - 5} textAnchor="end">
          PC1 {percent(view.explained[0])}
        </text>
        <text className="axis-label" x={5} y={12}>
          PC2 {percent(view.explained[1])}
        </text>
        {points.map(([x, y, c], i) => (
          <circle key={i} cx={sx(x)} cy={sy(y)} r={3.2} fill={c === null ? UNLABELLED : seriesColor(c)} fillOpacity={0.85}>
            <title>{c === null ? t('runs.samples.latent.sample', { index: i + 1 }) : name(c)}</title>
          </circle>
        ))}
      </svg>
      {present.length > 0 && (
        <ul className="latent-legend" aria-label={t('runs.samples.latent.classes')}>
          {present.map((c) => (
            <li key={c}>
              <span className="latent-swatch" style={{ background: seriesColor(c) }} />
              {name(c)}
            </li>
          ))}
        </ul>
      )}
      {view.walk && view.walk.length > 0 && (
        <div data-testid="latent-walk">
          <p className="muted small">
            {t('runs.samples.latent.walk', { from: view.walk_labels?.[0], to: view.walk_labels?.[1] })}
          </p>
          <div className="latent-walk">
            {view.walk.map((img, i) => (
              <SampleImage key={i} image={img} size={40} label={t('runs.samples.latent.walkStep', { step: i + 1 })} />
            ))}
          </div>
        </div>
      )}
    </figure>
  );
}
