// Inspector forms from JSON Schema (each op's params_schema, the training config's schema):
// field descriptors, text <-> value parsing, and validation against bounds and enums.

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

function describe(s: JsonSchema): string {
  if (s.enum) return s.enum.map(String).join(' / ');
  if (s.const !== undefined) return String(s.const);
  const bounds =
    s.minimum !== undefined || s.maximum !== undefined
      ? ` ${s.minimum ?? '−∞'}–${s.maximum ?? '∞'}`
      : '';
  if (s.type === 'array') {
    const n = s.minItems !== undefined && s.minItems === s.maxItems ? `${s.minItems}` : 'a list of';
    return `${n} ${s.items ? describe(s.items) : 'values'}`.trim();
  }
  return `${String(s.type ?? 'value')}${bounds}`;
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

export function formFields(schema: JsonSchema): FieldSpec[] {
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
      accepts: real.map(describe).join(', or ') + (nullable ? ', or empty' : ''),
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
export function validate(schema: JsonSchema, value: unknown, root: JsonSchema = schema): string | null {
  const s = resolve(schema, root);
  const list = s.anyOf ?? s.oneOf;
  if (list) {
    const errors = list.map((b) => validate(b, value, root));
    return errors.some((e) => e === null) ? null : `expected ${list.map((b) => describe(resolve(b, root))).join(', or ')}`;
  }
  if (s.enum && !s.enum.some((e) => e === value)) return `one of ${s.enum.map(String).join(', ')}`;
  if (s.const !== undefined && s.const !== value) return `must be ${String(s.const)}`;
  switch (s.type) {
    case 'null':
      return value === null ? null : 'must be empty';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'yes or no';
    case 'string':
      return typeof value === 'string' ? null : 'a text';
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'a number';
      if (s.type === 'integer' && !Number.isInteger(value)) return 'a whole number';
      if (s.minimum !== undefined && value < s.minimum) return `at least ${s.minimum}`;
      if (s.maximum !== undefined && value > s.maximum) return `at most ${s.maximum}`;
      if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) return `more than ${s.exclusiveMinimum}`;
      if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum) return `less than ${s.exclusiveMaximum}`;
      return null;
    }
    case 'array': {
      if (!Array.isArray(value)) return 'a list';
      if (s.minItems !== undefined && value.length < s.minItems) return `at least ${s.minItems} values`;
      if (s.maxItems !== undefined && value.length > s.maxItems) return `at most ${s.maxItems} values`;
      for (const item of value) {
        const e = s.items ? validate(s.items, item, root) : null;
        if (e) return `each value ${e}`;
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
export function parseValue(field: FieldSpec, text: string, root?: JsonSchema): Parsed {
  const t = text.trim();
  if (t === '') {
    if (field.nullable) return { ok: true, value: null };
    if (field.hasDefault) return { ok: true, value: field.defaultValue };
    return { ok: false, error: 'required' };
  }
  let candidates: unknown[];
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      candidates = [JSON.parse(t)];
    } catch {
      return { ok: false, error: 'not valid JSON' };
    }
  } else if (t.includes(',') || /\s/.test(t)) {
    candidates = [t.split(/[\s,]+/).filter(Boolean).map(parseScalar), t];
  } else {
    const scalar = parseScalar(t);
    // "5" may mean 5 or [5]; a string enum value stays a string.
    candidates = [scalar, [scalar], t];
  }
  for (const c of candidates) {
    if (validate(field.schema, c, root ?? field.schema) === null) return { ok: true, value: c };
  }
  const reason = validate(field.schema, candidates[0], root ?? field.schema);
  return { ok: false, error: reason ?? `expected ${field.accepts}` };
}
