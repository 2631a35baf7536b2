// The task's own views at the timeline's cursor (or the latest): whatever the task sent,
// each kind as of its latest update (a 2-D boundary is redrawn several times an epoch).
import { useTranslation } from 'react-i18next';
import type { SampleView } from '../../api/types';
import { runData, useRun } from '../store';
import { Confusion } from './Confusion';
import { DecisionBoundary } from './DecisionBoundary';
import { FeatureMaps } from './FeatureMaps';
import { ImageGrid, Reconstructions, VectorReconstructions } from './Grids';
import { AttentionMap, CurvePlot, PointsPlot } from './Plots';
import { LatentSpace } from './LatentSpace';
import { Predictions } from './Predictions';
import { Similarity } from './Similarity';
import { GeneratedText, Sequences } from './TextViews';

export function SampleViewOf({ view }: { view: SampleView }) {
  switch (view.kind) {
    case 'decision_boundary':
      return <DecisionBoundary view={view} />;
    case 'predictions':
      return <Predictions view={view} />;
    case 'confusion_matrix':
      return <Confusion view={view} />;
    case 'image_grid':
      return <ImageGrid view={view} />;
    case 'reconstructions':
      return <Reconstructions view={view} />;
    case 'vector_reconstructions':
      return <VectorReconstructions view={view} />;
    case 'text':
      return <GeneratedText view={view} />;
    case 'sequences':
      return <Sequences view={view} />;
    case 'attention':
      return <AttentionMap view={view} />;
    case 'curve':
      return <CurvePlot view={view} />;
    case 'points':
      return <PointsPlot view={view} />;
    case 'similarity':
      return <Similarity view={view} />;
    case 'feature_maps':
      return <FeatureMaps view={view} />;
    case 'latent':
      return <LatentSpace view={view} />;
  }
}

/** Kinds shown first: the pictures, then the tables. */
const ORDER: SampleView['kind'][] = ['decision_boundary', 'curve', 'points', 'image_grid', 'reconstructions', 'latent', 'attention', 'text', 'similarity', 'predictions', 'sequences', 'confusion_matrix', 'feature_maps', 'vector_reconstructions'];

export function SamplesPanel({ only }: { only?: SampleView['kind'][] }) {
  useRun((s) => s.version);
  const cursor = useRun((s) => s.cursor);
  const { t } = useTranslation();
  const shown = runData()
    .viewsAt(cursor)
    .filter(({ view }) => !only || only.includes(view.kind))
    .sort((a, b) => ORDER.indexOf(a.view.kind) - ORDER.indexOf(b.view.kind));
  if (!shown.length) {
    return only ? null : <p className="muted chart-empty">{t('runs.samples.empty')}</p>;
  }
  const latest = shown.reduce((a, b) => (b.set.step > a.set.step ? b : a)).set;
  return (
    <section className="samples" data-testid="samples" data-step={latest.step}>
      <p className="muted small">
        {t('runs.samples.at', { epoch: (latest.epoch ?? 0) + 1, step: latest.step })}
      </p>
      <div className="sample-views">
        {shown.map(({ set, view }) => (
          <SampleViewOf key={`${set.seq}:${view.kind}`} view={view} />
        ))}
      </div>
    </section>
  );
}
