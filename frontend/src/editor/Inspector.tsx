// The inspector: the selected node's parameters (a form from its type's JSON Schema) and
// its type's Learn card, the selection's actions, or, with nothing selected, the document
// and its training settings.
import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { BlockDoc, NodeReport } from '../api/types';
import { i18n, issueMessage, issueText, pickZh, useLanguage, type Language } from '../i18n';
import type { MessageCatalog } from '../i18n/messages';
import type { ViewIssue } from '../model/checkView';
import { formatCount, formatFlops, formatSpec } from '../model/format';
import { formFields, type FieldSpec, type JsonSchema } from '../model/schemaForm';
import {
  copySelection,
  deleteSelected,
  duplicateSelection,
  editDocument,
  makeBlockFromSelection,
  openScope,
  sealEdit,
  setNodeFields,
  setParam,
  useEditor,
} from '../store/editor';
import { useMessages } from '../store/meta';
import { LearnCard, type Learn } from './LearnCard';
import { ParamField } from './ParamField';
import { TrainingPanel } from './TrainingPanel';

const NO_ISSUES: ViewIssue[] = [];

/** The server's error about one parameter, in the reader's language (null: none). */
function fieldError(issues: ViewIssue[], field: string, lng: Language, catalog: MessageCatalog | null): string | null {
  const issue = issues.find((i) => i.field === field && i.level === 'error');
  return issue ? issueMessage(issue, lng, catalog) : null;
}
/** Whether the Learn card is open: one choice for every node, remembered by the browser. */
const LEARN_OPEN_KEY = 'layerlab.learnOpen';

function learnOpenStored(): boolean {
  try {
    return localStorage.getItem(LEARN_OPEN_KEY) === 'true';
  } catch {
    return false; // storage unavailable: collapsed, as by default
  }
}

/** The selected node's Learn card, collapsed by default behind a disclosure button. */
function LearnSection({ card, report }: { card: Learn; report?: NodeReport }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(learnOpenStored);
  const bodyId = useId();
  const toggle = () => {
    const next = !open;
    setOpen(next);
    try {
      localStorage.setItem(LEARN_OPEN_KEY, String(next));
    } catch {
      // storage unavailable: the choice lasts until the next selection
    }
  };
  return (
    <section className="learn" data-testid="learn-card" aria-label={t('inspector.learn')}>
      <button type="button" className="learn-toggle" data-testid="learn-toggle" aria-expanded={open} aria-controls={bodyId} onClick={toggle}>
        <span className="learn-chevron" aria-hidden="true">
          ▶
        </span>
        {t('inspector.learn')}
      </button>
      <div id={bodyId} hidden={!open}>
        {open && <LearnCard card={card} report={report} />}
      </div>
    </section>
  );
}

export function Inspector() {
  const selected = useEditor(useShallow((s) => s.nodes.filter((n) => n.selected).map((n) => n.id)));
  const opened = useEditor((s) => s.fitRequest);
  const { t } = useTranslation();
  return (
    <aside className="inspector" data-testid="inspector" aria-label={t('inspector.label')}>
      {selected.length === 0 && <TrainingPanel key={opened} />}
      {selected.length === 1 && <NodeInspector id={selected[0] as string} />}
      {selected.length > 1 && <SelectionPanel count={selected.length} />}
    </aside>
  );
}

function SelectionPanel({ count }: { count: number }) {
  const scope = useEditor((s) => s.scope);
  const { t } = useTranslation();
  return (
    <section className="panel">
      <h2>{t('inspector.nodesSelected', { count })}</h2>
      <div className="button-column">
        <button onClick={() => makeBlockFromSelection()} disabled={scope !== null} data-testid="make-block" title="Ctrl+G">
          {t('inspector.makeBlock')}
        </button>
        <button onClick={() => duplicateSelection()} title="Ctrl+D">
          {t('inspector.duplicate')}
        </button>
        <button onClick={() => copySelection()} title="Ctrl+C">
          {t('inspector.copy')}
        </button>
        <button className="danger" onClick={() => deleteSelected()} title="Delete">
          {t('inspector.delete')}
        </button>
      </div>
      <p className="muted">{t('inspector.blockHelp')}</p>
    </section>
  );
}

/** A block parameter's form field, typed by its default value. */
function blockParamField(name: string, value: unknown): FieldSpec {
  const type = typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value === 'boolean' ? 'boolean' : 'string';
  const schema: JsonSchema = { type, default: value };
  return {
    name,
    title: name,
    description: i18n.t('inspector.blockParam', { name }),
    kind: Array.isArray(value) ? 'text' : (type as FieldSpec['kind']),
    schema: Array.isArray(value) ? { type: 'array', default: value } : schema,
    defaultValue: value,
    hasDefault: true,
    nullable: false,
    options: [],
    bounds: '',
    accepts: Array.isArray(value) ? i18n.t('inspector.aList') : type,
  };
}

