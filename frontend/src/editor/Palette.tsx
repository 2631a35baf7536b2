// The palette: every node type the server declares, grouped by category, searchable, with
// its one-line description. Drag an item onto the canvas, or press Enter to add it.
import { useReactFlow } from '@xyflow/react';
import { useMemo, useState } from 'react';
import { paletteGroups } from '../model/ops';
import { addNode } from '../store/editor';
import { DRAG_TYPE } from './Canvas';
import { usePlaceable } from './catalog';

export function Palette() {
  const placeable = usePlaceable();
  const [query, setQuery] = useState('');
  const groups = useMemo(() => paletteGroups(placeable, query), [placeable, query]);
  const rf = useReactFlow();

  const addAtCentre = (type: string) => {
    const box = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    const centre = box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : { x: 400, y: 300 };
    const at = rf.screenToFlowPosition(centre);
    addNode(type, { x: Math.round(at.x - 110), y: Math.round(at.y - 20) });
  };

  return (
    <aside className="palette" data-testid="palette" aria-label="Node types">
      <input
        className="palette-search"
        type="search"
        placeholder="Search layers…"
        aria-label="Search node types"
        data-testid="palette-search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="palette-groups">
        {groups.map((g) => (
          <section key={g.category} className="palette-group">
            <h3>{g.category}</h3>
            {g.ops.map((op) => (
              <div
                key={op.type}
                className="palette-item"
                role="button"
                tabIndex={0}
                draggable
                data-testid={`palette-item-${op.type}`}
                title={`${op.summary}\nDrag onto the canvas, or press Enter to add.`}
                onDragStart={(e) => {
                  e.dataTransfer.setData(DRAG_TYPE, op.type);
                  e.dataTransfer.effectAllowed = 'move';
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    addAtCentre(op.type);
                  }
                }}
                onDoubleClick={() => addAtCentre(op.type)}
              >
                <span className="palette-type">{op.type}</span>
                <span className="palette-summary">{op.summary}</span>
              </div>
            ))}
          </section>
        ))}
        {!groups.length && <p className="muted">No node type matches “{query}”.</p>}
      </div>
    </aside>
  );
}
