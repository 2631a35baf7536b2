// Image views: a titled grid (GAN samples), and reconstructions (input, output, and the
// clean original when the input was corrupted).
import type { SampleView } from '../../api/types';
import { SampleImage } from './SampleImage';

type GridView = Extract<SampleView, { kind: 'image_grid' }>;
type ReconView = Extract<SampleView, { kind: 'reconstructions' }>;
type VectorView = Extract<SampleView, { kind: 'vector_reconstructions' }>;

export function ImageGrid({ view }: { view: GridView }) {
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
  const rows: [string, typeof view.inputs][] = [
    ...(view.originals ? ([['original', view.originals]] as [string, typeof view.inputs][]) : []),
    [view.originals ? 'corrupted input' : 'input', view.inputs],
    ['reconstruction', view.outputs],
  ];
  return (
    <figure className="sample-view" data-testid="reconstructions">
      <figcaption className="chart-title">Reconstructions</figcaption>
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
  return (
    <figure className="sample-view" data-testid="vector-reconstructions">
      <figcaption className="chart-title">Reconstructions (input → output)</figcaption>
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
