// Text views: generated text (language models) and sequence predictions (seq2seq).
import { useTranslation } from 'react-i18next';
import type { SampleView } from '../../api/types';

type TextView = Extract<SampleView, { kind: 'text' }>;
type SequencesView = Extract<SampleView, { kind: 'sequences' }>;

export function GeneratedText({ view }: { view: TextView }) {
  const { t } = useTranslation();
  return (
    <figure className="sample-view" data-testid="generated-text">
      <figcaption className="chart-title">{t('runs.samples.text.generated')}</figcaption>
      <pre className="generated">
        <span className="prompt">{view.prompt}</span>
        {view.text}
      </pre>
    </figure>
  );
}

export function Sequences({ view }: { view: SequencesView }) {
  const { t } = useTranslation();
  return (
    <figure className="sample-view" data-testid="sequences">
      <figcaption className="chart-title">{t('runs.samples.text.sequences')}</figcaption>
      <table className="sequences">
        <thead>
          <tr>
            <th>{t('runs.samples.text.source')}</th>
            <th>{t('runs.samples.text.target')}</th>
            <th>{t('runs.samples.text.predicted')}</th>
          </tr>
        </thead>
        <tbody>
          {view.items.map((s, i) => (
            <tr key={i} className={s.correct ? 'right' : 'wrong'} data-correct={String(s.correct)}>
              <td className="mono">{s.source}</td>
              <td className="mono">{s.target}</td>
              <td className="mono">
                {s.correct ? '✓ ' : '✗ '}
                {s.predicted}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
