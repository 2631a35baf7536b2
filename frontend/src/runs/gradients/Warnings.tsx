// Health warnings standing at the cursor (or now), each naming its layer; a click shows
// the layer on the graph. Errors red, warnings amber; gradient diagnoses carry the
// gradient scale's colour of their measurement.
import { CLASS_POSITION, gradColor } from '../model/colors';
import { DIAGNOSIS_LABEL, standingWarnings } from '../model/health';
import { formatMetric } from '../model/units';
import { focusNode, runData, setCursor, useRun } from '../store';

export function Warnings({ compact = false }: { compact?: boolean }) {
  useRun((s) => s.version);
  const cursor = useRun((s) => s.cursor);
  const warnings = standingWarnings(runData().health, cursor);
  if (!warnings.length) {
    return compact ? null : (
      <p className="muted" data-testid="health-ok">
        No health warnings{cursor === null ? '' : ' at this step'}.
      </p>
    );
  }
  return (
    <ul className="warnings" data-testid="health-warnings" aria-label="Health warnings">
      {warnings.map((w) => {
        const gradient = w.diagnosis === 'vanishing_gradients' || w.diagnosis === 'exploding_gradients';
        return (
          <li key={w.key} className={`warning-item ${w.severity}`} data-testid={`warning-${w.node ?? 'network'}`} data-diagnosis={w.diagnosis}>
            {gradient && <span className="swatch" style={{ background: gradColor(CLASS_POSITION[w.diagnosis === 'vanishing_gradients' ? 'vanishing' : 'exploding']) }} aria-hidden />}
            <strong>{DIAGNOSIS_LABEL[w.diagnosis]}</strong>
            {w.node ? (
              <button className="link" onClick={() => focusNode(w.node!.split('.')[0] ?? w.node)}>
                {w.node}
              </button>
            ) : (
              <span className="muted">whole network</span>
            )}
            <span className="warning-message">{w.message}</span>
            {w.value !== null && <span className="muted num">({formatMetric(w.value)})</span>}
            <button className="link muted" onClick={() => setCursor(w.step)} title="Move the timeline to where it was raised">
              step {w.step}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
