// The palette: every node type the server declares, grouped by category, searchable, with
// its one-line description. Drag an item onto the canvas, or press Enter to add it.
import { useReactFlow } from '@xyflow/react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pickZh, tMaybe, useLanguage } from '../i18n';
import { paletteGroups } from '../model/ops';
import { addNode } from '../store/editor';
import { DRAG_TYPE } from './Canvas';
import { usePlaceable } from './catalog';

export function Palette() {
  const placeable = usePlaceable();
  const [query, setQuery] = useState('');
  const groups = useMemo(() => paletteGroups(placeable, query), [placeable, query]);
  const rf = useReactFlow();
  const { t } = useTranslation();
  const lng = useLanguage();

  const addAtCentre = (type: string) => {
    const box = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    const centre = box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : { x: 400, y: 300 };
    const at = rf.screenToFlowPosition(centre);
    addNode(type, { x: Math.round(at.x - 110), y: Math.round(at.y - 20) });
  };

  return (
    <aside className="palette" data-testid="palette" aria-label={t('palette.label')}>
      <input
        className="palette-search"
        type="search"
        placeholder={t('palette.search')}
        aria-label={t('palette.searchLabel')}
        data-testid="palette-search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="palette-groups">
        {groups.map((g) => (
          <section key={g.category} className="palette-group">
            <h3>{tMaybe(`palette.category.${g.category}`, g.category)}</h3>
            {g.ops.map((op) => {
              const summary = pickZh(op.summary, (op as { summary_zh?: string }).summary_zh, lng);
              return (
              <div
                key={op.type}
                className="palette-item"
                role="button"
                tabIndex={0}
                draggable
                data-testid={`palette-item-${op.type}`}
                title={t('palette.itemTitle', { summary })}
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
                <span className="palette-summary">{summary}</span>
              </div>
              );
            })}
          </section>
        ))}
        {!groups.length && <p className="muted">{t('palette.noMatch', { query })}</p>}
      </div>
    </aside>
  );
}
