/**
 * Split payment lines (up to 6): method, amount in yuan (typed; fen by string arithmetic), and the
 * reference every method except cash needs. The live total with its Chinese capitals sits below.
 * Used by the payment form and the refund dialog.
 */
import { For, Index, Show, createSignal, type JSX } from 'solid-js';
import { amountInCapitals, MAX_CAPITALS_FEN, MAX_PAYMENT_LINES, PAYMENT_METHODS } from '@kaipan/shared';
import {
  checkLines,
  fenToDisplay,
  fenToInput,
  nextMethod,
  parseYuan,
  remainder,
  type LineDraft,
  type LineProblem,
  type LinesCheck,
} from '../lib/cashier-money';
import { amountProblemText, ct, methodName, money } from '../lib/cashier-i18n';

export function emptyLine(drafts: readonly LineDraft[] = [], amount?: number): LineDraft {
  return { method: nextMethod(drafts), amountText: amount && amount > 0 ? fenToInput(amount) : '', reference: '' };
}

function problemText(p: LineProblem): string {
  if (p.field === 'amount') return amountProblemText(p.problem);
  return p.problem === 'required' ? ct('lines.referenceRequired') : ct('lines.referenceTooLong');
}

export function LinesEditor(props: {
  drafts: LineDraft[];
  onChange: (next: LineDraft[]) => void;
  /** What the lines should add up to (fills the remainder; shows the difference). */
  target?: number;
  /** Show every problem (after the first try to go on), not only those of fields left. */
  showProblems: boolean;
  disabled?: boolean;
  /** Amounts must equal the target exactly (refunds). */
  exact?: boolean;
  testid?: string;
}): JSX.Element {
  const [touched, setTouched] = createSignal<Set<string>>(new Set());
  const check = (): LinesCheck => checkLines(props.drafts);
  const touch = (key: string): void => {
    setTouched((s) => new Set(s).add(key));
  };
  const update = (i: number, patch: Partial<LineDraft>): void => {
    props.onChange(props.drafts.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  };
  const remove = (i: number): void => {
    props.onChange(props.drafts.filter((_, j) => j !== i));
    setTouched(new Set<string>());
  };
  const add = (): void => {
    const rest = props.target !== undefined ? remainder(props.target, props.drafts) : 0;
    props.onChange([...props.drafts, emptyLine(props.drafts, rest)]);
    queueMicrotask(() => {
      const rows = document.querySelectorAll<HTMLSelectElement>('.c-lines__method');
      rows[rows.length - 1]?.focus();
    });
  };
  const problemsOf = (i: number, field: 'amount' | 'reference'): LineProblem[] =>
    (check().problems[i] ?? []).filter(
      (p) => p.field === field && (props.showProblems || touched().has(`${i}.${field}`)),
    );
  const diff = (): number | null => (props.target === undefined ? null : check().total - props.target);

  return (
    <div class="c-lines" data-testid={props.testid ?? 'lines'}>
      <div class="c-lines__head" aria-hidden="true">
        <span>{ct('lines.method')}</span>
        <span>{ct('lines.amount')}</span>
        <span>{ct('lines.reference')}</span>
        <span />
      </div>
      <Index each={props.drafts}>
        {(d, i) => (
          <div class="c-lines__row" data-line={i}>
            <select
              class="c-select c-lines__method"
              value={d().method}
              disabled={props.disabled}
              aria-label={ct('lines.methodN', { n: i + 1 })}
              onChange={(e) => update(i, { method: e.currentTarget.value as LineDraft['method'] })}
              data-testid={`line-method-${i}`}
            >
              <For each={PAYMENT_METHODS}>{(m) => <option value={m}>{methodName(m)}</option>}</For>
            </select>
            <div class="c-amount" classList={{ 'c-amount--bad': problemsOf(i, 'amount').length > 0 }}>
              <span class="c-amount__cur" aria-hidden="true">
                ¥
              </span>
              <input
                class="c-input c-amount__input"
                inputmode="decimal"
                autocomplete="off"
                value={d().amountText}
                disabled={props.disabled}
                placeholder="0.00"
                aria-label={ct('lines.amountN', { n: i + 1 })}
                aria-invalid={problemsOf(i, 'amount').length > 0}
                onInput={(e) => update(i, { amountText: e.currentTarget.value })}
                onBlur={() => {
                  touch(`${i}.amount`);
                  // Typed "30000" reads back as "30,000.00": what will be recorded, unambiguous.
                  const parsed = parseYuan(d().amountText);
                  if (parsed.ok) update(i, { amountText: fenToDisplay(parsed.fen) });
                }}
                data-testid={`line-amount-${i}`}
              />
            </div>
            <input
              class="c-input c-lines__ref"
              classList={{ 'c-input--bad': problemsOf(i, 'reference').length > 0 }}
              value={d().reference}
              disabled={props.disabled}
              maxlength={80}
              placeholder={
                d().method === 'CASH' ? ct('lines.referenceOptional') : ct(`lines.referenceHint.${d().method}`)
              }
              aria-label={ct('lines.referenceN', { n: i + 1 })}
              aria-invalid={problemsOf(i, 'reference').length > 0}
              onInput={(e) => update(i, { reference: e.currentTarget.value })}
              onBlur={() => touch(`${i}.reference`)}
              data-testid={`line-reference-${i}`}
            />
            <button
              type="button"
              class="c-icon-btn"
              disabled={props.disabled || props.drafts.length <= 1}
              onClick={() => remove(i)}
              aria-label={ct('lines.remove', { n: i + 1 })}
              title={ct('lines.remove', { n: i + 1 })}
            >
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
              </svg>
            </button>
            <Show when={problemsOf(i, 'amount').length + problemsOf(i, 'reference').length > 0}>
              <p class="c-lines__problem" role="alert">
                {[...problemsOf(i, 'amount'), ...problemsOf(i, 'reference')].map(problemText).join(' · ')}
              </p>
            </Show>
          </div>
        )}
      </Index>
      <div class="c-lines__tools">
        <button
          type="button"
          class="c-btn c-btn--secondary c-btn--sm"
          onClick={add}
          disabled={props.disabled || props.drafts.length >= MAX_PAYMENT_LINES}
          data-testid="add-line"
        >
          + {ct('lines.add')}
        </button>
        <span class="c-muted">{ct('lines.max', { n: MAX_PAYMENT_LINES })}</span>
      </div>
      <div class="c-total" data-testid="lines-total">
        <div class="c-total__row">
          <span class="c-total__label">{ct('lines.total')}</span>
          <span class="c-total__figure" data-testid="total-figure">
            {money(check().total)}
          </span>
        </div>
        <div class="c-total__capitals" lang="zh-CN" data-testid="total-capitals">
          {check().total > 0 && check().total <= MAX_CAPITALS_FEN ? amountInCapitals(check().total) : '—'}
        </div>
        <Show when={diff() !== null && diff() !== 0 && check().total > 0}>
          <div class="c-total__diff" classList={{ 'c-total__diff--bad': props.exact === true || (diff() ?? 0) > 0 }}>
            {(diff() ?? 0) < 0
              ? ct('lines.short', { amount: money(-(diff() ?? 0)) })
              : ct('lines.over', { amount: money(diff() ?? 0) })}
          </div>
        </Show>
        <Show when={check().overall === 'tooLarge'}>
          <div class="c-total__diff c-total__diff--bad">{ct('lines.tooLarge')}</div>
        </Show>
      </div>
    </div>
  );
}
