// Node types as the server declares them (GET /api/ops), and the ports of any node type:
// a registered op, or a block of the document (its Input/Output nodes are its ports).
import type { ApiOpSchema, BlockDoc, PortSchema } from '../api/types';
import type { JsonSchema } from './schemaForm';

export type { PortSchema };

/** A node type as GET /api/ops serves it, its parameters' JSON Schema typed for forms. */
export type OpSchema = Omit<ApiOpSchema, 'params_schema'> & { params_schema: JsonSchema };

export type OpIndex = ReadonlyMap<string, OpSchema>;

export interface NodePorts {
  inputs: PortSchema[];
  outputs: PortSchema[];
}

export type PortsOf = (type: string) => NodePorts;

/** A fallback for a type nobody declares, so its edges still have somewhere to attach. */
const UNKNOWN: NodePorts = {
  inputs: [{ name: 'x', description: 'input', optional: true, dtype: 'any' }],
  outputs: [{ name: 'y', description: 'output', optional: false, dtype: 'any' }],
};

export function indexOps(ops: readonly OpSchema[]): OpIndex {
  return new Map(ops.map((op) => [op.type, op]));
}

export function blockPorts(block: BlockDoc): NodePorts {
  const port = (id: string, kind: string): PortSchema => ({
    name: id,
    description: `block ${kind} ${id}`,
    optional: false,
    dtype: 'any',
  });
  return {
    inputs: block.nodes.filter((n) => n.type === 'Input').map((n) => port(n.id, 'input')),
    outputs: block.nodes.filter((n) => n.type === 'Output').map((n) => port(n.id, 'output')),
  };
}

export function portsResolver(ops: OpIndex, blocks: readonly BlockDoc[] = []): PortsOf {
  const byName = new Map(blocks.map((b) => [b.name, b]));
  return (type) => {
    const op = ops.get(type);
    if (op) return { inputs: op.inputs, outputs: op.outputs };
    const block = byName.get(type);
    return block ? blockPorts(block) : UNKNOWN;
  };
}

/** Types grouped by category, in the server's order, filtered by a search text. */
export function paletteGroups(
  ops: readonly OpSchema[],
  query: string,
): { category: string; ops: OpSchema[] }[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const groups = new Map<string, OpSchema[]>();
  for (const op of ops) {
    const text = `${op.type} ${op.category} ${op.summary}`.toLowerCase();
    if (!words.every((w) => text.includes(w))) continue;
    const list = groups.get(op.category) ?? [];
    list.push(op);
    groups.set(op.category, list);
  }
  // Exact and prefix matches on the type name come first within a search.
  if (words.length) {
    const q = words.join(' ');
    const rank = (op: OpSchema) => {
      const t = op.type.toLowerCase();
      return t === q ? 0 : t.startsWith(q) ? 1 : 2;
    };
    for (const list of groups.values()) list.sort((a, b) => rank(a) - rank(b));
  }
  return [...groups].map(([category, list]) => ({ category, ops: list }));
}

/** A flat list for search-and-add: exact type first, then type prefix, type substring, the rest. */
export function searchOps(ops: readonly OpSchema[], query: string): OpSchema[] {
  const q = query.trim().toLowerCase();
  const rank = (op: OpSchema) => {
    const t = op.type.toLowerCase();
    return t === q ? 0 : t.startsWith(q) ? 1 : t.includes(q) ? 2 : 3;
  };
  const found = paletteGroups(ops, query).flatMap((g) => g.ops);
  return q ? found.map((op, i) => ({ op, i, r: rank(op) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.op) : found;
}
