// The start screen: the presets as cards grouped by family (a drawing of each graph, its
// size, data, what it teaches, how long it trains on a CPU), "Start from scratch" and the
// saved graphs. Shown on the first visit and from the logo; every way out asks before
// replacing unsaved work.
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PresetSummary } from '../api/types';
import { pickZh, useLanguage } from '../i18n';
import { formatDuration, groupByFamily, sketchDrawing } from '../model/gallery';
import { formatCount } from '../model/format';
import { useEditor } from '../store/editor';
import { request, showWelcome, useSession } from '../store/session';
import { LessonList } from '../lessons/LessonList';
import { DataGuide } from './DataGuide';
import { LanguagePicker } from '../i18n/LanguagePicker';
import { useFocusTrap } from '../ui/focusTrap';

export function WelcomeHost() {
  const open = useSession((s) => s.welcome);
  return open ? <Welcome /> : null;
}

const MIN_VIEW = { width: 200, height: 40 };

const categoryClass = (category: string | undefined) => `sk-${(category ?? 'block').toLowerCase().replace(/[^a-z]+/g, '-')}`;

function Sketch({ card }: { card: PresetSummary }) {
  const opIndex = useEditor((s) => s.opIndex);
  const drawing = useMemo(() => sketchDrawing(card.sketch), [card.sketch]);
  if (!drawing.boxes.length) return <div className="gallery-sketch" />;
  // A small graph keeps small boxes: the view is never narrower than MIN_VIEW units.
  const width = Math.max(drawing.width, MIN_VIEW.width);
  const height = Math.max(drawing.height, MIN_VIEW.height);
  const box = `${(drawing.width - width) / 2} ${(drawing.height - height) / 2} ${width} ${height}`;
  return (
    <svg className="gallery-sketch" viewBox={box} preserveAspectRatio="xMidYMid meet" aria-hidden>
      {drawing.lines.map((points, i) => (
        <polyline key={i} points={points.map((p) => `${p.x},${p.y}`).join(' ')} className="sk-edge" />
      ))}
      {drawing.boxes.map((b) => (
        <rect key={b.id} x={b.x} y={b.y} width={b.width} height={b.height} rx={2.5} className={`sk-node ${categoryClass(opIndex.get(b.type)?.category)}`}>
          <title>{`${b.id} (${b.type})`}</title>
        </rect>
      ))}
    </svg>
  );
}

function Card({ card }: { card: PresetSummary }) {
  const { t } = useTranslation();
  const time = formatDuration(card.cpu_seconds, t);
  const lng = useLanguage();
  const title = pickZh(card.title, (card as { title_zh?: string }).title_zh, lng);
  const teaches = card.teaches ? pickZh(card.teaches, (card as { teaches_zh?: string }).teaches_zh, lng) : null;
  return (
    <button className="gallery-card" data-testid={`gallery-card-${card.name}`} onClick={() => request.preset(card.name)} title={card.description ?? title}>
      <Sketch card={card} />
      <span className="gallery-title">{title}</span>
      {teaches && <span className="gallery-teaches">{teaches}</span>}
      <span className="gallery-facts">
        {card.params !== null && card.params !== undefined && <span data-testid={`gallery-params-${card.name}`}>{t('welcome.params', { params: formatCount(card.params) })}</span>}
        {card.dataset && <span>{card.dataset}</span>}
        {time && <span title={t('welcome.cpuTitle')}>{t('welcome.onCpu', { time })}</span>}
      </span>
      {card.twin && <span className="gallery-twin muted">{t('welcome.pairsWith', { twin: card.twin })}</span>}
    </button>
  );
}

function Welcome() {
  const presets = useSession((s) => s.presets);
  const graphs = useSession((s) => s.graphs);
  const families = useMemo(() => groupByFamily(presets), [presets]);
  const root = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [guide, setGuide] = useState(false);
  const { t } = useTranslation();
  useFocusTrap(root);
  return (
    <div
      className="welcome"
      data-testid="welcome"
      role="dialog"
      aria-modal="true"
      aria-label={t('welcome.label')}
      ref={root}
      onKeyDown={(e) => e.key === 'Escape' && showWelcome(false)}
    >
      <header className="welcome-head">
        <span className="brand">LayerLab</span>
        <span className="welcome-lead">{t('welcome.lead')}</span>
        <LanguagePicker testId="welcome-language-picker" />
        <span className="spacer" />
        <button onClick={() => showWelcome(false)} data-testid="welcome-close" title={t('welcome.closeTitle')}>
          {t('welcome.close')}
        </button>
      </header>
      <div className="welcome-body">
        <section className="welcome-start">
          <button className="primary welcome-scratch" data-testid="start-scratch" onClick={() => request.blank()}>
            {t('welcome.scratch')}
          </button>
          <span className="muted">{t('welcome.scratchHelp')}</span>
          <button className="welcome-guide" data-testid="start-from-data" aria-expanded={guide} onClick={() => setGuide(!guide)}>
            {t('welcome.fromData')}
          </button>
          <div className="welcome-saved">
            <strong>{t('welcome.openSaved')}</strong>
            {graphs.length === 0 && <span className="muted">{t('welcome.noneSaved')}</span>}
            {graphs.slice(0, 8).map((g) => (
              <button key={g.id} className="link" data-testid={`welcome-graph-${g.id}`} onClick={() => request.graph(g.id)}>
                {g.name}
              </button>
            ))}
            <button className="link" data-testid="welcome-import" onClick={() => fileInput.current?.click()}>
              {t('welcome.importJson')}
            </button>
            <input
              ref={fileInput}
              type="file"
              accept=".json,application/json"
              hidden
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (file) request.file(await file.text(), file.name);
                e.target.value = '';
              }}
            />
          </div>
        </section>
        {guide && <DataGuide />}
        <LessonList />
        {presets.length === 0 && <p className="muted">{t('welcome.loadingPresets')}</p>}
        {families.map((f) => (
          <section key={f.family} className="gallery-family" data-testid={`gallery-family-${f.family}`}>
            <h2>{f.family}</h2>
            <div className="gallery-grid">
              {f.cards.map((c) => (
                <Card key={c.name} card={c} />
              ))}
            </div>
          </section>
        ))}
      </div>
    </div>
  );
}
