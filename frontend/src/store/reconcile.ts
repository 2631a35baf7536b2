// Rebuilding the canvas from a document (undo, fixes, loading) without losing what the
// canvas knows and the document does not: selection, measured sizes, and object identity
// for unchanged nodes, so React re-renders only what changed.
import type { LayerEdge, LayerNode } from '../model/canvas';

const sameData = (a: LayerNode, b: LayerNode) =>
  a.position.x === b.position.x &&
  a.position.y === b.position.y &&
  a.data.type === b.data.type &&
  a.data.repeat === b.data.repeat &&
  a.data.network === b.data.network &&
  a.data.label === b.data.label &&
  JSON.stringify(a.data.params) === JSON.stringify(b.data.params);

export function reconcileNodes(previous: readonly LayerNode[], next: LayerNode[]): LayerNode[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  return next.map((n) => {
    const old = before.get(n.id);
    if (!old) return n;
    if (sameData(old, n)) return old;
    return { ...n, selected: old.selected, measured: old.measured };
  });
}

export function reconcileEdges(previous: readonly LayerEdge[], next: LayerEdge[]): LayerEdge[] {
  const before = new Map(previous.map((e) => [e.id, e]));
  return next.map((e) => {
    const old = before.get(e.id);
    return old && old.source === e.source && old.target === e.target ? old : e;
  });
}
