// What can be placed on the canvas: the server's node types plus the document's blocks.
import { useMemo } from 'react';
import type { BlockDoc } from '../api/types';
import { blockPorts, type OpSchema } from '../model/ops';
import { useEditor } from '../store/editor';

export const BLOCKS_CATEGORY = 'Blocks';

function blockEntry(block: BlockDoc): OpSchema {
  const ports = blockPorts(block);
  const inner = block.nodes.filter((n) => n.type !== 'Input' && n.type !== 'Output').length;
  return {
    type: block.name,
    category: BLOCKS_CATEGORY,
    summary: block.description || `Block of ${inner} node${inner === 1 ? '' : 's'} defined in this document`,
    inputs: ports.inputs,
    outputs: ports.outputs,
    key_params: [],
    params_schema: { type: 'object', properties: {} },
  };
}

export function usePlaceable(): OpSchema[] {
  const ops = useEditor((s) => s.ops);
  const blocks = useEditor((s) => s.history.present.blocks);
  const scope = useEditor((s) => s.scope);
  return useMemo(
    () => [
      ...ops,
      // A block cannot contain itself.
      ...(blocks ?? []).filter((b) => b.name !== scope).map(blockEntry),
    ],
    [ops, blocks, scope],
  );
}
