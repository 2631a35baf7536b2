// What floats over the editor: the shortcut help, the save-conflict dialog, the question
// before unsaved work is replaced, notices.
import type { TFunction } from 'i18next';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useFocusTrap } from '../ui/focusTrap';
import { useEditor } from '../store/editor';
import { answerDiscard, resolveConflict, useSession, type PendingDiscard } from '../store/session';
import { toggleHelp, useUi } from '../store/ui';
import type { editorEn } from '../i18n/sections/editor.en';

type KeyWords = keyof typeof editorEn.help.keys;
type What = keyof typeof editorEn.help.what;

/** The shortcuts the help lists: the keys as written, or words for them (translated). */
export const SHORTCUTS: { keys: string | { words: KeyWords }; what: What }[] = [
  { keys: 'Ctrl/⌘ Z', what: 'undo' },
  { keys: 'Shift Ctrl/⌘ Z, Ctrl Y', what: 'redo' },
  { keys: 'Ctrl/⌘ C / V', what: 'copyPaste' },
  { keys: 'Ctrl/⌘ D', what: 'duplicate' },
  { keys: 'Ctrl/⌘ A', what: 'selectAll' },
  { keys: 'Ctrl/⌘ G', what: 'makeBlock' },
  { keys: 'Ctrl/⌘ S', what: 'save' },
  { keys: { words: 'delete' }, what: 'delete' },
  { keys: { words: 'boxSelect' }, what: 'boxSelect' },
  { keys: { words: 'addToSelection' }, what: 'addToSelection' },
  { keys: { words: 'canvas' }, what: 'quickAdd' },
  { keys: { words: 'block' }, what: 'openBlock' },
  { keys: { words: 'escape' }, what: 'escape' },
  { keys: 'F', what: 'fit' },
  { keys: 'L', what: 'layout' },
  { keys: '?', what: 'help' },
];

export function HelpOverlay() {
  const open = useUi((s) => s.helpOpen);
  if (!open) return null;
  return <Help />;
}

function Help() {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDivElement>(null);
  useFocusTrap(dialog);
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label={t('editor.help.title')} data-testid="help" onClick={() => toggleHelp(false)}>
      <div ref={dialog} className="dialog" onClick={(e) => e.stopPropagation()}>
        <h2>{t('editor.help.title')}</h2>
        <table>
          <tbody>
            {SHORTCUTS.map(({ keys, what }) => (
              <tr key={what} data-testid={`shortcut-${what}`}>
                <td>
                  <kbd>{typeof keys === 'string' ? keys : t(`editor.help.keys.${keys.words}`)}</kbd>
                </td>
                <td>{t(`editor.help.what.${what}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button autoFocus onClick={() => toggleHelp(false)}>
          {t('editor.help.close')}
        </button>
      </div>
    </div>
  );
}

export function ConflictDialog() {
  const conflict = useSession((s) => s.conflict);
  return conflict ? <Conflict currentVersion={conflict.currentVersion} /> : null;
}

function Conflict({ currentVersion }: { currentVersion: number | null }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDivElement>(null);
  useFocusTrap(dialog);
  return (
    <div className="overlay" role="alertdialog" aria-modal="true" data-testid="conflict">
      <div ref={dialog} className="dialog">
        <h2>{t('editor.conflict.title')}</h2>
        <p>{currentVersion ? t('editor.conflict.bodyVersion', { version: currentVersion }) : t('editor.conflict.body')}</p>
        <div className="button-row">
          <button autoFocus className="primary" data-testid="conflict-copy" onClick={() => void resolveConflict('copy')}>
            {t('editor.conflict.copy')}
          </button>
          <button data-testid="conflict-overwrite" onClick={() => void resolveConflict('overwrite')}>
            {t('editor.conflict.overwrite')}
          </button>
          <button className="danger" data-testid="conflict-theirs" onClick={() => void resolveConflict('theirs')}>
            {t('editor.conflict.theirs')}
          </button>
        </div>
      </div>
    </div>
  );
}

export function ConfirmDiscard() {
  const pending = useSession((s) => s.pendingDiscard);
  return pending ? <Discard pending={pending} /> : null;
}

/** The question, as one sentence: what would replace the work. */
function question(what: PendingDiscard['what'], t: TFunction): string {
  if (typeof what === 'string') return t('editor.discard.other', { what });
  switch (what.kind) {
    case 'blank':
      return t('editor.discard.blank');
    case 'preset':
      return t('editor.discard.preset', { name: what.name });
    case 'graph':
      return t('editor.discard.graph', { name: what.name });
    case 'import':
      return t('editor.discard.import', { name: what.name });
  }
}

function Discard({ pending }: { pending: PendingDiscard }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDivElement>(null);
  const name = useEditor((s) => s.history.present.name) || t('common.untitled');
  useFocusTrap(dialog);
  return (
    <div className="overlay overlay-top" role="alertdialog" aria-modal="true" aria-labelledby="discard-title" data-testid="confirm-discard">
      <div ref={dialog} className="dialog" onKeyDown={(e) => e.key === 'Escape' && void answerDiscard('cancel')}>
        <h2 id="discard-title">{t('editor.discard.title', { name })}</h2>
        <p>{question(pending.what, t)}</p>
        <div className="button-row">
          <button autoFocus className="primary" data-testid="discard-save" onClick={() => void answerDiscard('save')}>
            {t('editor.discard.save')}
          </button>
          <button className="danger" data-testid="discard-discard" onClick={() => void answerDiscard('discard')}>
            {t('editor.discard.discard')}
          </button>
          <button data-testid="discard-cancel" onClick={() => void answerDiscard('cancel')}>
            {t('editor.discard.cancel')}
          </button>
        </div>
      </div>
    </div>
  );
}

export function NoticeToast() {
  const notice = useEditor((s) => s.notice);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => useEditor.setState((s) => (s.notice?.id === notice.id ? { notice: null } : s)), notice.kind === 'error' ? 6000 : 2500);
    return () => clearTimeout(timer);
  }, [notice]);
  if (!notice) return null;
  return (
    <div className={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
      {notice.text}
    </div>
  );
}
