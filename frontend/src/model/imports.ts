// Bringing a model in from a file: which files open how, and what a refused import says.
import type { Unsupported } from '../api/types';

/** How a file dropped on the canvas (or picked) opens: a document, an ONNX model, neither. */
export function fileKind(name: string, type = ''): 'json' | 'onnx' | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json') || type === 'application/json') return 'json';
  if (lower.endsWith('.onnx')) return 'onnx';
  return null;
}

/** One line per refused operator, the first few, and how many more. */
export function refusalMessage(filename: string, unsupported: readonly Unsupported[], shown = 3): string {
  const lines = unsupported.slice(0, shown).map((u) => `${u.call}${u.where ? ` (${u.where})` : ''}: ${u.reason}`);
  const more = unsupported.length > shown ? `; and ${unsupported.length - shown} more` : '';
  const count = unsupported.length === 1 ? 'an operator' : `${unsupported.length} operators`;
  return `Cannot import ${filename}: ${count} without an exact LayerLab equivalent. ${lines.join('; ')}${more}`;
}
