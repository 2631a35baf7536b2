// Double-click the canvas: type to find a node type, Enter to add it where you clicked.
import { useMemo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { pickZh, useLanguage } from '../i18n';
import { searchOps } from '../model/ops';
import { usePlaceable } from './catalog';

interface Props {
  at: { x: number; y: number };
  onPick: (type: string) => void;
  onClose: () => void;
}

export function QuickAdd({ at, onPick, onClose }: Props) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const placeable = usePlaceable();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const matches = useMemo(() => searchOps(placeable, query).slice(0, 12), [placeable, query]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') onClose();
    else if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, matches.length - 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
    else if (e.key === 'Enter') {
      const pick = matches[active];
      if (pick) onPick(pick.type);
    } else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div className="quick-add" style={{ left: at.x, top: at.y }} data-testid="quick-add" onDoubleClick={(e) => e.stopPropagation()}>
      <input
        autoFocus
        value={query}
        placeholder={t('editor.quickAdd.placeholder')}
        aria-label={t('editor.quickAdd.label')}
        data-testid="quick-add-search"
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        onBlur={onClose}
      />
      <ul role="listbox">
        {matches.map((op, i) => (
          <li
            key={op.type}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'active' : ''}
            data-testid={`quick-add-${op.type}`}
            onMouseDown={(e) => {
              e.preventDefault();
              onPick(op.type);
            }}
          >
            <strong>{op.type}</strong> <span>{pickZh(op.summary, (op as { summary_zh?: string }).summary_zh, lng)}</span>
          </li>
        ))}
        {!matches.length && <li className="empty">{t('editor.quickAdd.none', { query })}</li>}
      </ul>
    </div>
  );
}
