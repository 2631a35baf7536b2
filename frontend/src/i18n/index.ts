// The interface's languages (issue 19): react-i18next with the English texts as the typed
// source. The language comes from `?lang=` in the address, else the browser's last choice
// (localStorage), else the browser's own language (zh* → zh-CN, anything else → en).
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { en } from './en';
import { messageText, type MessageCatalog, type ServerText } from './messages';
import { zhCN } from './zh-CN';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];
export const STORAGE_KEY = 'layerlab.lang';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

/** A supported language for a tag as written anywhere (zh, zh-Hans-CN, en-GB, ...), or null. */
export function normalize(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  const t = tag.trim().toLowerCase();
  if (t.startsWith('zh')) return 'zh-CN';
  if (t.startsWith('en')) return 'en';
  return null;
}

function fromUrl(): Language | null {
  try {
    const params = new URLSearchParams(window.location.search);
    return normalize(params.get('lang'));
  } catch {
    return null;
  }
}

function stored(): Language | null {
  try {
    return normalize(localStorage.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}

function fromBrowser(): Language {
  const tags = typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language];
  return normalize(tags[0]) === 'zh-CN' ? 'zh-CN' : 'en';
}

/** The language to start in: the address, then the remembered choice, then the browser. */
export function detectLanguage(): Language {
  const url = fromUrl();
  if (url) remember(url);
  return url ?? stored() ?? fromBrowser();
}

function remember(lng: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // storage unavailable: the choice lasts for this page
  }
}

export const i18n = i18next;

/** Starts i18next (synchronously: the resources are bundled). Safe to call twice. */
export function initI18n(lng: Language = detectLanguage()): typeof i18next {
  if (!i18next.isInitialized) {
    void i18next.use(initReactI18next).init({
      resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
      lng,
      fallbackLng: 'en',
      supportedLngs: [...LANGUAGES],
      load: 'currentOnly',
      initAsync: false,
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  } else if (i18next.language !== lng) void i18next.changeLanguage(lng);
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
  return i18next;
}

/** The picker's choice: switch, remember it, and keep `?lang=` (if any) in step. */
export function setLanguage(lng: Language): void {
  remember(lng);
  void i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
  try {
    const url = new URL(window.location.href);
    if (url.searchParams.has('lang')) {
      url.searchParams.set('lang', lng);
      window.history.replaceState(window.history.state, '', url);
    }
  } catch {
    // no history API: the stored choice still applies, unless the address says otherwise
  }
}

/** The current language, re-rendering the component when it changes. */
export function useLanguage(): Language {
  const { i18n: instance } = useTranslation();
  return normalize(instance.resolvedLanguage ?? instance.language) ?? 'en';
}

/** A server text in both languages: the current one, English when the Chinese is absent. */
export function pick(text: { en: string; 'zh-CN'?: string | null } | null | undefined, lng: Language): string {
  if (!text) return '';
  return (lng === 'zh-CN' && text['zh-CN']) || text.en;
}

/** A server field with a `_zh` twin (summary/summary_zh, ...): the twin in Chinese, if present. */
export function pickZh(english: string, zh: unknown, lng: Language): string {
  return lng === 'zh-CN' && typeof zh === 'string' && zh.trim() ? zh : english;
}

/** A key built from server data (a category, an issue code): its text, or the fallback. */
export function tMaybe(key: string, fallback: string, options?: Record<string, unknown>): string {
  const t = i18next.t.bind(i18next) as unknown as (k: string, o?: Record<string, unknown>) => string;
  return i18next.exists(key) ? t(key, options) : fallback;
}

/** A check's problem as the browser holds it: the server's text, with where it lies. */
export interface IssueLike extends ServerText {
  code?: string | null;
  /** The server's text when `message` is the browser's own wording around it. */
  text?: ServerText | null;
  /** Set when the problem lies inside a block that the canvas shows as one node. */
  inBlock?: { block: string; node: string | null } | null;
}

/** A problem's message alone, in `lng` (a parameter field's error, a node's badge). */
export function issueMessage(issue: IssueLike, lng: Language, catalog: MessageCatalog | null | undefined): string {
  const own = messageText(issue.text ?? issue, lng, catalog);
  if (!issue.inBlock) return own;
  const t = i18next.t.bind(i18next) as unknown as (k: string, o?: Record<string, unknown>) => string;
  return t('drawer.inBlock', { block: issue.inBlock.block, node: issue.inBlock.node ?? '', message: own, lng });
}

/** Where on its node a problem lies ("input x", "output y", as model/checkView writes it), in `lng`. */
export function whereText(where: string | null | undefined, lng: Language): string | null {
  if (!where) return null;
  const output = where.startsWith('output ');
  const port = where.slice(output ? 'output '.length : where.startsWith('input ') ? 'input '.length : 0);
  return i18next.t(output ? 'drawer.whereOutput' : 'drawer.whereInput', { port, lng });
}

/**
 * A check's problem for the Problems list and the inspector: its message in `lng` from the
 * server's catalog key and parameters (the server's English when the key is unknown); in
 * Chinese the problem's kind (from its stable code) comes first.
 */
export function issueText(issue: IssueLike, lng: Language, catalog: MessageCatalog | null | undefined): string {
  const message = issueMessage(issue, lng, catalog);
  const code = issue.code;
  if (lng === 'en' || !code || !i18next.exists(`issue.${code}`, { lng })) return message;
  return i18next.t('drawer.issueTitle', { title: tMaybe(`issue.${code}`, code, { lng }), message, lng });
}
