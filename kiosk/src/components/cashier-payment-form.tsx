/**
 * Record a payment 收款: kind, payer, split lines, note → a confirm step with the summary → the
 * receipt number, then its PDF (progress, preview, print).
 *
 * Never twice: the idempotency key is made when the form opens and kept until the server answers
 * success (cashier-submit.ts); the Record button is single-flight; a lost answer is resent with the
 * same key automatically, and if it still does not arrive the payment is remembered on this desk
 * (cashier-session.ts) and offered again from the banner — with the same key.
 */
import { For, Match, Show, Switch, createSignal, onMount, type JSX } from 'solid-js';
import {
  amountInCapitals,
  MAX_CAPITALS_FEN,
  normalizePhone,
  type IncomingKind,
  type PaymentInfo,
  type RecordPaymentBody,
} from '@kaipan/shared';
import { toApiError } from '../lib/api';
import { checkLines, type LineDraft } from '../lib/cashier-money';
import { createSubmitter, outcomeUnknown } from '../lib/cashier-submit';
import { ct, describe, detailOf, kindName, money } from '../lib/cashier-i18n';
import { paper, setPendingPayment } from '../lib/cashier-session';
import { useDesk } from '../lib/desk-context';
import { DocumentPreview } from './cashier-document';
import { LinesEditor, emptyLine } from './cashier-lines';
import { ErrorNote, LinesTable, Modal, Spinner } from './cashier-ui';
import { systemBlockedBy } from '../lib/system-status';

/** What a payment is for, as the panel knows it. */
export interface PaymentTarget {
  subscriptionId?: string;
  registrationId?: string;
  /** "A-0101 · 张三" — shown in the form, the summary and the pending banner. */
  label: string;
  kinds: readonly IncomingKind[];
  defaultKind: IncomingKind;
  payerName: string;
  payerPhone: string;
  /** Amount still due per kind (the first line is filled with it), fen. */
  due?: Partial<Record<IncomingKind, number>>;
}

type Step = 'edit' | 'confirm' | 'done';

