// An edge labelled with the tensor it carries (from the latest check). An edge that would
// run behind other nodes (a skip connection) goes around them in a lane beside them.
import { BaseEdge, getBezierPath, useStore, type EdgeProps, type ReactFlowState } from '@xyflow/react';
import { memo, useContext } from 'react';
import { edgeSpec } from '../model/checkView';
import type { LayerEdge } from '../model/canvas';
import { formatSpec } from '../model/format';
import { bypassLane, detour, roundedPath, type Rect } from '../model/route';
import { useEditor } from '../store/editor';
import { CanvasSourceContext } from './canvasSource';
import { zoomedOut } from './LayerNode';

/** Above this many nodes edges are not routed around nodes (each edge would look at every
 * node on every frame; such graphs are drawn for their overview anyway). */
const ROUTE_LIMIT = 200;

function* obstacles(s: ReactFlowState, skip: readonly string[]): Generator<Rect> {
  for (const [id, n] of s.nodeLookup) {
    const width = n.measured?.width;
    const height = n.measured?.height;
    if (skip.includes(id) || !width || !height) continue;
    yield { x: n.internals.positionAbsolute.x, y: n.internals.positionAbsolute.y, width, height };
  }
}

function ShapeEdgeView(props: EdgeProps<LayerEdge>) {
  const { source, target, sourceHandleId, targetHandleId, selected, markerEnd } = props;
  const canvasSource = useContext(CanvasSourceContext);
  const editorLabel = useEditor((s) =>
    formatSpec(edgeSpec(s.view, s.scope, source, sourceHandleId ?? '', target, targetHandleId ?? '')),
  );
  const label = canvasSource
    ? formatSpec(edgeSpec(canvasSource.view, null, source, sourceHandleId ?? '', target, targetHandleId ?? ''))
    : editorLabel;
  const far = useStore(zoomedOut);
  const { sourceX, sourceY, targetX, targetY } = props;
  const lane = useStore((s) =>
    s.nodeLookup.size > ROUTE_LIMIT ? null : bypassLane({ x: sourceX, y: sourceY }, { x: targetX, y: targetY }, [...obstacles(s, [source, target])]),
  );
  let [path, x, y] = getBezierPath(props);
  if (lane !== null) {
    const around = detour({ x: sourceX, y: sourceY }, { x: targetX, y: targetY }, lane);
    [path, x, y] = [roundedPath(around.points), around.label.x, around.label.y];
  }
  return (
    <g className={`shape-edge${selected ? ' selected' : ''}`} data-testid={`edge-${source}-${target}`} data-routed={lane !== null || undefined}>
      <BaseEdge path={path} markerEnd={markerEnd} interactionWidth={16} />
      {label && !far && (
        <text x={x} y={y} className="edge-label" textAnchor="middle" dominantBaseline="central" data-testid={`edge-label-${source}-${target}`}>
          {label}
        </text>
      )}
    </g>
  );
}

export const ShapeEdgeComponent = memo(ShapeEdgeView);
