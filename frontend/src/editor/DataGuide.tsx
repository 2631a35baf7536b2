// "Start from my data" on the start screen: two questions (what the data is, and whether
// top accuracy or a light network matters more; for tables and time series, whether it
// predicts a class or a number), the course's answer (model/dataGuide.ts), and one button
// that opens that preset and then the data picker, where the person's own data is chosen
// or uploaded and the graph fitted to it.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { advise, DATA_KINDS, type DataKind, type Priority, type Target } from '../model/dataGuide';
import { openPicker } from '../store/datasets';
import { openPreset, unlessUnsaved, useSession } from '../store/session';
import './dataGuide.css';

function Choice<T extends string>({ name, legend, options, value, onChange }: { name: string; legend: string; options: readonly { value: T; label: string; hint?: string }[]; value: T; onChange: (v: T) => void }) {
  return (
    <fieldset className="guide-question" data-testid={`guide-${name}`}>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className={`guide-option ${value === o.value ? 'chosen' : ''}`}>
          <input type="radio" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} data-testid={`guide-${name}-${o.value}`} />
          <span>{o.label}</span>
          {o.hint && <span className="muted small">{o.hint}</span>}
        </label>
      ))}
    </fieldset>
  );
}

export function DataGuide() {
  const [kind, setKind] = useState<DataKind>('images');
  const [priority, setPriority] = useState<Priority>('accuracy');
  const [target, setTarget] = useState<Target>('class');
  const presets = useSession((s) => s.presets);
  const advice = advise(kind, priority, target);
  const title = presets.find((p) => p.name === advice.preset)?.title ?? advice.preset;
  const asksTarget = kind === 'table' || kind === 'time_series';
  const { t } = useTranslation();
  return (
    <section className="data-guide" data-testid="data-guide" aria-label={t('guide.label')}>
      <Choice name="kind" legend={t('guide.kind')} options={DATA_KINDS.map((k) => ({ value: k.kind, label: k.label, hint: k.hint }))} value={kind} onChange={setKind} />
      {asksTarget ? (
        <Choice
          name="target"
          legend={t('guide.target')}
          options={[
            { value: 'class' as const, label: t('guide.targetClass'), hint: t('guide.targetClassHint') },
            { value: 'value' as const, label: t('guide.targetValue'), hint: t('guide.targetValueHint') },
          ]}
          value={target}
          onChange={setTarget}
        />
      ) : (
        <Choice
          name="priority"
          legend={t('guide.priority')}
          options={[
            { value: 'accuracy' as const, label: t('guide.accuracy'), hint: t('guide.accuracyHint') },
            { value: 'light' as const, label: t('guide.light'), hint: t('guide.lightHint') },
          ]}
          value={priority}
          onChange={setPriority}
        />
      )}
      <p className="guide-answer" data-testid="guide-answer" data-preset={advice.preset}>
        <strong>{title}</strong> — {advice.why}
      </p>
      <button
        className="primary"
        data-testid="guide-open"
        onClick={() =>
          unlessUnsaved({ kind: 'preset', name: title }, async () => {
            await openPreset(advice.preset);
            openPicker();
          })
        }
      >
        {t('guide.open')}
      </button>
    </section>
  );
}