export function PaymentForm(props: {
  target: PaymentTarget;
  onClose: () => void;
  onRecorded: (payment: PaymentInfo) => void;
}): JSX.Element {
  const desk = useDesk();
  const [step, setStep] = createSignal<Step>('edit');
  const [kind, setKind] = createSignal<IncomingKind>(props.target.defaultKind);
  const [payerName, setPayerName] = createSignal(props.target.payerName);
  const [payerPhone, setPayerPhone] = createSignal(props.target.payerPhone);
  const [note, setNote] = createSignal('');
  const [drafts, setDrafts] = createSignal<LineDraft[]>([emptyLine([], props.target.due?.[props.target.defaultKind])]);
  const [showProblems, setShowProblems] = createSignal(false);
  const [sending, setSending] = createSignal(false);
  const [attempt, setAttempt] = createSignal(0);
  const [error, setError] = createSignal<{ message: string; detail: string | null; unknown: boolean } | null>(null);
  const [result, setResult] = createSignal<PaymentInfo | null>(null);
  let confirmButton: HTMLButtonElement | undefined;

  const submitter = createSubmitter<Omit<RecordPaymentBody, 'idempotencyKey'>, PaymentInfo>(
    (idempotencyKey, body) => desk.api.recordPayment(desk.project.id, { ...body, idempotencyKey }),
    { onAttempt: (n) => setAttempt(n) },
  );

  const check = () => checkLines(drafts());
  /** A payer phone typed here (not the one on record): sent, and checked with the one phone rule. */
  const newPhone = (): string | null => {
    const phone = payerPhone().trim();
    return phone && phone.replace(/[\s-]/g, '') !== props.target.payerPhone.replace(/[\s-]/g, '') ? phone : null;
  };
  const phoneInvalid = (): boolean => {
    const phone = newPhone();
    return phone !== null && normalizePhone(phone) === null;
  };
  /** Live: once 11 digits are typed, a wrong number says so before the cashier presses on. */
  const phoneTyped = (): boolean => payerPhone().replace(/\D/g, '').length >= 11;
  const payerProblem = (): string | null => {
    if (!payerName().trim()) return ct('pay.payerRequired');
    if (phoneInvalid()) return ct('pay.phoneInvalid');
    return null;
  };

  const body = (): Omit<RecordPaymentBody, 'idempotencyKey'> | null => {
    const lines = check().lines;
    if (!lines || payerProblem()) return null;
    const b: Omit<RecordPaymentBody, 'idempotencyKey'> = { kind: kind(), lines };
    if (props.target.subscriptionId) b.subscriptionId = props.target.subscriptionId;
    if (props.target.registrationId) b.registrationId = props.target.registrationId;
    const name = payerName().trim();
    const phone = newPhone();
    if (name !== props.target.payerName.trim()) b.payerName = name;
    if (phone) b.payerPhone = normalizePhone(phone) ?? phone;
    const n = note().trim();
    if (n) b.note = n;
    return b;
  };

  const review = (e: SubmitEvent): void => {
    e.preventDefault();
    setShowProblems(true);
    if (body()) {
      setError(null);
      setStep('confirm');
      // Enter again records: the confirm button takes the focus.
      queueMicrotask(() => confirmButton?.focus());
    }
  };

  const record = async (): Promise<void> => {
    // Single flight: a second click while the first is on its way sends nothing.
    if (sending() || submitter.inFlight()) return;
    const b = body();
    if (!b) return;
    setSending(true);
    setError(null);
    // Until the server confirms, this desk remembers the payment with its key (reload, crash, cable).
    setPendingPayment({
      userId: desk.user.id,
      projectId: desk.project.id,
      body: { ...b, idempotencyKey: submitter.key() },
      label: props.target.label,
      sentAt: new Date().toISOString(),
    });
    try {
      const payment = await submitter.submit(b);
      setPendingPayment(null);
      setResult(payment);
      setStep('done');
      props.onRecorded(payment);
    } catch (err) {
      const e = toApiError(err);
      const unknown = outcomeUnknown(e);
      // A refusal recorded nothing: nothing to resend. An unknown outcome stays pending.
      if (!unknown) setPendingPayment(null);
      setError({ message: unknown ? ct('pay.unknownOutcome') : describe(e), detail: detailOf(e), unknown });
    } finally {
      setSending(false);
    }
  };

  const title = (): string =>
    step() === 'done' ? ct('pay.doneTitle') : ct('pay.title', { target: props.target.label });

  return (
    <Modal title={title()} onClose={props.onClose} locked={sending()} wide testid="payment-form">
      <Switch>
        <Match when={step() === 'edit'}>
          <form class="c-pay" onSubmit={review} novalidate>
            <fieldset class="c-pay__kinds">
              <legend class="c-field__label">{ct('pay.kind')}</legend>
              <div class="c-seg" role="radiogroup">
                <For each={props.target.kinds}>
                  {(k) => (
                    <label class="c-seg__opt" classList={{ 'c-seg__opt--on': kind() === k }}>
                      <input
                        type="radio"
                        name="kind"
                        value={k}
                        checked={kind() === k}
                        onChange={() => setKind(k)}
                        data-testid={`kind-${k}`}
                      />
                      {kindName(k)}
                    </label>
                  )}
                </For>
              </div>
            </fieldset>
            <div class="c-pay__payer">
              <label class="c-field">
                <span class="c-field__label">{ct('pay.payer')}</span>
                <input
                  class="c-input"
                  value={payerName()}
                  maxlength={50}
                  onInput={(e) => setPayerName(e.currentTarget.value)}
                  data-testid="payer-name"
                />
              </label>
              <label class="c-field">
                <span class="c-field__label">{ct('pay.payerPhone')}</span>
                <input
                  class="c-input"
                  inputmode="tel"
                  value={payerPhone()}
                  maxlength={32}
                  onInput={(e) => setPayerPhone(e.currentTarget.value)}
                  aria-invalid={phoneInvalid() && (showProblems() || phoneTyped())}
                  data-testid="payer-phone"
                />
              </label>
              <Show when={props.target.due?.[kind()]}>
                {(due) => (
                  <div class="c-pay__due">
                    <span class="c-field__label">{ct('pay.due')}</span>
                    <strong>{money(due())}</strong>
                  </div>
                )}
              </Show>
            </div>
            <Show when={(showProblems() || (phoneInvalid() && phoneTyped())) && payerProblem()}>
              <p class="c-alert c-alert--error">{payerProblem()}</p>
            </Show>
            <LinesEditor
              drafts={drafts()}
              onChange={setDrafts}
              target={props.target.due?.[kind()]}
              showProblems={showProblems()}
            />
            <label class="c-field">
              <span class="c-field__label">{ct('pay.note')}</span>
              <input
                class="c-input"
                value={note()}
                maxlength={200}
                placeholder={ct('pay.notePlaceholder')}
                onInput={(e) => setNote(e.currentTarget.value)}
              />
            </label>
            <Show when={desk.book() === null}>
              <p class="c-alert c-alert--warn">{ct('book.noneHint')}</p>
            </Show>
            <div class="c-modal__actions">
              <button type="button" class="c-btn c-btn--ghost" onClick={props.onClose}>
                {ct('common.cancel')}
              </button>
              <button type="submit" class="c-btn c-btn--primary c-btn--lg" data-testid="review-payment">
                {ct('pay.review')}
              </button>
            </div>
          </form>
        </Match>
        <Match when={step() === 'confirm'}>
          <div class="c-confirm" data-testid="payment-confirm">
            <p class="c-confirm__lead">{ct('pay.confirmLead')}</p>
            <dl class="c-summary">
              <div>
                <dt>{ct('pay.kind')}</dt>
                <dd>
                  <strong>{kindName(kind())}</strong> · {props.target.label}
                </dd>
              </div>
              <div>
                <dt>{ct('pay.payer')}</dt>
                <dd>
                  {payerName().trim()}
                  <Show when={payerPhone().trim()}> · {payerPhone().trim()}</Show>
                </dd>
              </div>
              <div>
                <dt>{ct('pay.lines')}</dt>
                <dd>
                  <LinesTable lines={check().lines ?? []} />
                </dd>
              </div>
              <Show when={note().trim()}>
                <div>
                  <dt>{ct('pay.note')}</dt>
                  <dd>{note().trim()}</dd>
                </div>
              </Show>
            </dl>
            <div class="c-confirm__total">
              <span class="c-confirm__figure" data-testid="confirm-total">
                {money(check().total)}
              </span>
              <span class="c-confirm__capitals" lang="zh-CN">
                {check().total <= MAX_CAPITALS_FEN ? amountInCapitals(check().total) : ''}
              </span>
            </div>
            <Show
              when={
                props.target.due?.[kind()] !== undefined &&
                props.target.due?.[kind()] !== check().total &&
                (props.target.due?.[kind()] ?? 0) > 0
              }
            >
              <p class="c-alert c-alert--warn" data-testid="confirm-diff">
                {ct('pay.confirmDiff', {
                  due: money(props.target.due?.[kind()] ?? 0),
                  diff: `${check().total > (props.target.due?.[kind()] ?? 0) ? '+' : '−'}${money(Math.abs(check().total - (props.target.due?.[kind()] ?? 0)))}`,
                })}
              </p>
            </Show>
            <Show when={sending() && attempt() > 0}>
              <p class="c-alert c-alert--warn" role="status" data-testid="payment-resending">
                {ct('pay.resending', { n: attempt() })}
              </p>
            </Show>
            <ErrorNote message={error()?.message ?? null} detail={error()?.detail} />
            <div class="c-modal__actions">
              <button
                type="button"
                class="c-btn c-btn--ghost"
                disabled={sending() || error()?.unknown === true}
                onClick={() => setStep('edit')}
              >
                {ct('pay.back')}
              </button>
              <Show when={error()?.unknown}>
                <button type="button" class="c-btn c-btn--secondary" onClick={props.onClose}>
                  {ct('pay.later')}
                </button>
              </Show>
              <button
                ref={confirmButton}
                type="button"
                class="c-btn c-btn--go c-btn--lg"
                disabled={sending() || systemBlockedBy() !== null}
                onClick={() => void record()}
                data-testid="record-payment-confirm"
              >
                <Show when={sending()}>
                  <Spinner light />
                </Show>
                {sending()
                  ? ct('pay.recording')
                  : error()?.unknown
                    ? ct('pay.sendAgain')
                    : ct('pay.record', { amount: money(check().total) })}
              </button>
            </div>
          </div>
        </Match>
        <Match when={step() === 'done' && result()} keyed>
          {(payment) => <PaymentDone payment={payment} onClose={props.onClose} />}
        </Match>
      </Switch>
    </Modal>
  );
}

