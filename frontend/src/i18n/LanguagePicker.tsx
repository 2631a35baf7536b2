// The language picker: a plain <select> (English / 中文), in the top bar and the run header.
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, useLanguage, type Language } from '.';
import './i18n.css';

export function LanguagePicker({ testId = 'language-picker' }: { testId?: string }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  return (
    <select
      className="language-picker"
      data-testid={testId}
      aria-label={t('language.label')}
      title={t('language.label')}
      value={lng}
      onChange={(e) => setLanguage(e.target.value as Language)}
    >
      {LANGUAGES.map((l) => (
        <option key={l} value={l} lang={l}>
          {t(`language.${l}`)}
        </option>
      ))}
    </select>
  );
}
