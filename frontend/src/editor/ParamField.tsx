// One form field generated from a JSON Schema property: the widget follows the type,
// bounds and enums; the description is the help text; bad input is explained, not sent.
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pickZh, useLanguage } from '../i18n';
import { displayValue, parseValue, type FieldSpec } from '../model/schemaForm';
import { sealEdit } from '../store/editor';

interface Props {
  field: FieldSpec;
  /** The value set in the document; undefined means the default applies. */
  value: unknown;
  /** An error the server reported for this field. */
  serverError?: string | null;
  /** Inside a block, "$name" refers to a block parameter. */
  allowBlockParam?: boolean;
  onChange: (value: unknown) => void;
  testId?: string;
}

export function ParamField({ field, value, serverError, allowBlockParam, onChange, testId }: Props) {
  const id = useId();
  const isSet = value !== undefined;
  const shown = isSet ? value : field.defaultValue;
  const [text, setText] = useState(displayValue(shown));
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const { t } = useTranslation();
  const lng = useLanguage();

  // Follow the document (undo, a fix) unless the person is typing here.
  useEffect(() => {
    if (document.activeElement !== input.current) {
      setText(displayValue(shown));
      setError(null);
    }
  }, [shown]);

  const commitText = (next: string) => {
    setText(next);
    if (allowBlockParam && next.trim().startsWith('$')) {
      setError(null);
      onChange(next.trim());
      return;
    }
    const parsed = parseValue(field, next);
    if (parsed.ok) {
      setError(null);
      onChange(parsed.value);
    } else setError(parsed.error);
  };

  const shownError = error ?? serverError ?? null;
  const bounds = field.bounds || null;
  const testid = testId ?? `param-${field.name}`;

  let widget;
  if (field.kind === 'boolean') {
    widget = (
      <input id={id} type="checkbox" data-testid={testid} checked={Boolean(shown)} onChange={(e) => onChange(e.target.checked)} />
    );
  } else if (field.kind === 'enum') {
    widget = (
      <select id={id} data-testid={testid} value={String(shown ?? '')} onChange={(e) => onChange(field.options.find((o) => String(o) === e.target.value))}>
        {field.options.map((o) => (
          <option key={String(o)} value={String(o)}>
            {String(o)}
            {o === field.defaultValue ? t('field.default') : ''}
          </option>
        ))}
      </select>
    );
  } else {
    const numeric = (field.kind === 'integer' || field.kind === 'number') && !allowBlockParam;
    widget = (
      <input
        id={id}
        ref={input}
        data-testid={testid}
        type={numeric ? 'number' : 'text'}
        inputMode={numeric ? 'decimal' : undefined}
        min={numeric ? field.minimum : undefined}
        max={numeric ? field.maximum : undefined}
        step={field.kind === 'integer' ? 1 : 'any'}
        value={text}
        placeholder={field.hasDefault ? displayValue(field.defaultValue) : ''}
        aria-invalid={shownError ? true : undefined}
        onChange={(e) => commitText(e.target.value)}
        onBlur={() => {
          if (!error) setText(displayValue(shown));
          sealEdit();
        }}
      />
    );
  }

  return (
    <div className={`field${shownError ? ' field-error' : ''}${isSet ? ' field-set' : ''}`}>
      <div className="field-label">
        <label htmlFor={id} title={field.name}>
          {field.name}
        </label>
        {isSet && field.hasDefault && (
          <button type="button" className="link reset" title={t('field.resetTitle', { value: displayValue(field.defaultValue) })} onClick={() => onChange(undefined)}>
            {t('field.reset')}
          </button>
        )}
      </div>
      {widget}
      {shownError && (
        <div className="field-message" role="alert" data-testid={`${testid}-error`}>
          {shownError}
        </div>
      )}
      <div className="field-help">
        {pickZh(field.description, (field.schema as { description_zh?: unknown } | undefined)?.description_zh, lng)}
        {bounds && <span className="muted"> · {bounds}</span>}
        {field.kind === 'text' && <span className="muted"> · {field.accepts}</span>}
      </div>
    </div>
  );
}
