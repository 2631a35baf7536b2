// The canvas' own types: what React Flow holds for a node and an edge.
import type { Edge, Node } from '@xyflow/react';

export interface LayerData extends Record<string, unknown> {
  type: string;
  params: Record<string, unknown>;
  repeat: number;
  network: string | null;
  label: string | null;
}

export type LayerNode = Node<LayerData, 'layer'>;
export type LayerEdge = Edge<Record<string, never>, 'shape'>;

/** A block name while its inside is open on the canvas; null for the document itself. */
export type Scope = string | null;

export const edgeKey = (source: string, sourcePort: string, target: string, targetPort: string) =>
  `${source}.${sourcePort}->${target}.${targetPort}`;
