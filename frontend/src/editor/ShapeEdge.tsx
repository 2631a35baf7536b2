// An edge labelled with the tensor it carries (from the latest check).
import { BaseEdge, getBezierPath, useStore, type EdgeProps } from '@xyflow/react';
import { memo, useContext } from 'react';
import { edgeSpec } from '../model/checkView';
import type { LayerEdge } from '../model/canvas';
import { formatSpec } from '../model/format';
import { useEditor } from '../store/editor';
import { CanvasSourceContext } from './canvasSource';
import { zoomedOut } from './LayerNode';

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
  const [path, x, y] = getBezierPath(props);
  return (
    <g className={`shape-edge${selected ? ' selected' : ''}`} data-testid={`edge-${source}-${target}`}>
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
