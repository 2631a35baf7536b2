// A node type's Learn card, in the inspector: what it computes, its shape rule, its
// parameter count as a formula and then with this node's own numbers, when to use it and
// the common mistakes. The card comes with the op from GET /api/ops; it is shown in
// the interface's language (English where the Chinese is absent).
import { useTranslation } from 'react-i18next';
import type { NodeReport } from '../api/types';
import { pick, useLanguage } from '../i18n';
import { formatCount } from '../model/format';
import type { OpSchema } from '../model/ops';
import './learn.css';

export type Learn = NonNullable<OpSchema['learn']>;
type ParamTerm = NonNullable<NodeReport['param_terms']>[number];

/** "weight 16×2 + bias 16 = 48": each parameter tensor by name and shape, then the total. */
function termsText(terms: readonly ParamTerm[], total: number): string {
  const parts = terms.map((t) => `${t.name} ${t.shape.length > 0 ? t.shape.join('×') : '1'}`);
  return `${parts.join(' + ')} = ${formatCount(total)}`;
}

export function LearnCard({ card, report }: { card: Learn; report?: NodeReport }) {
  const terms = report?.param_terms ?? [];
  const { t } = useTranslation();
  const lng = useLanguage();
  return (
    <dl className="learn-body">
      <div>
        <dt>{t('learn.computes')}</dt>
        <dd>
          <code className="learn-formula" data-testid="learn-formula">
            {card.formula}
          </code>
        </dd>
      </div>
      <div>
        <dt>{t('learn.shape')}</dt>
        <dd data-testid="learn-shape">{pick(card.shape, lng)}</dd>
      </div>
      <div>
        <dt>{t('learn.parameters')}</dt>
        <dd>
          {pick(card.params, lng)}
          {report && terms.length > 0 && (
            <span className="learn-terms" data-testid="learn-terms">
              <span className="learn-terms-label">{t('learn.thisNode')}</span>
              {termsText(terms, report.params)}
            </span>
          )}
        </dd>
      </div>
      <div>
        <dt>{t('learn.when')}</dt>
        <dd data-testid="learn-when">{pick(card.when, lng)}</dd>
      </div>
      <div>
        <dt>{t('learn.mistakes')}</dt>
        <dd>{pick(card.mistakes, lng)}</dd>
      </div>
    </dl>
  );
}
