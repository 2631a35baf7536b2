// The wire while it is being dragged: over a port that would refuse it, it turns red and
// says why (cycle, port already connected, other network, dtype).
import { getBezierPath, type ConnectionLineComponentProps } from '@xyflow/react';
import type { LayerNode } from '../model/canvas';
import { connectionVerdict } from '../store/editor';

export function ConnectionLine(props: ConnectionLineComponentProps<LayerNode>) {
  const { fromX, fromY, toX, toY, fromPosition, toPosition, fromHandle, fromNode, toHandle, toNode } = props;
  let reason: string | null = null;
  if (toHandle && toNode && toHandle.type !== fromHandle.type) {
    const out = fromHandle.type === 'source';
    const verdict = connectionVerdict({
      source: out ? fromNode.id : toNode.id,
      sourcePort: (out ? fromHandle.id : toHandle.id) ?? '',
      target: out ? toNode.id : fromNode.id,
      targetPort: (out ? toHandle.id : fromHandle.id) ?? '',
    });
    if (!verdict.ok) reason = verdict.reason;
  }
  const [path] = getBezierPath({ sourceX: fromX, sourceY: fromY, sourcePosition: fromPosition, targetX: toX, targetY: toY, targetPosition: toPosition });
  return (
    <g className={`connection-line${reason ? ' refused' : ''}`}>
      <path d={path} fill="none" />
      {reason && (
        <text x={toX + 12} y={toY - 12} className="connection-reason" data-testid="connection-reason">
          {reason}
        </text>
      )}
    </g>
  );
}