function NodeInspector({ id }: { id: string }) {
  const node = useEditor((s) => s.nodes.find((n) => n.id === id));
  const op = useEditor((s) => (node ? s.opIndex.get(node.data.type) : undefined));
  const blocks = useEditor((s) => s.history.present.blocks);
  const scope = useEditor((s) => s.scope);
  const report = useEditor((s) => s.view.reports.get(id));
  const issues = useEditor((s) => s.view.issues.get(id)) ?? NO_ISSUES;
  const block: BlockDoc | undefined = node && !op ? (blocks ?? []).find((b) => b.name === node.data.type) : undefined;
  const fields = useMemo(() => (op ? formFields(op.params_schema) : []), [op]);
  const { t } = useTranslation();
  const lng = useLanguage();
  const catalog = useMessages();
  if (!node) return null;
  const d = node.data;

  return (
    <section className="panel" data-testid={`inspector-${id}`}>
      <h2>
        {d.type} <span className="muted">{id}</span>
      </h2>
      <p className="summary">{(op ? pickZh(op.summary, (op as { summary_zh?: string }).summary_zh, lng) : undefined) ?? block?.description ?? (block ? t('inspector.blockOfDocument') : t('inspector.unknownType'))}</p>

      {issues.length > 0 && (
        <ul className="issue-list">
          {issues.map((i, k) => (
            <li key={k} className={i.level}>
              {i.port && <strong>{i.port}: </strong>}
              {issueText(i, lng, catalog)}
              {i.hint && (
                <button className="fix" data-testid={`fix-${id}`} onClick={() => editDocument(i.hint!.fix.apply)}>
                  {i.hint.fix.label}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}

      {report && (
        <dl className="report" data-testid="node-report">
          {Object.entries(report.inputs).map(([p, spec]) => (
            <div key={`in-${p}`}>
              <dt>{t('inspector.inPort', { port: p })}</dt>
              <dd>{formatSpec(spec)}</dd>
            </div>
          ))}
          {Object.entries(report.outputs).map(([p, spec]) => (
            <div key={`out-${p}`}>
              <dt>{t('inspector.outPort', { port: p })}</dt>
              <dd>{formatSpec(spec)}</dd>
            </div>
          ))}
          <div>
            <dt>{t('inspector.parameters')}</dt>
            <dd data-testid="node-params">{formatCount(report.params)}</dd>
          </div>
          <div>
            <dt>{t('inspector.compute')}</dt>
            <dd>{formatFlops(report.flops)}</dd>
          </div>
        </dl>
      )}

      {block && (
        <>
          <ParamField
            field={{ ...blockParamField('repeat', 1), description: t('inspector.repeatHelp'), minimum: 1, bounds: '≥ 1', schema: { type: 'integer', minimum: 1, default: 1 }, kind: 'integer' }}
            value={d.repeat === 1 ? undefined : d.repeat}
            onChange={(v) => setNodeFields(id, { repeat: typeof v === 'number' && v >= 1 ? v : 1 })}
          />
          {Object.entries(block.params ?? {}).map(([name, def]) => (
            <ParamField key={name} field={blockParamField(name, def)} value={d.params[name]} onChange={(v) => setParam(id, name, v)} />
          ))}
          <button onClick={() => openScope(block.name)} data-testid="open-block">
            {t('inspector.openBlock', { name: block.name })}
          </button>
        </>
      )}

      {fields.map((f) => (
        <ParamField
          key={`${id}:${f.name}`}
          field={f}
          value={d.params[f.name]}
          allowBlockParam={scope !== null}
          serverError={fieldError(issues, f.name, lng, catalog)}
          onChange={(v) => setParam(id, f.name, v)}
        />
      ))}

      {op?.learn && <LearnSection card={op.learn} report={report} />}

      <details className="node-extra">
        <summary>{scope === null ? t('inspector.labelAndNetwork') : t('inspector.labelOnly')}</summary>
        <label className="field">
          <span className="field-label">{t('inspector.labelField')}</span>
          <input data-testid="node-label" value={d.label ?? ''} placeholder={id} onChange={(e) => setNodeFields(id, { label: e.target.value || null })} onBlur={sealEdit} />
        </label>
        {scope === null && (
          <label className="field">
            <span className="field-label">{t('inspector.network')}</span>
            <input data-testid="node-network" value={d.network ?? ''} placeholder="main" onChange={(e) => setNodeFields(id, { network: e.target.value.trim() || null })} onBlur={sealEdit} />
            <span className="field-help">{t('inspector.networkHelp')}</span>
          </label>
        )}
      </details>
    </section>
  );
}
