// Inspector forms from JSON Schema (each op's params_schema, the training config's schema):
// field descriptors, text <-> value parsing, and validation against bounds and enums.
// The words (what a field accepts, why a value is refused) come from `t` (translate.ts).
import { currentT, type TFunction } from './translate';

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  [extra: string]: unknown;
}

export type FieldKind = 'integer' | 'number' | 'boolean' | 'enum' | 'string' | 'text';

export interface FieldSpec {
  name: string;
  title: string;
  description: string;
  /** integer/number/boolean/enum/string get their own widget; "text" parses anything else. */
  kind: FieldKind;
  schema: JsonSchema;
  defaultValue: unknown;
  hasDefault: boolean;
  nullable: boolean;
  options: unknown[];
  minimum?: number;
  maximum?: number;
  /** Bounds for people: "1 – 65536", "> 0, ≤ 10000"; empty when unbounded. */
  bounds: string;
  /** What the text form accepts, for help: "integer 1–4096, or 2 of them, or same / valid". */
  accepts: string;
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split('/').pop() ?? '';
  return { ...(root.$defs?.[name] ?? {}), ...schema, $ref: undefined };
}

function branches(schema: JsonSchema, root: JsonSchema): JsonSchema[] {
  const list = schema.anyOf ?? schema.oneOf;
  return list ? list.map((s) => resolve(s, root)) : [schema];
}

const isNull = (s: JsonSchema) => s.type === 'null';

const TYPE_WORDS = ['integer', 'number', 'string', 'boolean', 'array', 'object'] as const;
type TypeWord = (typeof TYPE_WORDS)[number] | 'value';
const typeWord = (type: JsonSchema['type']): TypeWord =>
  (TYPE_WORDS as readonly string[]).includes(String(type)) ? (String(type) as TypeWord) : 'value';

/** What one schema accepts, for people: "integer 0–4096", "2 integer 0–∞", "same / valid". */
function describe(s: JsonSchema, t: TFunction): string {
  if (s.enum) return s.enum.map(String).join(' / ');
  if (s.const !== undefined) return String(s.const);
  if (s.type === 'array') {
    const what = s.items ? describe(s.items, t) : t('editor.form.values');
    return s.minItems !== undefined && s.minItems === s.maxItems ? t('editor.form.countOf', { count: s.minItems, what }) : t('editor.form.listOf', { what });
  }
  const type = t(`editor.form.type.${typeWord(s.type)}`);
  return s.minimum !== undefined || s.maximum !== undefined ? t('editor.form.typeBounds', { type, bounds: `${s.minimum ?? '−∞'}–${s.maximum ?? '∞'}` }) : type;
}

export function boundsText(s: JsonSchema): string {
  const { minimum: lo, maximum: hi, exclusiveMinimum: xlo, exclusiveMaximum: xhi } = s;
  if (lo !== undefined && hi !== undefined) return `${lo} – ${hi}`;
  const parts = [
    lo !== undefined ? `≥ ${lo}` : xlo !== undefined ? `> ${xlo}` : null,
    hi !== undefined ? `≤ ${hi}` : xhi !== undefined ? `< ${xhi}` : null,
  ];
  return parts.filter(Boolean).join(', ');
}

export function formFields(schema: JsonSchema, t: TFunction = currentT): FieldSpec[] {
  const root = schema;
  return Object.entries(schema.properties ?? {}).map(([name, raw]) => {
    const prop = resolve(raw, root);
    const all = branches(prop, root);
    const nullable = all.some(isNull);
    const real = all.filter((s) => !isNull(s));
    const only = real.length === 1 ? real[0] : undefined;
    let kind: FieldKind = 'text';
    let options: unknown[] = [];
    if (only?.enum) {
      kind = 'enum';
      options = only.enum;
    } else if (only?.type === 'integer') kind = 'integer';
    else if (only?.type === 'number') kind = 'number';
    else if (only?.type === 'boolean') kind = 'boolean';
    else if (only?.type === 'string') kind = 'string';
    return {
      name,
      title: prop.title ?? name,
      description: prop.description ?? '',
      kind,
      schema: prop,
      defaultValue: prop.default,
      hasDefault: 'default' in prop,
      nullable,
      options,
      minimum: only?.minimum,
      maximum: only?.maximum,
      bounds: only ? boundsText(only) : '',
      accepts: real.map((r) => describe(r, t)).join(t('editor.form.or')) + (nullable ? t('editor.form.orEmpty') : ''),
    };
  });
}

