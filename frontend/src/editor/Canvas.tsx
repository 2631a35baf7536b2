// The canvas: React Flow over the store's nodes and edges. Drop a palette item to add a
// node; double-click the empty canvas to search and add one there.
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type AriaLabelConfig,
  type FinalConnectionState,
  type IsValidConnection,
  type OnConnect,
  type OnConnectEnd,
} from '@xyflow/react';
import type { TFunction } from 'i18next';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { i18n } from '../i18n';
import type { LayerEdge, LayerNode } from '../model/canvas';
import { toConnection } from '../model/convert';
import { fileKind } from '../model/imports';
import {
  addNode,
  connect,
  connectionVerdict,
  notify,
  onEdgesChange,
  onNodesChange,
  setCanvasAspect,
  useEditor,
} from '../store/editor';
import { request, showWelcome } from '../store/session';
import { useTheme } from '../theme';
import { ConnectionLine } from './ConnectionLine';
import { LayerNodeComponent } from './LayerNode';
import { NetworkGroups } from './NetworkGroups';
import { QuickAdd } from './QuickAdd';
import { ShapeEdgeComponent } from './ShapeEdge';

export const DRAG_TYPE = 'application/layerlab-type';

// Module scope, so React Flow never sees new component types.
const nodeTypes = { layer: LayerNodeComponent };
const edgeTypes = { shape: ShapeEdgeComponent };
const fitOptions = { padding: 0.15, maxZoom: 1.25 };

const isValidConnection: IsValidConnection<LayerEdge> = (c) => connectionVerdict(toConnection(c)).ok;

const onConnect: OnConnect = (c) => {
  connect(toConnection(c));
};

const onConnectEnd: OnConnectEnd = (_event, state: FinalConnectionState) => {
  if (state.isValid !== false || !state.fromNode || !state.toNode || !state.fromHandle || !state.toHandle) return;
  if (state.fromHandle.type === state.toHandle.type) return;
  // Dragged from an output or from an input: the source is the output's end either way.
  const out = state.fromHandle.type === 'source';
  const [source, target] = out ? [state.fromNode, state.toNode] : [state.toNode, state.fromNode];
  const [sourceHandle, targetHandle] = out ? [state.fromHandle.id, state.toHandle.id] : [state.toHandle.id, state.fromHandle.id];
  const verdict = connectionVerdict(toConnection({ source: source.id, sourceHandle, target: target.id, targetHandle }));
  if (!verdict.ok) notify(i18n.t('editor.notice.notConnected', { reason: verdict.reason }), 'error');
};

/** The least zoom a fitted graph is shown at: node text stays about 10 px or more. A graph
 * that needs less (after wrapping into columns) is shown from its top, to scroll. */
const READABLE_ZOOM = 0.8;
// Big graphs render only what is in view (measured: bench/editor.py).
const VIRTUALIZE_ABOVE = 200;

/** Fit the graph; a graph too big to read when fitted is shown from its top (its inputs). */
function fitReadable(rf: ReturnType<typeof useReactFlow<LayerNode, LayerEdge>>) {
  const nodes = rf.getNodes();
  if (!nodes.length) return;
  const box = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
  const bounds = rf.getNodesBounds(nodes);
  if (!box) return void rf.fitView(fitOptions);
  const fitted = Math.min(box.width / (bounds.width * 1.15), box.height / (bounds.height * 1.15), fitOptions.maxZoom);
  if (fitted >= READABLE_ZOOM) return void rf.fitView(fitOptions);
  const zoom = READABLE_ZOOM;
  const x = box.width / 2 - (bounds.x + bounds.width / 2) * zoom;
  void rf.setViewport({ x: bounds.width * zoom < box.width ? x : 40 - bounds.x * zoom, y: 40 - bounds.y * zoom, zoom });
}

/** What an empty canvas says: how to begin, not an error. */
function EmptyCanvas({ inBlock }: { inBlock: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="empty-canvas" data-testid="empty-canvas">
      <h2>{inBlock ? t('editor.canvas.emptyBlockTitle') : t('editor.canvas.emptyTitle')}</h2>
      <p>
        <Trans i18nKey="editor.canvas.emptyHow" components={{ b: <strong /> }} />
      </p>
      {!inBlock && (
        <p>
          <Trans
            i18nKey="editor.canvas.emptyPreset"
            components={{ open: <button className="link" data-testid="empty-open-gallery" onClick={() => showWelcome()} /> }}
          />
        </p>
      )}
    </div>
  );
}

