/**
 * The panel's smaller dialogs: print a receipt or the 认购书, ask for a void, refund a payment,
 * convert a sincerity deposit into the subscription deposit (诚意金转定金). Money-moving commands
 * (refund, convert) carry an idempotency key kept until success, and their buttons are single-flight.
 */
import { For, Match, Show, Switch, createSignal, type JSX } from 'solid-js';
import {
  amountInCapitals,
  MAX_CAPITALS_FEN,
  type CashierSubscription,
  type PaymentInfo,
  type RefundBody,
} from '@kaipan/shared';
import { toApiError } from '../lib/api';
import { checkLines, type LineDraft } from '../lib/cashier-money';
import { createSubmitter } from '../lib/cashier-submit';
import { ct, describe, detailOf, kindName, money } from '../lib/cashier-i18n';
import { paper, setPaper, type Paper } from '../lib/cashier-session';
import { useDesk } from '../lib/desk-context';
import { DocumentPreview } from './cashier-document';
import { LinesEditor, emptyLine } from './cashier-lines';
import { PaymentDone } from './cashier-payment-form';
import { ErrorNote, LinesSummary, LinesTable, Modal, Money, ReceiptTag, Spinner } from './cashier-ui';

export function ReceiptPrintDialog(props: {
  payment: PaymentInfo;
  onClose: () => void;
  onPrinted: () => void;
}): JSX.Element {
  const receipt = () => props.payment.receipt;
  return (
    <Modal
      title={ct('print.receiptTitle', { label: receipt()?.label ?? '' })}
      onClose={props.onClose}
      wide
      testid="print-dialog"
    >
      <Show when={receipt()} fallback={<p class="c-alert c-alert--warn">{ct('pay.noReceipt')}</p>}>
        {(r) => (
          <>
            <div class="c-print-head">
              <ReceiptTag receipt={r()} />
              <Money fen={props.payment.amount} />
              <div class="c-seg c-seg--sm" role="radiogroup" aria-label={ct('paper.label')}>
                <For each={['A5', 'THERMAL_80'] as Paper[]}>
                  {(p) => (
                    <label class="c-seg__opt" classList={{ 'c-seg__opt--on': paper() === p }}>
                      <input type="radio" name="paper" checked={paper() === p} onChange={() => setPaper(p)} />
                      {ct(`paper.${p}`)}
                    </label>
                  )}
                </For>
              </div>
            </div>
            <Show when={r().status === 'VOIDED'}>
              <p class="c-alert c-alert--error">{ct('print.voidedNote')}</p>
            </Show>
            <Show when={r().printCount > 0}>
              <p class="c-alert c-alert--warn">{ct('print.copyNote', { n: r().printCount })}</p>
            </Show>
            <Show when={paper()} keyed>
              {(variant) => (
                <DocumentPreview
                  request={{ kind: 'RECEIPT', entityId: r().id, variant }}
                  receiptId={r().id}
                  onPrinted={props.onPrinted}
                />
              )}
            </Show>
          </>
        )}
      </Show>
    </Modal>
  );
}

export function AgreementDialog(props: { subscription: CashierSubscription; onClose: () => void }): JSX.Element {
  return (
    <Modal
      title={ct('print.agreementTitle', { unit: props.subscription.unitCode })}
      onClose={props.onClose}
      wide
      testid="agreement-dialog"
    >
      <DocumentPreview request={{ kind: 'AGREEMENT', entityId: props.subscription.id }} />
    </Modal>
  );
}

