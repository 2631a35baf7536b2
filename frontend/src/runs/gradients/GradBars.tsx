// The latest gradient norms (or those at the timeline's cursor) as bars in network
// order, on a log scale, coloured by gradient health.
import { useMeta } from '../../store/meta';
import { GRAD_LABEL, gradClass, gradColor } from '../model/colors';
import { formatMetric } from '../model/units';
import { focusNode, gradPositions, runData, useRun } from '../store';

const LOG_MIN = -10;
const LOG_MAX = 3;

export function GradBars() {
  useRun((s) => s.version);
  const cursor = useRun((s) => s.cursor);
  const rule = useMeta((s) => s.meta?.gradients ?? null);
  const table = runData().grads;
  const values = table.valuesAt(cursor);
  const positions = gradPositions(rule)?.valuesAt(cursor);
  const row = table.rowAt(cursor);
  if (row < 0) return null;
  return (
    <figure className="chart" data-testid="grad-bars">
      <figcaption className="chart-title">Gradient norm per layer at step {table.steps[row]}</figcaption>
      <ul className="bars">
        {table.layers.map((layer) => {
          const v = values.get(layer) ?? null;
          const position = positions?.get(layer) ?? null;
          const kind = v === null ? 'none' : gradClass(position);
          const share = v === null || !Number.isFinite(v) ? (kind === 'nonfinite' ? 1 : 0) : (Math.log10(Math.max(v, 1e-12)) - LOG_MIN) / (LOG_MAX - LOG_MIN);
          return (
            <li key={layer} data-testid={`grad-bar-${layer}`} data-grad-class={kind}>
              <button className="bar-name link-plain" onClick={() => focusNode(layer.split('.')[0] ?? layer)} title={`Show ${layer} on the graph`}>
                {layer}
              </button>
              <span className="bar-track">
                <span className="bar-fill" style={{ width: `${Math.max(0.01, Math.min(1, share)) * 100}%`, background: gradColor(position) }} />
              </span>
              <span className="bar-value num" title={GRAD_LABEL[kind]}>
                {formatMetric(v)}
              </span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
