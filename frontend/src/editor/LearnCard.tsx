// A node type's Learn card, in the inspector: what it computes, its shape rule, its
// parameter count as a formula and then with this node's own numbers, when to use it and
// the common mistakes. The card comes with the op from GET /api/ops; it is shown in
// English for now (the zh-CN text travels with it for a language switch to come).
import type { NodeReport } from '../api/types';
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
  return (
    <dl className="learn-body">
      <div>
        <dt>computes</dt>
        <dd>
          <code className="learn-formula" data-testid="learn-formula">
            {card.formula}
          </code>
        </dd>
      </div>
      <div>
        <dt>shape</dt>
        <dd>{card.shape.en}</dd>
      </div>
      <div>
        <dt>parameters</dt>
        <dd>
          {card.params.en}
          {report && terms.length > 0 && (
            <span className="learn-terms" data-testid="learn-terms">
              <span className="learn-terms-label">this node</span>
              {termsText(terms, report.params)}
            </span>
          )}
        </dd>
      </div>
      <div>
        <dt>when to use it</dt>
        <dd>{card.when.en}</dd>
      </div>
      <div>
        <dt>common mistakes</dt>
        <dd>{card.mistakes.en}</dd>
      </div>
    </dl>
  );
}
