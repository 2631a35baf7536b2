// Server messages in the reader's language (issue 19). The server sends each problem and
// health finding as a catalog key with parameters (and its English text, `message`); the
// catalog itself, every key's template in English and Chinese, comes once in GET /api/meta
// (`messages`, from backend/layerlab/messages/catalog.py). A template is filled here exactly as
// the server fills it:
//   {name}       the parameter as text; a list joined by ", "; null as nothing
//   {name:spec}  a number as Python formats it: `,` groups thousands, `.2f` fixed,
//                `.2e` exponent (two-digit, signed), `.0%` percent, `.4g` general
// A key the catalog lacks (an older or newer server), a template naming a parameter that
// is not there, or no catalog yet: the server's English `message` is shown instead.
import type { Language } from './index';

export type MessageParam = string | number | string[] | number[] | null;
export type MessageParams = { [name: string]: MessageParam };
/** The catalog as served: key -> template in each language. */
export type MessageCatalog = { [key: string]: { en: string; 'zh-CN': string } };

/** What the server says: a catalog key with its parameters, and the English text. */
export interface ServerText {
  key?: string | null;
  params?: MessageParams | null;
  message: string;
}

const FIELD = /\{(\w+)(?::([^{}]*))?\}/g;
const SPEC = /^(,)?(?:\.(\d+)([efg%]))?$/;

function group(digits: string): string {
  const [whole = '', fraction] = digits.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** Python's exponent: at least two digits, always signed (1.5e-05, 2.0e+03). */
function exponent(text: string): string {
  return text.replace(/e([+-])(\d+)$/, (_, sign: string, digits: string) => `e${sign}${digits.padStart(2, '0')}`);
}

function general(x: number, precision: number): string {
  const p = Math.max(precision, 1);
  if (x === 0) return '0';
  const exp = Number(x.toExponential(p - 1).split('e')[1]);
  const strip = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (exp < -4 || exp >= p) {
    const [mantissa = '', power = ''] = x.toExponential(p - 1).split('e');
    return exponent(`${strip(mantissa)}e${power}`);
  }
  return strip(x.toFixed(p - 1 - exp));
}

/** One number under a format spec, as Python's format() writes it; null if the spec is not one of ours. */
export function formatNumber(x: number, spec: string): string | null {
  const m = SPEC.exec(spec);
  if (!m) return null;
  const [, comma, digits, kind] = m;
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const precision = digits === undefined ? 6 : Number(digits);
  let text: string;
  if (kind === 'f') text = x.toFixed(precision);
  else if (kind === '%') text = `${(x * 100).toFixed(precision)}%`;
  else if (kind === 'e') text = exponent(x.toExponential(precision));
  else if (kind === 'g') text = general(x, precision);
  else text = String(x);
  if (!comma) return text;
  const sign = text.startsWith('-') ? '-' : '';
  const body = sign ? text.slice(1) : text;
  const match = /^(\d+(?:\.\d+)?)(.*)$/.exec(body);
  return match ? `${sign}${group(match[1] ?? '')}${match[2] ?? ''}` : text;
}

/** One parameter as text. */
export function formatParam(value: MessageParam | undefined, spec = ''): string | null {
  if (value === undefined) return null;
  if (value === null) return '';
  if (Array.isArray(value)) {
    const parts = (value as (string | number)[]).map((v) => formatParam(v, spec));
    return parts.some((p) => p === null) ? null : parts.join(', ');
  }
  if (typeof value === 'string' || !spec) return String(value);
  return formatNumber(value, spec);
}

/** A template filled with `params`; null when it names a parameter that is missing. */
export function fillTemplate(template: string, params: MessageParams): string | null {
  let ok = true;
  const text = template.replace(FIELD, (_, name: string, spec: string | undefined) => {
    const part = Object.prototype.hasOwnProperty.call(params, name) ? formatParam(params[name], spec ?? '') : null;
    if (part === null) ok = false;
    return part ?? '';
  });
  return ok ? text : null;
}

/** A server message in `lng`: its catalog template filled, else the server's English. */
export function messageText(text: ServerText, lng: Language, catalog: MessageCatalog | null | undefined): string {
  const entry = text.key && catalog ? catalog[text.key] : undefined;
  if (!entry) return text.message;
  const template = (lng === 'zh-CN' && entry['zh-CN']) || entry.en;
  return fillTemplate(template, text.params ?? {}) ?? text.message;
}