/** A value as the text a person edits: [1, 28, 28] -> "1, 28, 28". */
export function displayValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(displayValue).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Whether `value` satisfies `schema` (one branch of anyOf suffices); null when it does. */
export function validate(schema: JsonSchema, value: unknown, root: JsonSchema = schema, t: TFunction = currentT): string | null {
  const s = resolve(schema, root);
  const list = s.anyOf ?? s.oneOf;
  if (list) {
    const errors = list.map((b) => validate(b, value, root, t));
    return errors.some((e) => e === null) ? null : t('editor.form.expected', { what: list.map((b) => describe(resolve(b, root), t)).join(t('editor.form.or')) });
  }
  if (s.enum && !s.enum.some((e) => e === value)) return t('editor.form.oneOf', { values: s.enum.map(String).join(', ') });
  if (s.const !== undefined && s.const !== value) return t('editor.form.mustBe', { value: String(s.const) });
  switch (s.type) {
    case 'null':
      return value === null ? null : t('editor.form.mustBeEmpty');
    case 'boolean':
      return typeof value === 'boolean' ? null : t('editor.form.yesOrNo');
    case 'string':
      return typeof value === 'string' ? null : t('editor.form.aText');
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return t('editor.form.aNumber');
      if (s.type === 'integer' && !Number.isInteger(value)) return t('editor.form.wholeNumber');
      if (s.minimum !== undefined && value < s.minimum) return t('editor.form.atLeast', { value: s.minimum });
      if (s.maximum !== undefined && value > s.maximum) return t('editor.form.atMost', { value: s.maximum });
      if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) return t('editor.form.moreThan', { value: s.exclusiveMinimum });
      if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum) return t('editor.form.lessThan', { value: s.exclusiveMaximum });
      return null;
    }
    case 'array': {
      if (!Array.isArray(value)) return t('editor.form.aList');
      if (s.minItems !== undefined && value.length < s.minItems) return t('editor.form.atLeastValues', { count: s.minItems });
      if (s.maxItems !== undefined && value.length > s.maxItems) return t('editor.form.atMostValues', { count: s.maxItems });
      for (const item of value) {
        const e = s.items ? validate(s.items, item, root, t) : null;
        if (e) return t('editor.form.eachValue', { error: e });
      }
      return null;
    }
    default:
      return null;
  }
}

function parseScalar(text: string): unknown {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  return t;
}

/** Text from a form field -> a value that satisfies the field's schema, or why not. */
export function parseValue(field: FieldSpec, text: string, root?: JsonSchema, t: TFunction = currentT): Parsed {
  const typed = text.trim();
  if (typed === '') {
    if (field.nullable) return { ok: true, value: null };
    if (field.hasDefault) return { ok: true, value: field.defaultValue };
    return { ok: false, error: t('editor.form.required') };
  }
  let candidates: unknown[];
  if (typed.startsWith('[') || typed.startsWith('{')) {
    try {
      candidates = [JSON.parse(typed)];
    } catch {
      return { ok: false, error: t('editor.form.notJson') };
    }
  } else if (typed.includes(',') || /\s/.test(typed)) {
    candidates = [typed.split(/[\s,]+/).filter(Boolean).map(parseScalar), typed];
  } else {
    const scalar = parseScalar(typed);
    // "5" may mean 5 or [5]; a string enum value stays a string.
    candidates = [scalar, [scalar], typed];
  }
  for (const c of candidates) {
    if (validate(field.schema, c, root ?? field.schema, t) === null) return { ok: true, value: c };
  }
  const reason = validate(field.schema, candidates[0], root ?? field.schema, t);
  return { ok: false, error: reason ?? t('editor.form.expected', { what: field.accepts }) };
}
