// Health findings standing at the cursor (or now), one per diagnosis: a plain sentence of
// what is happening, why and what to try, every affected layer (a click shows it on the
// graph), the cure linked where there is one (a preset's healthy twin), and the server's
// measurements under "Details". Errors red, warnings amber; gradient findings carry the
// gradient scale's colour.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../../i18n';
import { messageText } from '../../i18n/messages';
import { useMessages } from '../../store/meta';
import { request, useSession } from '../../store/session';
import { CLASS_POSITION, gradColor } from '../model/colors';
import { findings, type Context, type Finding } from '../model/explain';
import { diagnosisLabel, standingWarnings } from '../model/health';
import { formatMetric } from '../model/units';
import { focusNode, runData, setCursor, useRun } from '../store';

function useContext(): Context {
  const document = useRun((s) => s.detail?.document ?? null);
  const presets = useSession((s) => s.presets);
  return useMemo(() => {
    const types = new Set<string>();
    for (const n of document?.nodes ?? []) types.add(n.type);
    for (const b of document?.blocks ?? []) for (const n of b.nodes ?? []) types.add(n.type);
    const preset = presets.find((p) => p.title === document?.name) ?? null;
    const twin = preset?.twin ? presets.find((p) => p.name === preset.twin) : null;
    const order = (document?.nodes ?? []).map((n) => n.id);
    return { types, order, preset: preset ? { name: preset.name, twin: preset.twin, twinTitle: twin?.title ?? null } : null };
  }, [document, presets]);
}

function openPreset(name: string) {
  window.location.hash = '#/';
  request.preset(name);
}

function FindingCard({ finding }: { finding: Finding }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const catalog = useMessages();
  const gradient = finding.diagnosis === 'vanishing_gradients' || finding.diagnosis === 'exploding_gradients';
  return (
    <li className={`warning-item finding ${finding.severity}`} data-testid={`finding-${finding.diagnosis}`} data-diagnosis={finding.diagnosis}>
      <p className="finding-headline">
        {gradient && <span className="swatch" style={{ background: gradColor(CLASS_POSITION[finding.diagnosis === 'vanishing_gradients' ? 'vanishing' : 'exploding']) }} aria-hidden />}
        <strong>{finding.headline}</strong>
      </p>
      <p className="finding-why">{finding.why}</p>
      <p className="finding-layers">
        <span className="muted">{finding.layers.length ? (finding.layers.length > 1 ? t('runs.findings.layers') : t('runs.findings.layer')) : t('runs.findings.wholeNetwork')}</span>
        {finding.layers.map((layer, i) => (
          <span key={layer}>
            {i > 0 && ', '}
            <button className="link" data-testid={`warning-${layer}`} onClick={() => focusNode(layer.split('.')[0] ?? layer)}>
              {layer}
            </button>
          </span>
        ))}
      </p>
      <p className="finding-try">
        <span className="muted">{t('runs.findings.try')}</span>
        {finding.tryThis}
        {finding.cure && (
          <>
            {' '}
            <button className="link" data-testid={`cure-${finding.diagnosis}`} onClick={() => openPreset(finding.cure!.preset)}>
              {finding.cure.label}
            </button>
          </>
        )}
      </p>
      <details className="finding-details">
        <summary>{t('runs.findings.details', { diagnosis: lng === 'en' ? diagnosisLabel(finding.diagnosis, t).toLowerCase() : diagnosisLabel(finding.diagnosis, t) })}</summary>
        <ul>
          {finding.details.map((w) => (
            <li key={w.key}>
              <strong>{w.node ?? t('runs.findings.network')}</strong>: {messageText(w.text ?? w, lng, catalog)}
              {w.value !== null && <span className="muted num"> ({formatMetric(w.value)})</span>}{' '}
              <button className="link muted" onClick={() => setCursor(w.step)} title={t('runs.findings.stepTitle')}>
                {t('runs.findings.step', { step: w.step })}
              </button>
            </li>
          ))}
        </ul>
      </details>
    </li>
  );
}

export function Warnings({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  useRun((s) => s.version);
  const cursor = useRun((s) => s.cursor);
  const context = useContext();
  const warnings = standingWarnings(runData().health, cursor);
  if (!warnings.length) {
    return compact ? null : (
      <p className="muted" data-testid="health-ok">
        {cursor === null ? t('runs.findings.none') : t('runs.findings.noneHere')}
      </p>
    );
  }
  return (
    <ul className="warnings" data-testid="health-warnings" aria-label={t('runs.findings.label')}>
      {findings(warnings, context, t).map((f) => (
        <FindingCard key={f.diagnosis} finding={f} />
      ))}
    </ul>
  );
}
