/**
 * A payment whose answer never arrived (network cut, reload, crash): shown on top of the desk until
 * resent. Resending uses the SAME idempotency key, so the server either records it now or answers
 * the payment it already recorded — never a second one.
 */
import { Show, createSignal, type JSX } from 'solid-js';
import type { PaymentInfo } from '@kaipan/shared';
import { toApiError } from '../lib/api';
import { outcomeUnknown } from '../lib/cashier-submit';
import { ct, describe, money, timeOf } from '../lib/cashier-i18n';
import { pendingPayment, setPendingPayment, type PendingPayment } from '../lib/cashier-session';
import { useDesk } from '../lib/desk-context';
import { PaymentDone } from './cashier-payment-form';
import { Modal, Spinner } from './cashier-ui';

export function CashierPendingBanner(): JSX.Element {
  const desk = useDesk();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal<PaymentInfo | null>(null);
  const mine = (): PendingPayment | null => {
    const p = pendingPayment();
    return p && p.userId === desk.user.id && p.projectId === desk.project.id ? p : null;
  };
  const total = (p: PendingPayment): number => p.body.lines.reduce((s, l) => s + l.amount, 0);

  const resend = async (p: PendingPayment): Promise<void> => {
    if (busy()) return;
    setBusy(true);
    setError(null);
    try {
      const payment = await desk.api.recordPayment(p.projectId, p.body);
      setPendingPayment(null);
      setDone(payment);
      desk.refreshBooks();
    } catch (err) {
      const e = toApiError(err);
      if (!outcomeUnknown(e)) setPendingPayment(null);
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };

  const discard = (): void => {
    if (window.confirm(ct('pending.discardConfirm'))) setPendingPayment(null);
  };

  return (
    <>
      <Show when={mine()} keyed>
        {(p) => (
          <div class="c-pending" role="alert" data-testid="pending-payment">
            <div class="c-pending__text">
              <strong>{ct('pending.title')}</strong>
              <span>{ct('pending.body', { label: p.label, amount: money(total(p)), time: timeOf(p.sentAt) })}</span>
              <Show when={error()}>
                <span class="c-pending__error">{error()}</span>
              </Show>
            </div>
            <button
              type="button"
              class="c-btn c-btn--primary c-btn--sm"
              disabled={busy()}
              onClick={() => void resend(p)}
              data-testid="pending-resend"
            >
              <Show when={busy()}>
                <Spinner light />
              </Show>
              {ct('pending.resend')}
            </button>
            <button type="button" class="c-btn c-btn--ghost c-btn--sm" disabled={busy()} onClick={discard}>
              {ct('pending.discard')}
            </button>
          </div>
        )}
      </Show>
      <Show when={done()} keyed>
        {(payment) => (
          <Modal title={ct('pay.doneTitle')} onClose={() => setDone(null)} wide testid="pending-done">
            <PaymentDone payment={payment} onClose={() => setDone(null)} />
          </Modal>
        )}
      </Show>
    </>
  );
}
