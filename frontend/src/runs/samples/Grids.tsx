// Image views: a titled grid (GAN samples; in labelled rows of `columns` images when the
// task sends them, as diffusion's denoising steps), and reconstructions (input, output,
// and the clean original when the input was corrupted).
import { useTranslation } from 'react-i18next';
import type { SampleView } from '../../api/types';
import { SampleImage } from './SampleImage';

type GridView = Extract<SampleView, { kind: 'image_grid' }>;
type ReconView = Extract<SampleView, { kind: 'reconstructions' }>;
type VectorView = Extract<SampleView, { kind: 'vector_reconstructions' }>;

export function ImageGrid({ view }: { view: GridView }) {
  const columns = view.columns ?? 0;
  if (columns > 0) {
    const rows = Array.from({ length: Math.ceil(view.images.length / columns) }, (_, r) => view.images.slice(r * columns, (r + 1) * columns));
    return (
      <figure className="sample-view" data-testid="image-grid">
        <figcaption className="chart-title">{view.title}</figcaption>
        {rows.map((images, r) => {
          const label = view.row_labels?.[r] ?? '';
          return (
            <div key={r} className="image-row labelled" data-testid="image-grid-row">
              <span className="muted small row-label">{label}</span>
              {images.map((img, i) => (
                <SampleImage key={i} image={img} size={48} label={`${label} ${i + 1}`} />
              ))}
            </div>
          );
        })}
      </figure>
    );
  }
  return (
    <figure className="sample-view" data-testid="image-grid">
      <figcaption className="chart-title">{view.title}</figcaption>
      <div className="image-row">
        {view.images.map((img, i) => (
          <SampleImage key={i} image={img} size={64} />
        ))}
      </div>
    </figure>
  );
}

export function Reconstructions({ view }: { view: ReconView }) {
  const { t } = useTranslation();
  const rows: [string, typeof view.inputs][] = [
    ...(view.originals ? ([[t('runs.samples.grids.original'), view.originals]] as [string, typeof view.inputs][]) : []),
    [view.originals ? t('runs.samples.grids.corrupted') : t('runs.samples.grids.input'), view.inputs],
    [t('runs.samples.grids.reconstruction'), view.outputs],
  ];
  return (
    <figure className="sample-view" data-testid="reconstructions">
      <figcaption className="chart-title">{t('runs.samples.grids.reconstructions')}</figcaption>
      {rows.map(([label, images]) => (
        <div key={label} className="image-row labelled">
          <span className="muted small row-label">{label}</span>
          {images.map((img, i) => (
            <SampleImage key={i} image={img} size={56} label={`${label} ${i + 1}`} />
          ))}
        </div>
      ))}
    </figure>
  );
}

export function VectorReconstructions({ view }: { view: VectorView }) {
  const { t } = useTranslation();
  return (
    <figure className="sample-view" data-testid="vector-reconstructions">
      <figcaption className="chart-title">{t('runs.samples.grids.vector')}</figcaption>
      <table className="small num">
        <tbody>
          {view.inputs.map((row, i) => (
            <tr key={i}>
              <td>{row.map((v) => (v === null ? '–' : v.toFixed(2))).join(' ')}</td>
              <td>→</td>
              <td>{(view.outputs[i] ?? []).map((v) => (v === null ? '–' : v.toFixed(2))).join(' ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
