// What a node shows on the run's canvas: a ring in the gradient health colour, a badge
// with its gradient norm, a badge with its activation health, a mark when a health
// warning names it, and (on hover) the numbers behind them.
import { snapshotAt } from '../atCursor';
import { useMeta } from '../../store/meta';
import { GRAD_LABEL, gradClass, gradColor } from '../model/colors';
import { extremePosition } from '../model/gradScale';
import { activationHealth, DIAGNOSIS_LABEL, warningsFor, worstActivation } from '../model/health';
import { combineNorms, nodeValue } from '../model/layerTable';
import { formatMetric, formatPercent } from '../model/units';
import { useRun } from '../store';

const combineWeights = <T,>(inner: T[]): T | null => inner[0] ?? null;

export function NodeOverlay({ id }: { id: string }) {
  const version = useRun((s) => s.version);
  const cursor = useRun((s) => s.cursor);
  const rules = useMeta((s) => s.meta);
  const snap = snapshotAt(version, cursor, rules?.gradients ?? null);
  const grad = nodeValue(snap.grads, id, (inner) => (inner.some((v) => !Number.isFinite(v)) ? Number.NaN : combineNorms(inner)));
  // A block instance shows its inner layer furthest from healthy.
  const position = nodeValue(snap.gradPositions, id, extremePosition);
  const act = nodeValue(snap.activations, id, worstActivation);
  const weight = nodeValue(snap.weights, id, combineWeights);
  const warnings = warningsFor(snap.warnings, id);
  if (grad === null && act === null && !warnings.length) return null;
  const kind = grad === null ? 'none' : gradClass(position);
  const color = gradColor(position);
  const health = activationHealth(act, rules?.activations ?? null);
  const worst = warnings.find((w) => w.severity === 'error') ?? warnings[0];
  return (
    <div className={`run-overlay grad-${kind}`} data-testid={`overlay-${id}`} data-grad-class={kind}>
      {grad !== null && <span className="grad-ring" style={{ borderColor: color }} aria-hidden />}
      <div className="overlay-badges">
        {grad !== null && (
          <span className="grad-badge" style={{ background: color }} data-testid={`grad-badge-${id}`} data-grad-class={kind} data-value={grad}>
            ∇ {formatMetric(grad)}
          </span>
        )}
        {health.level !== 'none' && (
          <span className={`act-badge ${health.level}`} data-testid={`act-badge-${id}`} data-level={health.level}>
            {health.text}
          </span>
        )}
      </div>
      {worst && (
        <span className={`node-warning-mark ${worst.severity}`} data-testid={`node-warning-${id}`} title={worst.message}>
          ⚠ {DIAGNOSIS_LABEL[worst.diagnosis]}
          {warnings.length > 1 ? ` (+${warnings.length - 1})` : ''}
        </span>
      )}
      <dl className="overlay-card" role="tooltip" data-testid={`overlay-card-${id}`}>
        {grad !== null && (
          <div>
            <dt>gradient norm{snap.gradStep !== null ? ` (step ${snap.gradStep})` : ''}</dt>
            <dd>
              {formatMetric(grad)} · {GRAD_LABEL[kind]}
            </dd>
          </div>
        )}
        {weight && (
          <>
            <div>
              <dt>weight norm</dt>
              <dd>{formatMetric(weight.norm)}</dd>
            </div>
            <div>
              <dt>update / weight</dt>
              <dd>{formatMetric(weight.update_ratio)}</dd>
            </div>
          </>
        )}
        {act && (
          <>
            <div>
              <dt>activation mean ± std</dt>
              <dd>
                {formatMetric(act.mean)} ± {formatMetric(act.std)}
              </dd>
            </div>
            {act.dead_fraction !== null && act.dead_fraction !== undefined && (
              <div>
                <dt>dead units</dt>
                <dd>{formatPercent(act.dead_fraction)}</dd>
              </div>
            )}
            {act.saturated_fraction !== null && act.saturated_fraction !== undefined && (
              <div>
                <dt>saturated</dt>
                <dd>{formatPercent(act.saturated_fraction)}</dd>
              </div>
            )}
          </>
        )}
        {warnings.map((w) => (
          <div key={w.key} className={`card-warning ${w.severity}`}>
            <dt>{DIAGNOSIS_LABEL[w.diagnosis]}</dt>
            <dd>{w.message}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
