// The lesson panel, beside the editor and the run pages: the lesson's title, where the
// learner is (step n of N, a dot per step, green when done), the step's text, its check
// (turning green by itself when what it asks for is on screen), the step's preset, and
// Back / Next. Collapsible to one line; the progress is kept in this browser.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { LessonCheck } from '../api/types';
import { i18n, pick, tMaybe, useLanguage } from '../i18n';
import { runData, useRun } from '../runs/store';
import { useEditor } from '../store/editor';
import { request, useSession } from '../store/session';
import { checkHolds, runFacts, type LessonFacts } from './checks';
import { closeLesson, goToStep, markDone, rememberRun, restoreLesson, setCollapsed, useLessons } from './store';
import './lessons.css';

/** What the check asks for, in a few words (shown beside its state). */
function checkLabel(check: LessonCheck): string {
  const t = i18n.t.bind(i18n);
  switch (check.kind) {
    case 'graph_has':
      return check.at_least && check.at_least > 1 ? t('lesson.check.graphHasCount', { count: check.at_least, op: check.op }) : t('lesson.check.graphHas', { op: check.op });
    case 'preset_open':
      return t('lesson.check.presetOpen', { preset: check.preset });
    case 'training_is':
      return t('lesson.check.trainingIs', { field: check.field, value: JSON.stringify(check.value) });
    case 'run_epoch':
      return t('lesson.check.runEpoch', { count: check.at_least });
    case 'run_status':
      return t('lesson.check.runStatus', { status: tMaybe(`run.status.${check.status}`, check.status) });
    case 'metric':
      if (check.at_least != null && check.at_most != null) return t('lesson.check.metricBetween', { metric: check.metric, min: check.at_least, max: check.at_most });
      if (check.at_least != null) return t('lesson.check.metricAtLeast', { metric: check.metric, min: check.at_least });
      if (check.at_most != null) return t('lesson.check.metricAtMost', { metric: check.metric, max: check.at_most });
      return `${check.metric} `;
    case 'diagnosis': {
      const diagnosis = tMaybe(`lesson.diagnosis.${check.diagnosis}`, check.diagnosis.replace(/_/g, ' '));
      return check.node ? t('lesson.check.diagnosisOn', { diagnosis, node: check.node }) : t('lesson.check.diagnosis', { diagnosis });
    }
  }
}

/** The facts the checks read, from the editor, the session and the run on screen. */
function useFacts(): LessonFacts {
  const doc = useEditor((s) => s.history.present);
  const preset = useSession((s) => s.preset);
  const runId = useRun((s) => s.runId);
  useRun((s) => s.version); // re-evaluate as the run's events arrive
  const lastRun = useLessons((s) => s.lastRun);
  const run = runId ? runFacts(runId, runData()) : lastRun;
  return { doc, preset, run };
}

export function LessonPanel() {
  const lesson = useLessons((s) => s.lesson);
  const active = useLessons((s) => s.active);
  useEffect(() => {
    if (active && !lesson) void restoreLesson();
  }, [active, lesson]);
  return lesson ? <Panel /> : null;
}

