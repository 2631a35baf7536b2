// The lesson being followed: which one, its current step, the steps done (kept in this
// browser, per lesson), and the facts of the run last on screen (a step checked on a run
// stays checkable after going back to the editor). The checks themselves are
// lessons/checks.ts; the panel (LessonPanel.tsx) evaluates the current one as the
// stores change and marks the step done when it holds.
import { create } from 'zustand';
import { api } from '../api/client';
import type { Lesson, LessonSummary } from '../api/types';
import { request, useSession } from '../store/session';
import { i18n } from '../i18n';
import { notify } from '../store/editor';
import type { RunFacts } from './checks';

const KEY = 'layerlab.lessons';

/** What is kept in localStorage. */
interface Saved {
  active: string | null;
  step: number;
  /** Steps done, by lesson id (indexes from 0). */
  done: Record<string, number[]>;
  collapsed: boolean;
}

export interface LessonsState extends Saved {
  list: LessonSummary[] | null;
  lesson: Lesson | null;
  lastRun: RunFacts | null;
}

function load(): Saved {
  const empty: Saved = { active: null, step: 0, done: {}, collapsed: false };
  try {
    return { ...empty, ...(JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<Saved> | null) };
  } catch {
    return empty; // unreadable: start over rather than fail
  }
}

export const useLessons = create<LessonsState>(() => ({ ...load(), list: null, lesson: null, lastRun: null }));
const set = useLessons.setState;
const get = useLessons.getState;

function save() {
  const { active, step, done, collapsed } = get();
  try {
    localStorage.setItem(KEY, JSON.stringify({ active, step, done, collapsed }));
  } catch {
    // storage full or blocked: progress lives on for this page
  }
}

export async function loadLessonList() {
  if (get().list) return;
  try {
    set({ list: await api.lessons() });
  } catch {
    set({ list: [] });
  }
}

/** Bring back the lesson followed before a reload. */
export async function restoreLesson() {
  const { active, lesson } = get();
  if (!active || lesson?.id === active) return;
  try {
    set({ lesson: await api.lesson(active) });
  } catch {
    set({ active: null, lesson: null });
    save();
  }
}

/** Follow a lesson from its first step (its preset opens, asking about unsaved work). */
export async function startLesson(id: string) {
  try {
    const lesson = await api.lesson(id);
    set({ active: id, lesson, step: 0, collapsed: false });
    save();
    useSession.setState({ welcome: false });
    const preset = lesson.steps[0]?.preset;
    if (preset) request.preset(preset);
  } catch (err) {
    notify(i18n.t('editor.notice.noLesson', { error: err instanceof Error ? err.message : String(err) }), 'error');
  }
}

export function goToStep(step: number) {
  const { lesson } = get();
  if (!lesson) return;
  set({ step: Math.max(0, Math.min(lesson.steps.length - 1, step)) });
  save();
}

export function markDone(lessonId: string, step: number) {
  const done = get().done[lessonId] ?? [];
  if (done.includes(step)) return;
  set({ done: { ...get().done, [lessonId]: [...done, step].sort((a, b) => a - b) } });
  save();
}

export function setCollapsed(collapsed: boolean) {
  set({ collapsed });
  save();
}

export function closeLesson() {
  set({ active: null, lesson: null, step: 0 });
  save();
}

export function rememberRun(facts: RunFacts) {
  set({ lastRun: facts });
}
