// The bottom drawer: every problem (click one to go to its node, apply a fix where one is
// offered), and the code view of the exported PyTorch source.
import { useReactFlow } from '@xyflow/react';
import { useTranslation } from 'react-i18next';
import { issueText, useLanguage, whereText } from '../i18n';
import type { ViewIssue } from '../model/checkView';
import { openPicker } from '../store/datasets';
import { useMessages } from '../store/meta';
import { editDocument, selectOnly, useEditor } from '../store/editor';
import { download, openDrawer, useUi } from '../store/ui';
import { notify } from '../store/editor';

export function BottomDrawer() {
  const tab = useUi((s) => s.drawer);
  const issues = useEditor((s) => s.view.all);
  const errors = issues.filter((i) => i.level === 'error').length;
  const { t } = useTranslation();
  return (
    <section className={`drawer${tab ? ' open' : ''}`} aria-label={t('drawer.label')}>
      <div className="drawer-tabs" role="tablist">
        <button role="tab" aria-selected={tab === 'problems'} data-testid="errors-tab" onClick={() => openDrawer(tab === 'problems' ? null : 'problems')}>
          {t('drawer.problems')}{' '}
          <span className={`badge${errors ? ' error' : issues.length ? ' warning' : ''}`}>{issues.length}</span>
        </button>
        <button role="tab" aria-selected={tab === 'code'} data-testid="code-tab" onClick={() => openDrawer(tab === 'code' ? null : 'code')}>
          {t('drawer.code')}
        </button>
      </div>
      {tab === 'problems' && <ProblemList issues={issues} />}
      {tab === 'code' && <CodeView />}
    </section>
  );
}

function ProblemList({ issues }: { issues: ViewIssue[] }) {
  const rf = useReactFlow();
  const { t } = useTranslation();
  const lng = useLanguage();
  const catalog = useMessages();
  const goTo = (id: string) => {
    selectOnly([id]);
    const node = rf.getNode(id);
    if (!node) return;
    const w = node.measured?.width ?? 200;
    const h = node.measured?.height ?? 80;
    void rf.setCenter(node.position.x + w / 2, node.position.y + h / 2, { zoom: Math.max(rf.getZoom(), 1), duration: 250 });
  };
  return (
    <ul className="problems" data-testid="errors">
      {issues.length === 0 && <li className="muted">{t('drawer.noProblems')}</li>}
      {issues.map((i, k) => (
        <li key={k} className={i.level} data-testid={i.nodeId ? `error-${i.nodeId}` : `error-document-${k}`} data-level={i.level} data-code={i.code} data-key={i.text?.key || undefined}>
          <button className="problem" onClick={() => i.nodeId && goTo(i.nodeId)} disabled={!i.nodeId}>
            <span className={`dot ${i.level}`} aria-hidden />
            {i.nodeId && <strong>{i.nodeId}</strong>}
            {i.where && <span className="muted"> {whereText(i.where, lng)}</span>}
            {i.field && <span className="muted"> ({i.field})</span>}
            <span className="message">{issueText(i, lng, catalog)}</span>
          </button>
          {i.hint && (
            <button className="fix" data-testid={`fix-${i.nodeId}`} onClick={() => editDocument(i.hint!.fix.apply)}>
              {i.hint.fix.label}
            </button>
          )}
          {i.action?.kind === 'choose-dataset' && (
            <button className="fix" data-testid={`fix-${i.code}`} onClick={() => openPicker()}>
              {i.action.label}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

function CodeView() {
  const code = useUi((s) => s.code);
  const { t } = useTranslation();
  if (!code) return <p className="muted drawer-empty">{t('drawer.codeEmpty')}</p>;
  return (
    <div className="code-view">
      <div className="code-actions">
        <span className="muted">{code.filename}</span>
        <button
          data-testid="code-copy"
          onClick={() =>
            void navigator.clipboard.writeText(code.text).then(
              () => notify(t('drawer.copied')),
              () => notify(t('drawer.clipboardRefused'), 'error'),
            )
          }
        >
          {t('drawer.copy')}
        </button>
        <button data-testid="code-download" onClick={() => download(code.filename, new Blob([code.text], { type: 'text/x-python' }))}>
          {t('drawer.download')}
        </button>
      </div>
      <pre data-testid="code-view">
        <code>{code.text}</code>
      </pre>
    </div>
  );
}