function Panel() {
  const lesson = useLessons((s) => s.lesson)!;
  const stepIndex = useLessons((s) => s.step);
  const done = useLessons((s) => s.done[lesson.id]) ?? [];
  const collapsed = useLessons((s) => s.collapsed);
  const preset = useSession((s) => s.preset);
  const facts = useFacts();
  const { t } = useTranslation();
  const lng = useLanguage();
  const title = pick(lesson.title, lng);
  const step = lesson.steps[stepIndex]!;
  const holds = step.check ? checkHolds(step.check, facts) : false;
  const isDone = holds || done.includes(stepIndex);

  useEffect(() => {
    if (holds) markDone(lesson.id, stepIndex);
  }, [holds, lesson.id, stepIndex]);
  useEffect(() => {
    if (facts.run) rememberRun(facts.run);
  }, [facts.run?.runId, facts.run?.epochs, facts.run?.status, facts.run?.diagnoses.length]); // eslint-disable-line react-hooks/exhaustive-deps

  const last = stepIndex === lesson.steps.length - 1;
  const finished = lesson.steps.every((s, i) => !s.check || done.includes(i) || (i === stepIndex && holds));
  if (collapsed) {
    return (
      <aside className="lesson-panel collapsed" data-testid="lesson-panel" data-lesson={lesson.id} data-step={stepIndex} aria-label={t('lesson.label', { title })}>
        <button className="lesson-expand" data-testid="lesson-expand" onClick={() => setCollapsed(false)} aria-expanded={false}>
          <span className={`lesson-dot ${isDone ? 'done' : ''}`} aria-hidden />
          {t('lesson.collapsed', { title, step: stepIndex + 1, total: lesson.steps.length })}
        </button>
      </aside>
    );
  }
  return (
    <aside className="lesson-panel" data-testid="lesson-panel" data-lesson={lesson.id} data-step={stepIndex} aria-label={t('lesson.label', { title })}>
      <header className="lesson-head">
        <span className="lesson-chapter muted">{pick(lesson.chapter, lng)}</span>
        <span className="spacer" />
        <button className="icon" data-testid="lesson-collapse" title={t('lesson.collapse')} aria-expanded onClick={() => setCollapsed(true)}>
          ▾
        </button>
        <button className="icon" data-testid="lesson-close" title={t('lesson.close')} onClick={closeLesson}>
          ×
        </button>
      </header>
      <h2 className="lesson-title" data-testid="lesson-title">{title}</h2>
      <ol className="lesson-dots" aria-label={t('lesson.steps')}>
        {lesson.steps.map((_s, i) => (
          <li key={i}>
            <button
              className={`lesson-dot ${done.includes(i) || (i === stepIndex && holds) ? 'done' : ''} ${i === stepIndex ? 'current' : ''}`}
              data-testid={`lesson-dot-${i}`}
              aria-label={done.includes(i) ? t('lesson.stepLabelDone', { step: i + 1 }) : t('lesson.stepLabel', { step: i + 1 })}
              aria-current={i === stepIndex ? 'step' : undefined}
              onClick={() => goToStep(i)}
            />
          </li>
        ))}
      </ol>
      <p className="lesson-text" data-testid="lesson-text">
        <span className="lesson-count muted">
          {t('lesson.stepOf', { step: stepIndex + 1, total: lesson.steps.length })}{' '}
        </span>
        {pick(step.text, lng)}
      </p>
      {step.preset && step.preset !== preset && (
        <button className="lesson-open" data-testid="lesson-open-preset" onClick={() => request.preset(step.preset!)}>
          {t('lesson.openPreset', { preset: step.preset })}
        </button>
      )}
      {step.check && (
        <p className={`lesson-check ${isDone ? 'done' : ''}`} data-testid="lesson-check" data-state={isDone ? 'done' : 'waiting'}>
          <span className="lesson-check-mark" aria-hidden>
            {isDone ? '✓' : '○'}
          </span>
          {isDone ? t('lesson.done') : t('lesson.waiting')}
          {checkLabel(step.check)}
        </p>
      )}
      <footer className="lesson-nav">
        <button data-testid="lesson-back" disabled={stepIndex === 0} onClick={() => goToStep(stepIndex - 1)}>
          {t('lesson.back')}
        </button>
        <span className="spacer" />
        {last ? (
          finished && (
            <span className="lesson-finished" data-testid="lesson-finished">
              {t('lesson.complete')}
            </span>
          )
        ) : (
          <button className={isDone || !step.check ? 'primary' : ''} data-testid="lesson-next" onClick={() => goToStep(stepIndex + 1)}>
            {t('lesson.next')}
          </button>
        )}
      </footer>
    </aside>
  );
}
