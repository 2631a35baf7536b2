// The one node component: everything it shows comes from its data (type, params) and the
// store's check view (shapes, parameter count, issues), read through selectors.
import { Handle, Position, useStore, type NodeProps } from '@xyflow/react';
import { memo, useContext, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { issueMessage, useLanguage, whereText } from '../i18n';
import { bindParams, blockBindings } from '../model/blocks';
import type { LayerNode } from '../model/canvas';
import { formatCompact, formatCount, formatKeyParams, formatSpec } from '../model/format';
import { portsResolver, type PortSchema } from '../model/ops';
import { openScope, useEditor } from '../store/editor';
import { useMessages } from '../store/meta';
import { CanvasSourceContext } from './canvasSource';

const NO_ISSUES: never[] = [];

/** Below this zoom the text is unreadable anyway: nodes draw their head only (big graphs pan faster). */
export const DETAIL_ZOOM = 0.45;
export const zoomedOut = (s: { transform: [number, number, number] }) => s.transform[2] < DETAIL_ZOOM;

function portStyle(index: number, count: number) {
  return { left: `${((index + 1) / (count + 1)) * 100}%` };
}

function Ports({ id, ports, kind, bad }: { id: string; ports: PortSchema[]; kind: 'target' | 'source'; bad: Set<string> }) {
  const { t } = useTranslation();
  const position = kind === 'target' ? Position.Top : Position.Bottom;
  const many = ports.length > 1;
  return (
    <>
      {ports.map((p, i) => (
        <Handle
          key={p.name}
          id={p.name}
          type={kind}
          position={position}
          style={portStyle(i, ports.length)}
          className={`port dtype-${p.dtype}${bad.has(p.name) ? ' port-error' : ''}`}
          data-testid={`port-${kind === 'target' ? 'in' : 'out'}-${id}-${p.name}`}
          title={t(p.optional ? 'node.portTitleOptional' : 'node.portTitle', { name: p.name, description: p.description, dtype: p.dtype })}
        >
          {many && <span className={`port-name port-name-${kind}`}>{p.name}</span>}
        </Handle>
      ))}
    </>
  );
}

function LayerNodeView({ id, data, selected }: NodeProps<LayerNode>) {
  const { t } = useTranslation();
  const source = useContext(CanvasSourceContext);
  const opIndex = useEditor((s) => s.opIndex);
  const editorBlocks = useEditor((s) => s.history.present.blocks);
  const far = useStore(zoomedOut);
  const editorReport = useEditor((s) => s.view.reports.get(id));
  const editorIssues = useEditor((s) => s.view.issues.get(id)) ?? NO_ISSUES;
  const editorStale = useEditor((s) => s.view.stale.has(id));
  const editorWaits = useEditor((s) => s.view.blocked.get(id));
  // On a run's page the node shows the run's snapshot, not the editor's document.
  const blocks = source ? source.blocks : editorBlocks;
  const report = source ? source.view.reports.get(id) : editorReport;
  const issues = source ? (source.view.issues.get(id) ?? NO_ISSUES) : editorIssues;
  const stale = source ? source.view.stale.has(id) : editorStale;
  const waits = source ? source.view.blocked.get(id) : editorWaits;
  const Overlay = source?.Overlay ?? null;
  const op = opIndex.get(data.type);
  const isBlock = !op && (blocks ?? []).some((b) => b.name === data.type);
  const ports = useMemo(() => portsResolver(opIndex, blocks ?? [])(data.type), [opIndex, blocks, data.type]);

  const scope = useEditor((s) => s.scope);
  const inBlock = scope !== null;
  // Inside a block, `$channels` is shown as the value its first instance gives it.
  // (As JSON: a string compares by value, so the node redraws only when the values change.)
  const bindingsJson = useEditor((s) => (s.scope !== null && !source ? JSON.stringify(blockBindings(s.history.present, s.scope)) : null));
  const bindings = useMemo(() => (bindingsJson ? (JSON.parse(bindingsJson) as ReturnType<typeof blockBindings>) : null), [bindingsJson]);
  const shownParams = useMemo(() => (bindings ? bindParams(data.params, bindings.values) : data.params), [bindings, data.params]);
  const bound = bindings !== null && Object.values(data.params).some((v) => typeof v === 'string' && v.startsWith('$'));
  const defaults = useMemo(() => {
    const out: Record<string, unknown> = {};
    // A block's Input takes its shape from the instance, not from the default.
    if (inBlock && data.type === 'Input') return out;
    for (const [k, v] of Object.entries(op?.params_schema.properties ?? {})) out[k] = v.default;
    return out;
  }, [op, inBlock, data.type]);
  const summary = op
    ? formatKeyParams(op.key_params, shownParams, defaults)
    : Object.entries(shownParams)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(' · ');

  const errors = issues.filter((i) => i.level === 'error');
  const warnings = issues.filter((i) => i.level === 'warning');
  const badPorts = useMemo(() => new Set(errors.map((i) => i.port).filter((p): p is string => !!p)), [errors]);
  const outputs = report ? Object.entries(report.outputs) : [];
  const shapeText = outputs.length
    ? outputs.map(([port, spec]) => (outputs.length > 1 ? `${port} ${formatSpec(spec)}` : formatSpec(spec))).join(' · ')
    : report && Object.values(report.inputs)[0]
      ? `← ${formatSpec(Object.values(report.inputs)[0])}`
      : '';
  const first = errors[0] ?? warnings[0];
  const lng = useLanguage();
  const catalog = useMessages();
  const firstText = first ? issueMessage(first, lng, catalog) : '';

  const status = errors.length ? 'has-error' : warnings.length ? 'has-warning' : waits ? 'is-blocked' : '';
  const waitText = waits ? t('node.waitsFor', { nodes: waits.join(', ') }) : null;
  return (
    <div
      className={`layer-node ${status}${selected ? ' selected' : ''}${isBlock ? ' block-node' : ''}`}
      data-testid={`node-${id}`}
      data-type={data.type}
      data-status={errors.length ? 'error' : warnings.length ? 'warning' : 'ok'}
      data-blocked={waits?.join(' ') || undefined}
      onDoubleClick={isBlock && !source ? () => openScope(data.type) : undefined}
    >
      {Overlay && <Overlay id={id} />}
      <Ports id={id} ports={ports.inputs} kind="target" bad={badPorts} />
      <div className="node-head">
        <span className="node-type">{data.type}</span>
        {data.repeat > 1 && (
          <span className="node-repeat" data-testid={`repeat-${id}`} title={t('node.repeatTitle', { repeat: data.repeat })}>
            ×{data.repeat}
          </span>
        )}
        <span className="node-id" title={data.label ? id : undefined}>
          {data.label ?? id}
        </span>
      </div>
      {!far && summary && (
        <div className="node-params" title={bound && bindings?.instance ? t('node.boundValues', { instance: bindings.instance }) : undefined}>
          {summary}
        </div>
      )}
      {!far && <div className="node-foot">
        <span
          className={`node-shape${stale ? ' stale' : ''}`}
          data-testid={`shape-${id}`}
          data-stale={stale || undefined}
          title={stale && waitText ? t('node.staleShape', { waits: waitText }) : undefined}
        >
          {shapeText || (waitText && !first ? `(${waitText})` : '')}
        </span>
        {report && report.params > 0 && (
          <span className={`node-count${stale ? ' stale' : ''}`} data-testid={`params-${id}`} title={t(stale ? 'node.paramsTitleStale' : 'node.paramsTitle', { params: formatCount(report.params) })}>
            {t('node.params', { params: formatCompact(report.params) })}
          </span>
        )}
      </div>}
      {!far && stale && waitText && !first && (
        <div className="node-waits" data-testid={`node-waits-${id}`}>
          {t('node.waitsStale', { waits: waitText })}
        </div>
      )}
      {!far && first && (
        <div className={`node-issue ${first.level}`} data-testid={`node-issue-${id}`} title={firstText}>
          {first.where ? `${whereText(first.where, lng)}: ` : ''}
          {firstText}
          {issues.length > 1 ? ` (+${issues.length - 1})` : ''}
        </div>
      )}
      {!far && isBlock && !source && (
        <button className="node-open nodrag" data-testid={`open-block-${id}`} onClick={() => openScope(data.type)}>
          {t('node.openBlock')}
        </button>
      )}
      <Ports id={id} ports={ports.outputs} kind="source" bad={badPorts} />
    </div>
  );
}

export const LayerNodeComponent = memo(LayerNodeView);
