// The latest gradient norms (or those at the timeline's cursor) as bars in network
// order, on a labelled log axis that spans every norm of the run (so it holds still
// while the cursor moves), coloured by gradient health.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useMeta } from '../../store/meta';
import { gradClass, gradColor, gradLabel } from '../model/colors';
import { logAxis, logShare } from '../model/logAxis';
import { formatMetric } from '../model/units';
import { focusNode, gradPositions, runData, useRun } from '../store';

export function GradBars() {
  const version = useRun((s) => s.version);
  const cursor = useRun((s) => s.cursor);
  const rule = useMeta((s) => s.meta?.gradients ?? null);
  const { t } = useTranslation();
  const table = runData().grads;
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the table changes in place; version says when
  const axis = useMemo(() => logAxis(table.layers.flatMap((layer) => table.column(layer))), [table, version]);
  const values = table.valuesAt(cursor);
  const positions = gradPositions(rule)?.valuesAt(cursor);
  const row = table.rowAt(cursor);
  if (row < 0) return null;
  return (
    <figure className="chart" data-testid="grad-bars">
      <figcaption className="chart-title">{t('runs.grad.barsTitle', { step: table.steps[row] })}</figcaption>
      <ul className="bars">
        {table.layers.map((layer) => {
          const v = values.get(layer) ?? null;
          const position = positions?.get(layer) ?? null;
          const kind = v === null ? 'none' : gradClass(position);
          const share = v === null ? 0 : logShare(axis, v);
          return (
            <li key={layer} data-testid={`grad-bar-${layer}`} data-grad-class={kind}>
              <button className="bar-name link-plain" onClick={() => focusNode(layer.split('.')[0] ?? layer)} title={t('runs.grad.showLayer', { layer })}>
                {layer}
              </button>
              <span className="bar-track">
                <span className="bar-fill" style={{ width: `${Math.max(0.01, share) * 100}%`, background: gradColor(position) }} />
              </span>
              <span className="bar-value num" title={gradLabel(kind, t)}>
                {formatMetric(v)}
              </span>
            </li>
          );
        })}
        <li className="bar-axis" data-testid="grad-bars-axis" aria-label={t('runs.grad.axis')}>
          <span />
          <span className="bar-axis-ticks">
            {axis.ticks.map((tick) => (
              <span key={tick.exponent} style={{ left: `${tick.at * 100}%` }}>
                {tick.label}
              </span>
            ))}
          </span>
          <span />
        </li>
      </ul>
    </figure>
  );
}
