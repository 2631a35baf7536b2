// What a node shows on the run's canvas: a ring in the gradient health colour, a badge
// with its gradient norm, a badge with its activation health, a mark when a health
// warning names it, and (on hover) the numbers behind them.
import { useTranslation } from 'react-i18next';
import { snapshotAt } from '../atCursor';
import { useLanguage } from '../../i18n';
import { messageText } from '../../i18n/messages';
import { useMessages, useMeta } from '../../store/meta';
import { gradClass, gradColor, gradLabel } from '../model/colors';
import { extremePosition } from '../model/gradScale';
import { activationHealth, diagnosisLabel, warningsFor, worstActivation } from '../model/health';
import { combineNorms, nodeValue } from '../model/layerTable';
import { formatMetric, formatPercent } from '../model/units';
import { useRun } from '../store';

const combineWeights = <T,>(inner: T[]): T | null => inner[0] ?? null;

export function NodeOverlay({ id }: { id: string }) {
  const version = useRun((s) => s.version);
  const cursor = useRun((s) => s.cursor);
  const rules = useMeta((s) => s.meta);
  const { t } = useTranslation();
  const lng = useLanguage();
  const catalog = useMessages();
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
  const health = activationHealth(act, rules?.activations ?? null, t);
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
        <span className={`node-warning-mark ${worst.severity}`} data-testid={`node-warning-${id}`} title={messageText(worst.text ?? worst, lng, catalog)}>
          ⚠ {diagnosisLabel(worst.diagnosis, t)}
          {warnings.length > 1 ? ` (+${warnings.length - 1})` : ''}
        </span>
      )}
      <dl className="overlay-card" role="tooltip" data-testid={`overlay-card-${id}`}>
        {grad !== null && (
          <div>
            <dt>{snap.gradStep !== null ? t('runs.overlay.gradNormAt', { step: snap.gradStep }) : t('runs.overlay.gradNorm')}</dt>
            <dd>
              {formatMetric(grad)} · {gradLabel(kind, t)}
            </dd>
          </div>
        )}
        {weight && (
          <>
            <div>
              <dt>{t('runs.overlay.weightNorm')}</dt>
              <dd>{formatMetric(weight.norm)}</dd>
            </div>
            <div>
              <dt>{t('runs.overlay.updateRatio')}</dt>
              <dd>{formatMetric(weight.update_ratio)}</dd>
            </div>
          </>
        )}
        {act && (
          <>
            <div>
              <dt>{t('runs.overlay.activation')}</dt>
              <dd>
                {formatMetric(act.mean)} ± {formatMetric(act.std)}
              </dd>
            </div>
            {act.dead_fraction !== null && act.dead_fraction !== undefined && (
              <div>
                <dt>{t('runs.overlay.dead')}</dt>
                <dd>{formatPercent(act.dead_fraction)}</dd>
              </div>
            )}
            {act.saturated_fraction !== null && act.saturated_fraction !== undefined && (
              <div>
                <dt>{t('runs.overlay.saturated')}</dt>
                <dd>{formatPercent(act.saturated_fraction)}</dd>
              </div>
            )}
          </>
        )}
        {warnings.map((w) => (
          <div key={w.key} className={`card-warning ${w.severity}`}>
            <dt>{diagnosisLabel(w.diagnosis, t)}</dt>
            <dd>{messageText(w.text ?? w, lng, catalog)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
