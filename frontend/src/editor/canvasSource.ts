// Where the canvas' node and edge components read their check view from. The editor
// leaves it unset (they read the editor store); the run page provides its own: the run's
// snapshot, checked once, read-only, with an overlay drawn into each node (live gradient
// and activation health).
import { createContext, type ComponentType } from 'react';
import type { BlockDoc } from '../api/types';
import type { CheckView } from '../model/checkView';

export interface CanvasSource {
  view: CheckView;
  blocks: readonly BlockDoc[];
  /** Drawn inside each node, e.g. a badge; it reads its own data by node id. */
  Overlay: ComponentType<{ id: string }> | null;
}

export const CanvasSourceContext = createContext<CanvasSource | null>(null);
