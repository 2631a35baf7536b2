// The timeline under the charts and the canvas: scrub back through the run (charts mark
// the step, the canvas and the samples show that moment), or follow it live.
import { Trans, useTranslation } from 'react-i18next';
import { runData, setCursor, useRun } from './store';

export function Timeline() {
  const { t } = useTranslation();
  useRun((s) => s.version);
  const cursor = useRun((s) => s.cursor);
  const { first, last } = runData().extent();
  const value = cursor ?? last;
  return (
    <div className="timeline" data-testid="timeline">
      <label className="timeline-label" htmlFor="timeline-range">
        <Trans i18nKey={cursor === null ? 'timeline.live' : 'timeline.at'} values={{ step: value.toLocaleString('en-US') }} components={{ b: <strong className="num" /> }} />
      </label>
      <input
        id="timeline-range"
        type="range"
        min={first}
        max={Math.max(first + 1, last)}
        step={1}
        value={value}
        disabled={last <= first}
        onChange={(e) => {
          const step = Number(e.target.value);
          setCursor(step >= last ? null : step);
        }}
        data-testid="timeline-range"
        aria-label={t('timeline.label')}
      />
      <button onClick={() => setCursor(null)} disabled={cursor === null} data-testid="timeline-live">
        {t('timeline.followLive')}
      </button>
    </div>
  );
}
