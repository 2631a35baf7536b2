// Document <-> canvas: the ONLY place where the `layerlab.graph` document and React Flow's
// nodes and edges are translated into each other. Pure functions, no store, no React.
//
// The canvas shows one scope at a time: the document's top level, or the inside of one
// block. Port-less edges get explicit handles here (the first output; inputs filled in
// order, as the server does), and lose them again on the way back where the node type has
// a single port, so documents keep their short form.
import type { BlockDoc, EdgeDoc, GraphDocument, NodeDoc } from '../api/types';
import { edgeKey, type LayerEdge, type LayerNode, type Scope } from './canvas';
import type { Connection } from './connect';
import type { PortsOf } from './ops';

export interface Body {
  nodes: NodeDoc[];
  edges: EdgeDoc[];
}

export function bodyOf(doc: GraphDocument, scope: Scope): Body {
  if (scope === null) return { nodes: doc.nodes ?? [], edges: doc.edges ?? [] };
  const block = (doc.blocks ?? []).find((b) => b.name === scope);
  return { nodes: block?.nodes ?? [], edges: block?.edges ?? [] };
}

export function withBody(doc: GraphDocument, scope: Scope, body: Body): GraphDocument {
  if (scope === null) return { ...doc, nodes: body.nodes, edges: body.edges };
  return {
    ...doc,
    blocks: (doc.blocks ?? []).map((b: BlockDoc) =>
      b.name === scope ? { ...b, nodes: body.nodes, edges: body.edges } : b,
    ),
  };
}

/** Edges with both ports named, resolved as the server resolves them. */
export interface Wire {
  source: string;
  source_port: string;
  target: string;
  target_port: string;
}

export function resolvePorts(body: Body, portsOf: PortsOf): Wire[] {
  const types = new Map(body.nodes.map((n) => [n.id, n.type]));
  const taken = new Map<string, Set<string>>();
  const takenOf = (id: string) => {
    let set = taken.get(id);
    if (!set) taken.set(id, (set = new Set()));
    return set;
  };
  for (const e of body.edges) if (e.target_port) takenOf(e.target).add(e.target_port);
  return body.edges.map((e) => {
    const sourceType = types.get(e.source);
    const targetType = types.get(e.target);
    const outs = sourceType ? portsOf(sourceType).outputs : [];
    const ins = targetType ? portsOf(targetType).inputs : [];
    const source_port = e.source_port ?? outs[0]?.name ?? 'y';
    let target_port = e.target_port ?? null;
    if (target_port === null) {
      const used = takenOf(e.target);
      const free = ins.find((p) => !used.has(p.name));
      target_port = free?.name ?? ins[ins.length - 1]?.name ?? 'x';
      used.add(target_port);
    }
    return { source: e.source, target: e.target, source_port, target_port };
  });
}

export interface CanvasGraph {
  nodes: LayerNode[];
  edges: LayerEdge[];
  /** Node ids that had no position in the document (the caller lays them out). */
  unplaced: string[];
}

export function docToCanvas(doc: GraphDocument, scope: Scope, portsOf: PortsOf): CanvasGraph {
  const body = bodyOf(doc, scope);
  const unplaced: string[] = [];
  const nodes: LayerNode[] = body.nodes.map((n) => {
    if (!n.position) unplaced.push(n.id);
    return {
      id: n.id,
      type: 'layer',
      position: { x: n.position?.x ?? 0, y: n.position?.y ?? 0 },
      data: {
        type: n.type,
        params: { ...(n.params ?? {}) },
        repeat: n.repeat ?? 1,
        network: n.network ?? null,
        label: n.label ?? null,
      },
    };
  });
  const seen = new Set<string>();
  const edges: LayerEdge[] = resolvePorts(body, portsOf).map((e) => {
    const edge = toEdge({ source: e.source, sourcePort: e.source_port, target: e.target, targetPort: e.target_port });
    const key = edge.id;
    for (let i = 2; seen.has(edge.id); i += 1) edge.id = `${key}#${i}`;
    seen.add(edge.id);
    return edge;
  });
  return { nodes, edges, unplaced };
}

/** What React Flow says joins two handles (an edge, a connection being drawn). */
export interface FlowLink {
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
}

/** A canvas link as a connection between ports: handles are the ports' names. */
export const toConnection = (link: FlowLink): Connection => ({
  source: link.source,
  sourcePort: link.sourceHandle ?? '',
  target: link.target,
  targetPort: link.targetHandle ?? '',
});

/** The canvas edge of a connection. */
export const toEdge = (c: Connection): LayerEdge => ({
  id: edgeKey(c.source, c.sourcePort, c.target, c.targetPort),
  type: 'shape',
  source: c.source,
  target: c.target,
  sourceHandle: c.sourcePort,
  targetHandle: c.targetPort,
});

function nodeDoc(node: LayerNode): NodeDoc {
  const d = node.data;
  const out: NodeDoc = { id: node.id, type: d.type };
  if (Object.keys(d.params).length) out.params = { ...d.params };
  if (d.repeat !== 1) out.repeat = d.repeat;
  if (d.network) out.network = d.network;
  if (d.label) out.label = d.label;
  out.position = { x: Math.round(node.position.x), y: Math.round(node.position.y) };
  return out;
}

export function canvasToDoc(
  doc: GraphDocument,
  scope: Scope,
  nodes: readonly LayerNode[],
  edges: readonly LayerEdge[],
  portsOf: PortsOf,
): GraphDocument {
  const types = new Map(nodes.map((n) => [n.id, n.data.type]));
  const body: Body = {
    nodes: nodes.map(nodeDoc),
    edges: edges.map((e) => {
      const out: EdgeDoc = { source: e.source, target: e.target };
      const sourceType = types.get(e.source);
      const targetType = types.get(e.target);
      const outs = sourceType ? portsOf(sourceType).outputs : [];
      const ins = targetType ? portsOf(targetType).inputs : [];
      // Single-port types need no port names; every other edge says exactly where it goes.
      if (e.sourceHandle && !(outs.length === 1 && outs[0]?.name === e.sourceHandle)) {
        out.source_port = e.sourceHandle;
      }
      if (e.targetHandle && !(ins.length === 1 && ins[0]?.name === e.targetHandle)) {
        out.target_port = e.targetHandle;
      }
      return out;
    }),
  };
  return withBody(doc, scope, body);
}

/** An empty document, as "New" makes it. */
export function emptyDocument(name = 'Untitled'): GraphDocument {
  return { format: 'layerlab.graph', version: 1, name, description: '', nodes: [], edges: [], blocks: [], training: {} };
}
