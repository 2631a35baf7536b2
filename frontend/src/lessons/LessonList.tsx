// The lessons on the start screen (data-testid="lessons"): one per chapter of the course,
// in order, each with its goal and the steps done in this browser.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { pick, useLanguage } from '../i18n';
import { loadLessonList, startLesson, useLessons } from './store';
import './lessons.css';

export function LessonList() {
  const list = useLessons((s) => s.list);
  const done = useLessons((s) => s.done);
  useEffect(() => void loadLessonList(), []);
  const { t } = useTranslation();
  const lng = useLanguage();
  if (!list?.length) return null;
  return (
    <section className="welcome-lessons" data-testid="lessons">
      <h2>{t('lesson.list.title')}</h2>
      <span className="muted">{t('lesson.list.lead')}</span>
      <ol>
        {list.map((l) => (
          <li key={l.id}>
            <button className="lesson-item" data-testid={`lesson-${l.id}`} title={pick(l.goal, lng)} onClick={() => void startLesson(l.id)}>
              <span className="muted small">
                {t('lesson.list.chapter', { order: l.order, chapter: pick(l.chapter, lng) })}
              </span>
              <strong>{pick(l.title, lng)}</strong>
              <span className="lesson-progress muted">
                {t('lesson.list.progress', { done: (done[l.id] ?? []).length, total: l.steps })}
              </span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
