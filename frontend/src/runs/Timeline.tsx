// The timeline under the charts and the canvas: scrub back through the run (charts mark
// the step, the canvas and the samples show that moment), or follow it live.
import { runData, setCursor, useRun } from './store';

export function Timeline() {
  useRun((s) => s.version);
  const cursor = useRun((s) => s.cursor);
  const { first, last } = runData().extent();
  const value = cursor ?? last;
  return (
    <div className="timeline" data-testid="timeline">
      <label className="timeline-label" htmlFor="timeline-range">
        {cursor === null ? 'Live' : 'At'} step <strong className="num">{value.toLocaleString('en-US')}</strong>
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
        aria-label="Timeline: the step shown on the charts, the graph and the samples"
      />
      <button onClick={() => setCursor(null)} disabled={cursor === null} data-testid="timeline-live">
        Follow live
      </button>
    </div>
  );
}
