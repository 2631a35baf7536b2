// The run's graph, read-only, as the editor draws it (same node and edge components),
// with live overlays: gradient health as colour and badges, warnings marked. The
// snapshot is checked once for its shapes.
import { Background, Controls, ReactFlow, ReactFlowProvider, useReactFlow, type NodeMouseHandler, type ReactFlowInstance } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { GraphDocument } from '../../api/types';
import type { CanvasSource } from '../../editor/canvasSource';
import { CanvasSourceContext } from '../../editor/canvasSource';
import { LayerNodeComponent } from '../../editor/LayerNode';
import { ShapeEdgeComponent } from '../../editor/ShapeEdge';
import type { LayerEdge, LayerNode } from '../../model/canvas';
import { checkView, EMPTY_VIEW, type CheckView } from '../../model/checkView';
import { docToCanvas } from '../../model/convert';
import { layoutNodes } from '../../model/layout';
import { portsResolver } from '../../model/ops';
import { useEditor } from '../../store/editor';
import { useTheme } from '../../theme';
import { GradLegend } from '../gradients/GradLegend';
import { focusNode, useRun } from '../store';
import { NodeOverlay } from './NodeOverlay';

const nodeTypes = { layer: LayerNodeComponent };
const edgeTypes = { shape: ShapeEdgeComponent };
const fitOptions = { padding: 0.12, maxZoom: 1.1 };
const READABLE_ZOOM = 0.55;

function useGraph(doc: GraphDocument) {
  const opIndex = useEditor((s) => s.opIndex);
  return useMemo(() => {
    const graph = docToCanvas(doc, null, portsResolver(opIndex, doc.blocks ?? []));
    if (graph.unplaced.length) graph.nodes = layoutNodes(graph.nodes, graph.edges);
    return graph;
  }, [doc, opIndex]);
}

function useCheck(doc: GraphDocument, batchSize: number | null): CheckView {
  const [view, setView] = useState<CheckView>(EMPTY_VIEW);
  useEffect(() => {
    const abort = new AbortController();
    api.check(doc, batchSize, abort.signal).then(
      (result) => setView(checkView(result, doc, null)),
      () => undefined, // shapes are a nicety here; the overlays do not need them
    );
    return () => abort.abort();
  }, [doc, batchSize]);
  return view;
}

function Flow({ doc, batchSize }: { doc: GraphDocument; batchSize: number | null }) {
  const graph = useGraph(doc);
  const view = useCheck(doc, batchSize);
  const focus = useRun((s) => s.focusNode);
  const { theme } = useTheme();
  const rf = useReactFlow<LayerNode, LayerEdge>();
  const source: CanvasSource = useMemo(() => ({ view, blocks: doc.blocks ?? [], Overlay: NodeOverlay }), [view, doc.blocks]);
  const nodes = useMemo(() => graph.nodes.map((n) => ({ ...n, selected: n.id === focus })), [graph.nodes, focus]);

  // A tall graph fitted whole is too small to read its badges: show it from the top at a
  // readable zoom instead (the editor does the same).
  const onInit = useCallback(
    (instance: ReactFlowInstance<LayerNode, LayerEdge>) => {
      const box = document.querySelector('[data-testid="run-canvas"]')?.getBoundingClientRect();
      const bounds = instance.getNodesBounds(instance.getNodes());
      if (!box || !bounds.width) return;
      const fitted = Math.min(box.width / (bounds.width * 1.2), box.height / (bounds.height * 1.2), fitOptions.maxZoom);
      if (fitted >= READABLE_ZOOM) return;
      const zoom = READABLE_ZOOM;
      void instance.setViewport({ x: box.width / 2 - (bounds.x + bounds.width / 2) * zoom, y: 50 - bounds.y * zoom, zoom });
    },
    [],
  );

  useEffect(() => {
    if (!focus) return;
    void rf.fitView({ nodes: [{ id: focus }], maxZoom: 1.1, duration: 300 });
  }, [focus, rf]);

  const onNodeClick: NodeMouseHandler<LayerNode> = (_e, node) => focusNode(node.id === focus ? null : node.id);
  return (
    <CanvasSourceContext.Provider value={source}>
      <ReactFlow<LayerNode, LayerEdge>
        nodes={nodes}
        edges={graph.edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        deleteKeyCode={null}
        onNodeClick={onNodeClick}
        onInit={onInit}
        fitView
        fitViewOptions={fitOptions}
        minZoom={0.05}
        maxZoom={2.5}
        colorMode={theme}
        proOptions={{ hideAttribution: true }}
        onlyRenderVisibleElements={graph.nodes.length > 200}
      >
        <Background gap={24} size={1} />
        <Controls fitViewOptions={fitOptions} showInteractive={false} />
      </ReactFlow>
    </CanvasSourceContext.Provider>
  );
}

export function RunCanvas() {
  const detail = useRun((s) => s.detail);
  const { t } = useTranslation();
  if (!detail) return <div className="run-canvas loading muted">{t('runs.canvas.loading')}</div>;
  return (
    <div className="run-canvas" data-testid="run-canvas">
      <ReactFlowProvider>
        <Flow doc={detail.document} batchSize={detail.config.batch_size ?? null} />
      </ReactFlowProvider>
      <div className="run-canvas-legend">
        <GradLegend />
      </div>
    </div>
  );
}
