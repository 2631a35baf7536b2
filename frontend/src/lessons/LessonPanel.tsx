// The lesson panel, beside the editor and the run pages: the lesson's title, where the
// learner is (step n of N, a dot per step, green when done), the step's text, its check
// (turning green by itself when what it asks for is on screen), the step's preset, and
// Back / Next. Collapsible to one line; the progress is kept in this browser.
import { useEffect } from 'react';
import type { LessonCheck } from '../api/types';
import { runData, useRun } from '../runs/store';
import { useEditor } from '../store/editor';
import { request, useSession } from '../store/session';
import { checkHolds, runFacts, type LessonFacts } from './checks';
import { closeLesson, goToStep, markDone, rememberRun, restoreLesson, setCollapsed, useLessons } from './store';
import './lessons.css';

/** What the check asks for, in a few words (shown beside its state). */
function checkLabel(check: LessonCheck): string {
  switch (check.kind) {
    case 'graph_has':
      return `the graph has ${check.at_least && check.at_least > 1 ? `${check.at_least} ` : 'a '}${check.op}`;
    case 'preset_open':
      return `the preset ${check.preset} is open`;
    case 'training_is':
      return `training ${check.field} is ${JSON.stringify(check.value)}`;
    case 'run_epoch':
      return `a run finished ${check.at_least} epoch${check.at_least > 1 ? 's' : ''}`;
    case 'run_status':
      return `the run is ${check.status}`;
    case 'metric':
      return `${check.metric} ${check.at_least != null ? `≥ ${check.at_least}` : ''}${check.at_least != null && check.at_most != null ? ' and ' : ''}${check.at_most != null ? `≤ ${check.at_most}` : ''}`;
    case 'diagnosis':
      return `the ${check.diagnosis.replace(/_/g, ' ')} warning${check.node ? ` on ${check.node}` : ''}`;
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
      <aside className="lesson-panel collapsed" data-testid="lesson-panel" data-lesson={lesson.id} data-step={stepIndex} aria-label={`Lesson: ${lesson.title.en}`}>
        <button className="lesson-expand" data-testid="lesson-expand" onClick={() => setCollapsed(false)} aria-expanded={false}>
          <span className={`lesson-dot ${isDone ? 'done' : ''}`} aria-hidden />
          {lesson.title.en} · step {stepIndex + 1} of {lesson.steps.length}
        </button>
      </aside>
    );
  }
  return (
    <aside className="lesson-panel" data-testid="lesson-panel" data-lesson={lesson.id} data-step={stepIndex} aria-label={`Lesson: ${lesson.title.en}`}>
      <header className="lesson-head">
        <span className="lesson-chapter muted">{lesson.chapter.en}</span>
        <span className="spacer" />
        <button className="icon" data-testid="lesson-collapse" title="Fold the lesson away" aria-expanded onClick={() => setCollapsed(true)}>
          ▾
        </button>
        <button className="icon" data-testid="lesson-close" title="Leave the lesson (your progress is kept)" onClick={closeLesson}>
          ×
        </button>
      </header>
      <h2 className="lesson-title">{lesson.title.en}</h2>
      <ol className="lesson-dots" aria-label="Steps">
        {lesson.steps.map((_s, i) => (
          <li key={i}>
            <button
              className={`lesson-dot ${done.includes(i) || (i === stepIndex && holds) ? 'done' : ''} ${i === stepIndex ? 'current' : ''}`}
              data-testid={`lesson-dot-${i}`}
              aria-label={`Step ${i + 1}${done.includes(i) ? ', done' : ''}`}
              aria-current={i === stepIndex ? 'step' : undefined}
              onClick={() => goToStep(i)}
            />
          </li>
        ))}
      </ol>
      <p className="lesson-text" data-testid="lesson-text">
        <span className="lesson-count muted">
          Step {stepIndex + 1} of {lesson.steps.length}.{' '}
        </span>
        {step.text.en}
      </p>
      {step.preset && step.preset !== preset && (
        <button className="lesson-open" data-testid="lesson-open-preset" onClick={() => request.preset(step.preset!)}>
          Open {step.preset}
        </button>
      )}
      {step.check && (
        <p className={`lesson-check ${isDone ? 'done' : ''}`} data-testid="lesson-check" data-state={isDone ? 'done' : 'waiting'}>
          <span className="lesson-check-mark" aria-hidden>
            {isDone ? '✓' : '○'}
          </span>
          {isDone ? 'Done: ' : 'Waiting for: '}
          {checkLabel(step.check)}
        </p>
      )}
      <footer className="lesson-nav">
        <button data-testid="lesson-back" disabled={stepIndex === 0} onClick={() => goToStep(stepIndex - 1)}>
          Back
        </button>
        <span className="spacer" />
        {last ? (
          finished && (
            <span className="lesson-finished" data-testid="lesson-finished">
              Lesson complete
            </span>
          )
        ) : (
          <button className={isDone || !step.check ? 'primary' : ''} data-testid="lesson-next" onClick={() => goToStep(stepIndex + 1)}>
            Next
          </button>
        )}
      </footer>
    </aside>
  );
}
