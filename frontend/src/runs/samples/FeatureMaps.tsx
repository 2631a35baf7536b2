// Feature maps: what each Conv2d layer makes of one fixed validation image, a row per
// layer (node id, output shape, its first channels as grey images, each scaled to its
// own range: bright is where that filter responds most).
import { useTranslation } from 'react-i18next';
import type { SampleView } from '../../api/types';
import { SampleImage } from './SampleImage';
import './inside.css';

type View = Extract<SampleView, { kind: 'feature_maps' }>;

export function FeatureMaps({ view }: { view: View }) {
  const { t } = useTranslation();
  return (
    <figure className="sample-view feature-maps" data-testid="feature-maps" data-layers={view.layers.length}>
      <figcaption className="chart-title">{t('runs.samples.featureMaps.title')}</figcaption>
      <div className="feature-input">
        <SampleImage image={view.image} size={56} label={view.label ? t('runs.samples.featureMaps.inputOf', { label: view.label }) : t('runs.samples.featureMaps.input')} />
        <span className="muted small">
          {view.label ? t('runs.samples.featureMaps.noteOf', { label: view.label }) : t('runs.samples.featureMaps.note')}
        </span>
      </div>
      {view.layers.map((layer) => {
        const [channels = 0, height = 0, width = 0] = layer.shape;
        return (
          <div key={layer.node} className="feature-row" data-testid={`feature-map-${layer.node}`} data-channels={layer.channels.length}>
            <div className="feature-row-label">
              <span className="node">{layer.node}</span>
              <span className="muted small">
                {channels} × {height} × {width}
              </span>
              {layer.channels.length < channels && (
                <span className="muted small">
                  {t('runs.samples.featureMaps.firstOf', { shown: layer.channels.length, channels })}
                </span>
              )}
            </div>
            <div className="feature-channels">
              {layer.channels.map((img, i) => (
                <SampleImage key={i} image={img} size={44} label={t('runs.samples.featureMaps.channel', { node: layer.node, channel: i + 1 })} />
              ))}
            </div>
          </div>
        );
      })}
    </figure>
  );
}