/** React Flow's own labels (its controls' tooltips, what screen readers hear). */
function flowLabels(t: TFunction): Partial<AriaLabelConfig> {
  return {
    'node.a11yDescription.default': t('editor.canvas.flow.nodeHelp'),
    'node.a11yDescription.keyboardDisabled': t('editor.canvas.flow.nodeHelpKeyboard'),
    'node.a11yDescription.ariaLiveMessage': ({ direction, x, y }) => t('editor.canvas.flow.moved', { direction, x, y }),
    'edge.a11yDescription.default': t('editor.canvas.flow.edgeHelp'),
    'controls.ariaLabel': t('editor.canvas.flow.controls'),
    'controls.zoomIn.ariaLabel': t('editor.canvas.flow.zoomIn'),
    'controls.zoomOut.ariaLabel': t('editor.canvas.flow.zoomOut'),
    'controls.fitView.ariaLabel': t('editor.canvas.flow.fitView'),
    'controls.interactive.ariaLabel': t('editor.canvas.flow.interactive'),
    'minimap.ariaLabel': t('editor.canvas.minimap'),
    'handle.ariaLabel': t('editor.canvas.flow.handle'),
  };
}

interface QuickAddAt {
  screen: { x: number; y: number };
  flow: { x: number; y: number };
}

export function Canvas() {
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const fitRequest = useEditor((s) => s.fitRequest);
  const scope = useEditor((s) => s.scope);
  const rf = useReactFlow<LayerNode, LayerEdge>();
  const wrapper = useRef<HTMLDivElement>(null);
  const [quickAdd, setQuickAdd] = useState<QuickAddAt | null>(null);
  const { theme } = useTheme();
  const { t } = useTranslation();
  const ariaLabels = useMemo(() => flowLabels(t), [t]);

  useEffect(() => {
    const el = wrapper.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setCanvasAspect(el.clientWidth, el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (!fitRequest) return;
    // After React Flow has measured the new nodes.
    const frame = requestAnimationFrame(() => fitReadable(rf));
    return () => cancelAnimationFrame(frame);
  }, [fitRequest, rf]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(DRAG_TYPE)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
    } else if (e.dataTransfer.types.includes('Files')) {
      e.preventDefault(); // a document (or ONNX model) file from the desktop opens
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const file = e.dataTransfer.files[0];
      if (file && !e.dataTransfer.getData(DRAG_TYPE)) {
        e.preventDefault();
        const kind = fileKind(file.name, file.type);
        if (kind === 'json') void file.text().then((text) => request.file(text, file.name));
        else if (kind === 'onnx') request.onnx(file);
        else notify(t('editor.notice.notADocument', { name: file.name }), 'error');
        return;
      }
      const type = e.dataTransfer.getData(DRAG_TYPE);
      if (!type) return;
      e.preventDefault();
      const at = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      addNode(type, { x: Math.round(at.x - 110), y: Math.round(at.y - 20) });
    },
    [rf, t],
  );

  const onDoubleClick = useCallback(
    (e: MouseEvent) => {
      const target = e.target as HTMLElement;
      if (!target.classList.contains('react-flow__pane')) return;
      const box = wrapper.current?.getBoundingClientRect();
      setQuickAdd({
        screen: { x: e.clientX - (box?.left ?? 0), y: e.clientY - (box?.top ?? 0) },
        flow: rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }),
      });
    },
    [rf],
  );

  return (
    <div className="canvas" data-testid="canvas" ref={wrapper} onDoubleClick={onDoubleClick}>
      <ReactFlow<LayerNode, LayerEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        connectionLineComponent={ConnectionLine}
        onDrop={onDrop}
        onDragOver={onDragOver}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control']}
        zoomOnDoubleClick={false}
        minZoom={0.05}
        maxZoom={2.5}
        colorMode={theme}
        fitViewOptions={fitOptions}
        proOptions={{ hideAttribution: true }}
        onlyRenderVisibleElements={nodes.length > VIRTUALIZE_ABOVE}
        ariaLabelConfig={ariaLabels}
      >
        <NetworkGroups />
        <Background gap={24} size={1} />
        <MiniMap pannable zoomable ariaLabel={t('editor.canvas.minimap')} />
        <Controls fitViewOptions={fitOptions} />
      </ReactFlow>
      {nodes.length === 0 && !quickAdd && <EmptyCanvas inBlock={scope !== null} />}
      {quickAdd && (
        <QuickAdd
          at={quickAdd.screen}
          onPick={(type) => {
            addNode(type, { x: Math.round(quickAdd.flow.x - 110), y: Math.round(quickAdd.flow.y - 20) });
            setQuickAdd(null);
          }}
          onClose={() => setQuickAdd(null)}
        />
      )}
    </div>
  );
}