/** The receipt number, big, then the receipt PDF (progress → preview → print). */
export function PaymentDone(props: { payment: PaymentInfo; onClose: () => void; onPrinted?: () => void }): JSX.Element {
  let closeButton: HTMLButtonElement | undefined;
  onMount(() => closeButton?.focus());
  const p = (): PaymentInfo => props.payment;
  return (
    <div class="c-done" classList={{ 'c-done--with-doc': p().receipt !== null }} data-testid="payment-done">
      <div class="c-done__info">
        <div class="c-done__head">
          <svg class="c-done__tick" viewBox="0 0 48 48" aria-hidden="true">
            <circle cx="24" cy="24" r="20" fill="currentColor" />
            <path
              d="M14 25l7 7 13-15"
              fill="none"
              stroke="#fff"
              stroke-width="4"
              stroke-linecap="round"
              stroke-linejoin="round"
            />
          </svg>
          <p class="c-done__lead">
            {p().kind === 'REFUND'
              ? ct('pay.refunded')
              : p().convertedFromId
                ? ct('pay.converted')
                : ct('pay.recorded')}{' '}
            · {kindName(p().kind)} · {p().unitCode ?? p().registrationNo ?? ''}
          </p>
        </div>
        <p class="c-done__amount">{p().kind === 'REFUND' ? `−${money(p().amount)}` : money(p().amount)}</p>
        <p class="c-done__capitals" lang="zh-CN">
          {p().amount <= MAX_CAPITALS_FEN ? amountInCapitals(p().amount) : ''}
        </p>
        <p class="c-done__payer">
          {p().payerName}
          <Show when={p().payerPhone}> · {p().payerPhone}</Show>
        </p>
        <Show when={p().receipt} fallback={<p class="c-alert c-alert--warn">{ct('pay.noReceipt')}</p>}>
          {(r) => (
            <div class="c-done__receipt">
              <span class="c-done__receipt-label">{ct('pay.receiptNo')}</span>
              <span class="c-done__receipt-number" data-testid="receipt-number">
                {r().label}
              </span>
            </div>
          )}
        </Show>
        <div class="c-modal__actions c-done__actions">
          <button
            ref={closeButton}
            type="button"
            class="c-btn c-btn--primary c-btn--block"
            onClick={props.onClose}
            data-testid="payment-done-close"
          >
            {ct('common.done')}
          </button>
        </div>
      </div>
      <Show when={p().receipt}>
        {(r) => (
          <DocumentPreview
            request={{ kind: 'RECEIPT', entityId: r().id, variant: paper() }}
            receiptId={r().id}
            onPrinted={() => props.onPrinted?.()}
            fill
          />
        )}
      </Show>
    </div>
  );
}