export function VoidDialog(props: { payment: PaymentInfo; onClose: () => void; onDone: () => void }): JSX.Element {
  const desk = useDesk();
  const [reason, setReason] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<{ message: string; detail: string | null } | null>(null);
  const [tried, setTried] = createSignal(false);
  const submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    setTried(true);
    const r = reason().trim();
    const receipt = props.payment.receipt;
    if (!r || !receipt || busy()) return;
    setBusy(true);
    setError(null);
    try {
      await desk.api.requestVoid(receipt.id, r);
      props.onDone();
    } catch (err) {
      const e2 = toApiError(err);
      setError({ message: describe(e2), detail: detailOf(e2) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={ct('void.title', { label: props.payment.receipt?.label ?? '' })}
      onClose={props.onClose}
      locked={busy()}
      testid="void-dialog"
    >
      <form class="c-form" onSubmit={(e) => void submit(e)} novalidate>
        <div class="c-void-facts">
          <span>{kindName(props.payment.kind)}</span>
          <Money fen={props.payment.amount} />
          <span>{props.payment.payerName}</span>
        </div>
        <p class="c-muted">{ct('void.explain')}</p>
        <label class="c-field">
          <span class="c-field__label">{ct('void.reason')}</span>
          <textarea
            class="c-input c-textarea"
            rows={3}
            maxlength={200}
            value={reason()}
            onInput={(e) => setReason(e.currentTarget.value)}
            aria-invalid={tried() && !reason().trim()}
            data-testid="void-reason"
          />
        </label>
        <Show when={tried() && !reason().trim()}>
          <p class="c-alert c-alert--error">{ct('void.reasonRequired')}</p>
        </Show>
        <ErrorNote message={error()?.message ?? null} detail={error()?.detail} />
        <div class="c-modal__actions">
          <button type="button" class="c-btn c-btn--ghost" onClick={props.onClose} disabled={busy()}>
            {ct('common.cancel')}
          </button>
          <button type="submit" class="c-btn c-btn--danger" disabled={busy()} data-testid="void-submit">
            <Show when={busy()}>
              <Spinner light />
            </Show>
            {ct('void.submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/**
 * Pay back a recorded payment (refund DUE after 退房, or the sincerity deposit of a household without
 * a live deal — which withdraws its registration). A manager may override the live-deal rule.
 */
export function RefundDialog(props: {
  payment: PaymentInfo;
  onClose: () => void;
  onDone: (refund: PaymentInfo) => void;
}): JSX.Element {
  const desk = useDesk();
  const amount = (): number => props.payment.amount;
  const firstMethod = props.payment.lines.find((l) => l.method !== 'CONVERSION')?.method;
  const [drafts, setDrafts] = createSignal<LineDraft[]>([
    {
      ...emptyLine([], props.payment.amount),
      method: firstMethod && firstMethod !== 'CONVERSION' ? firstMethod : 'TRANSFER',
    },
  ]);
  const [reason, setReason] = createSignal('');
  const [override, setOverride] = createSignal(false);
  const sincerity = props.payment.kind === 'SINCERITY';
  const manager = desk.isManager;
  const [step, setStep] = createSignal<'edit' | 'confirm' | 'done'>('edit');
  const [tried, setTried] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<{ message: string; detail: string | null } | null>(null);
  const [result, setResult] = createSignal<PaymentInfo | null>(null);
  const submitter = createSubmitter<Omit<RefundBody, 'idempotencyKey'>, PaymentInfo>((idempotencyKey, body) =>
    desk.api.refund(props.payment.id, { ...body, idempotencyKey }),
  );
  const check = () => checkLines(drafts());
  const valid = (): boolean => check().lines !== null && check().total === amount() && reason().trim().length > 0;

  const review = (e: SubmitEvent): void => {
    e.preventDefault();
    setTried(true);
    if (valid()) setStep('confirm');
  };
  const refund = async (): Promise<void> => {
    const lines = check().lines;
    if (!lines || busy() || submitter.inFlight()) return;
    setBusy(true);
    setError(null);
    try {
      const r = await submitter.submit({
        lines,
        reason: reason().trim(),
        ...(override() ? { overrideLiveDeal: true } : {}),
      });
      setResult(r);
      setStep('done');
      props.onDone(r);
    } catch (err) {
      const e2 = toApiError(err);
      setError({ message: describe(e2), detail: detailOf(e2) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={ct('refund.title', { amount: money(amount()) })}
      onClose={props.onClose}
      locked={busy()}
      wide
      testid="refund-dialog"
    >
      <Switch>
        <Match when={step() === 'edit'}>
          <form class="c-pay" onSubmit={review} novalidate>
            <div class="c-void-facts">
              <span>{kindName(props.payment.kind)}</span>
              <ReceiptTag receipt={props.payment.receipt} />
              <LinesSummary payment={props.payment} />
            </div>
            <p class="c-muted">{ct('refund.explain')}</p>
            <LinesEditor
              drafts={drafts()}
              onChange={setDrafts}
              target={amount()}
              exact
              showProblems={tried()}
              testid="refund-lines"
            />
            <Show when={tried() && check().total !== amount()}>
              <p class="c-alert c-alert--error">{ct('refund.mustEqual', { amount: money(amount()) })}</p>
            </Show>
            <label class="c-field">
              <span class="c-field__label">{ct('refund.reason')}</span>
              <input
                class="c-input"
                value={reason()}
                maxlength={200}
                onInput={(e) => setReason(e.currentTarget.value)}
                aria-invalid={tried() && !reason().trim()}
                data-testid="refund-reason"
              />
            </label>
            <Show when={tried() && !reason().trim()}>
              <p class="c-alert c-alert--error">{ct('refund.reasonRequired')}</p>
            </Show>
            <Show when={sincerity}>
              <p class="c-muted">{ct('refund.withdraws')}</p>
            </Show>
            <Show when={sincerity && manager}>
              <label class="c-check">
                <input
                  type="checkbox"
                  checked={override()}
                  onChange={(e) => setOverride(e.currentTarget.checked)}
                  data-testid="refund-override"
                />
                {ct('refund.override')}
              </label>
            </Show>
            <div class="c-modal__actions">
              <button type="button" class="c-btn c-btn--ghost" onClick={props.onClose}>
                {ct('common.cancel')}
              </button>
              <button type="submit" class="c-btn c-btn--primary">
                {ct('pay.review')}
              </button>
            </div>
          </form>
        </Match>
        <Match when={step() === 'confirm'}>
          <div class="c-confirm">
            <p class="c-confirm__lead">{ct('refund.confirmLead')}</p>
            <LinesTable lines={check().lines ?? []} />
            <p>
              {ct('refund.reason')}: {reason().trim()}
            </p>
            <div class="c-confirm__total c-confirm__total--out">
              <span class="c-confirm__figure">−{money(check().total)}</span>
              <span class="c-confirm__capitals" lang="zh-CN">
                {check().total <= MAX_CAPITALS_FEN ? amountInCapitals(check().total) : ''}
              </span>
            </div>
            <ErrorNote message={error()?.message ?? null} detail={error()?.detail} />
            <div class="c-modal__actions">
              <button type="button" class="c-btn c-btn--ghost" disabled={busy()} onClick={() => setStep('edit')}>
                {ct('pay.back')}
              </button>
              <button
                type="button"
                class="c-btn c-btn--danger c-btn--lg"
                disabled={busy()}
                onClick={() => void refund()}
                data-testid="refund-confirm"
              >
                <Show when={busy()}>
                  <Spinner light />
                </Show>
                {busy() ? ct('pay.recording') : ct('refund.submit', { amount: money(check().total) })}
              </button>
            </div>
          </div>
        </Match>
        <Match when={step() === 'done' && result()} keyed>
          {(r) => <PaymentDone payment={r} onClose={props.onClose} />}
        </Match>
      </Switch>
    </Modal>
  );
}

/** 诚意金转定金: the sincerity deposit becomes (part of) the subscription deposit; no money moves. */
export function ConvertDialog(props: {
  payment: PaymentInfo;
  subscriptions: CashierSubscription[];
  onClose: () => void;
  onDone: (deposit: PaymentInfo) => void;
}): JSX.Element {
  const desk = useDesk();
  const [chosen, setChosen] = createSignal<string | null>(
    props.subscriptions.length === 1 ? (props.subscriptions[0]?.id ?? null) : null,
  );
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<{ message: string; detail: string | null } | null>(null);
  const [result, setResult] = createSignal<PaymentInfo | null>(null);
  const submitter = createSubmitter<string, PaymentInfo>((idempotencyKey, subscriptionId) =>
    desk.api.convert(props.payment.id, { idempotencyKey, subscriptionId }),
  );
  const convert = async (): Promise<void> => {
    const id = chosen();
    if (!id || busy() || submitter.inFlight()) return;
    setBusy(true);
    setError(null);
    try {
      const r = await submitter.submit(id);
      setResult(r);
      props.onDone(r);
    } catch (err) {
      const e2 = toApiError(err);
      setError({ message: describe(e2), detail: detailOf(e2) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={ct('convert.title')} onClose={props.onClose} locked={busy()} wide testid="convert-dialog">
      <Show
        when={result()}
        keyed
        fallback={
          <div class="c-form">
            <div class="c-void-facts">
              <span>{kindName(props.payment.kind)}</span>
              <ReceiptTag receipt={props.payment.receipt} />
              <Money fen={props.payment.amount} capitals />
            </div>
            <p class="c-muted">{ct('convert.explain')}</p>
            <Show
              when={props.subscriptions.length > 0}
              fallback={<p class="c-alert c-alert--warn">{ct('convert.noSubscription')}</p>}
            >
              <fieldset class="c-choices">
                <legend class="c-field__label">{ct('convert.onto')}</legend>
                <For each={props.subscriptions}>
                  {(s) => (
                    <label class="c-choice" classList={{ 'c-choice--on': chosen() === s.id }}>
                      <input
                        type="radio"
                        name="convert-target"
                        checked={chosen() === s.id}
                        onChange={() => setChosen(s.id)}
                      />
                      <strong>{s.unitCode}</strong>
                      <span>{s.buyerName}</span>
                      <span class="c-muted">
                        {ct('convert.depositState', { paid: money(s.depositPaid), required: money(s.depositRequired) })}
                      </span>
                    </label>
                  )}
                </For>
              </fieldset>
            </Show>
            <ErrorNote message={error()?.message ?? null} detail={error()?.detail} />
            <div class="c-modal__actions">
              <button type="button" class="c-btn c-btn--ghost" onClick={props.onClose} disabled={busy()}>
                {ct('common.cancel')}
              </button>
              <button
                type="button"
                class="c-btn c-btn--go c-btn--lg"
                disabled={busy() || !chosen()}
                onClick={() => void convert()}
                data-testid="convert-confirm"
              >
                <Show when={busy()}>
                  <Spinner light />
                </Show>
                {ct('convert.submit', { amount: money(props.payment.amount) })}
              </button>
            </div>
          </div>
        }
      >
        {(r) => <PaymentDone payment={r} onClose={props.onClose} />}
      </Show>
    </Modal>
  );
}
