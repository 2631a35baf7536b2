// The words of the pure models, in the interface's language. A model that says something
// takes a `t` as its last argument: a component passes its own (useTranslation), a store
// or a test may leave it out, and then it is the app's i18next once that has started, or
// English before (Vitest, scripts). No React and no store here.
import i18next, { type TFunction } from 'i18next';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';

export type { TFunction };
/** What a model that says something takes: i18next's `t`. */
export type Translate = TFunction;

/** One language, whatever the page's: the tests' oracle, and the English fallback. */
export function fixedT(lng: 'en' | 'zh-CN'): TFunction {
  const instance = i18next.createInstance();
  void instance.init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng,
    fallbackLng: 'en',
    initAsync: false,
    interpolation: { escapeValue: false },
  });
  return instance.t.bind(instance) as TFunction;
}

/** The English source: the default of the run page's models where a caller passes no `t`. */
export const inEnglish: TFunction = fixedT('en');

/** The app's current language once i18next has started, else English. */
export const currentT: TFunction = ((...args: unknown[]) =>
  (i18next.isInitialized ? i18next.t.bind(i18next) : inEnglish)(...(args as Parameters<TFunction>))) as unknown as TFunction;
