// Several networks in one document (a GAN's generator and discriminator) are drawn as
// labelled groups behind their nodes.
import { ViewportPortal } from '@xyflow/react';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { NODE_HEIGHT, NODE_WIDTH } from '../model/layout';
import type { GraphDocument } from '../api/types';
import { useEditor } from '../store/editor';

interface Group {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

const PAD = 24;

const networkCount = new WeakMap<object, number>();

/** How many networks a document holds (cached per document snapshot). */
function networksIn(doc: GraphDocument): number {
  let n = networkCount.get(doc);
  if (n === undefined) {
    n = new Set((doc.nodes ?? []).map((node) => node.network ?? '')).size;
    networkCount.set(doc, n);
  }
  return n;
}

export function NetworkGroups() {
  // Cheap on every frame of a drag: only documents with several networks draw groups.
  const several = useEditor((s) => s.scope === null && networksIn(s.history.present) > 1);
  return several ? <GroupBoxes /> : null;
}

function GroupBoxes() {
  const { t } = useTranslation();
  const boxes = useEditor(
    useShallow((s) =>
      s.nodes.map((n) => `${n.data.network ?? ''}|${n.position.x}|${n.position.y}|${n.measured?.width ?? NODE_WIDTH}|${n.measured?.height ?? NODE_HEIGHT}`),
    ),
  );
  const groups = useMemo(() => {
    const by = new Map<string, Group>();
    for (const key of boxes) {
      const [name = '', xs, ys, ws, hs] = key.split('|');
      const [x, y, w, h] = [Number(xs), Number(ys), Number(ws), Number(hs)];
      const g = by.get(name);
      if (!g) by.set(name, { name, x, y, width: w, height: h });
      else {
        const right = Math.max(g.x + g.width, x + w);
        const bottom = Math.max(g.y + g.height, y + h);
        g.x = Math.min(g.x, x);
        g.y = Math.min(g.y, y);
        g.width = right - g.x;
        g.height = bottom - g.y;
      }
    }
    return by.size > 1 ? [...by.values()] : [];
  }, [boxes]);
  if (!groups.length) return null;
  return (
    <ViewportPortal>
      {groups.map((g) => (
        <div
          key={g.name}
          className="network-group"
          data-testid={`network-${g.name || 'main'}`}
          style={{ transform: `translate(${g.x - PAD}px, ${g.y - PAD - 22}px)`, width: g.width + 2 * PAD, height: g.height + 2 * PAD + 22 }}
        >
          <span className="network-label">{g.name || t('editor.canvas.mainNetwork')}</span>
        </div>
      ))}
    </ViewportPortal>
  );
}
