// The lessons on the start screen (data-testid="lessons"): one per chapter of the course,
// in order, each with its goal and the steps done in this browser.
import { useEffect } from 'react';
import { loadLessonList, startLesson, useLessons } from './store';
import './lessons.css';

export function LessonList() {
  const list = useLessons((s) => s.list);
  const done = useLessons((s) => s.done);
  useEffect(() => void loadLessonList(), []);
  if (!list?.length) return null;
  return (
    <section className="welcome-lessons" data-testid="lessons">
      <h2>Lessons</h2>
      <span className="muted">The course, chapter by chapter: each lesson opens a preset and checks each step as you do it.</span>
      <ol>
        {list.map((l) => (
          <li key={l.id}>
            <button className="lesson-item" data-testid={`lesson-${l.id}`} title={l.goal.en} onClick={() => void startLesson(l.id)}>
              <span className="muted small">
                {l.order}. {l.chapter.en}
              </span>
              <strong>{l.title.en}</strong>
              <span className="lesson-progress muted">
                {(done[l.id] ?? []).length} of {l.steps} steps done
              </span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
