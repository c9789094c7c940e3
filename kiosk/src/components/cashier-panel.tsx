/**
 * The open subscription 认购 or registration 认筹 at the desk: what is due, what was paid (with
 * receipts, their state and copies), and what the cashier can do: record a payment, convert a
 * sincerity deposit into the deposit, refund, ask for a void, print a receipt or the 认购书.
 */
import { For, Match, Show, Switch, createMemo, createSignal, type JSX } from 'solid-js';
import {
  REFUND_STATE_LABELS,
  REGISTRATION_STATUS_LABELS,
  type CashierSubscription,
  type PaymentInfo,
} from '@kaipan/shared';
import type { CashierRegistrationDetail, CashierSubscriptionDetail } from '@kaipan/shared';
import { ct, dateTimeOf, describe, label, money, shortDateTimeOf } from '../lib/cashier-i18n';
import { createLoader } from '../lib/loader';
import { useDesk } from '../lib/desk-context';
import { AgreementDialog, ConvertDialog, ReceiptPrintDialog, RefundDialog, VoidDialog } from './cashier-dialogs';
import { PaymentForm, type PaymentTarget } from './cashier-payment-form';
import { WithdrawVoidButton } from './cashier-void-approvals';
import {
  Badge,
  Countdown,
  Empty,
  Failure,
  KindTag,
  LinesSummary,
  Loading,
  PaymentStatus,
  ReceiptTag,
  Spinner,
  SubscriptionStatusBadge,
} from './cashier-ui';

export type PanelTarget = { kind: 'subscription'; id: string } | { kind: 'registration'; id: string };

type Dialog =
  | { type: 'pay' }
  | { type: 'print'; payment: PaymentInfo }
  | { type: 'agreement'; subscription: CashierSubscription }
  | { type: 'void'; payment: PaymentInfo }
  | { type: 'refund'; payment: PaymentInfo }
  | { type: 'convert'; payment: PaymentInfo; subscriptions: CashierSubscription[] };

type Detail =
  | { kind: 'subscription'; sub: CashierSubscriptionDetail }
  | { kind: 'registration'; reg: CashierRegistrationDetail };

export function CashierPanel(props: {
  target: PanelTarget;
  highlight?: string;
  onChanged: () => void;
  onOpen: (t: PanelTarget) => void;
}): JSX.Element {
  const desk = useDesk();
  const detail = createLoader(
    () => props.target,
    async (t): Promise<Detail> =>
      t.kind === 'subscription'
        ? { kind: 'subscription', sub: await desk.api.subscription(t.id) }
        : { kind: 'registration', reg: await desk.api.registration(t.id) },
  );
  // The household's other side: a subscription's registration (its sincerity), a registration's live subscriptions.
  const household = createLoader(
    () => {
      const d = detail.data();
      if (!d) return null;
      if (d.kind === 'subscription')
        return d.sub.registrationId && d.sub.status === 'ACTIVE' ? `reg:${d.sub.registrationId}` : null;
      // By registration number, not phone: the lookup brings the registration's live subscriptions either way.
      return `find:${d.reg.label}`;
    },
    async (key): Promise<{ sincerity: PaymentInfo[]; subscriptions: CashierSubscription[] }> => {
      const d = detail.data();
      if (key.startsWith('reg:')) {
        const reg = await desk.api.registration(key.slice(4));
        const sub = d?.kind === 'subscription' ? d.sub : null;
        return { sincerity: reg.payments.filter(isConvertibleSincerity), subscriptions: sub ? [sub] : [] };
      }
      const found = await desk.api.lookup(desk.project.id, key.slice(5));
      const regId = d?.kind === 'registration' ? d.reg.id : null;
      return {
        sincerity: [],
        subscriptions: found.subscriptions.filter((s) => s.registrationId === regId && s.status === 'ACTIVE'),
      };
    },
  );
  const [dialog, setDialog] = createSignal<Dialog | null>(null);
  const changed = (): void => {
    void detail.reload();
    void household.reload();
    props.onChanged();
  };
  const close = (): void => {
    setDialog(null);
  };

  const payments = (): PaymentInfo[] => {
    const d = detail.data();
    if (!d) return [];
    return d.kind === 'subscription' ? d.sub.payments : d.reg.payments;
  };

  const paymentTarget = createMemo((): PaymentTarget | null => {
    const d = detail.data();
    if (!d) return null;
    if (d.kind === 'subscription') {
      const s = d.sub;
      const due = Math.max(0, s.depositRequired - s.depositPaid);
      return {
        subscriptionId: s.id,
        label: `${s.unitCode} · ${s.buyerName}`,
        kinds: ['DEPOSIT', 'DOWN_PAYMENT', 'OTHER'],
        // The deposit first; once it is paid, what usually comes next.
        defaultKind: due > 0 || s.depositRequired === 0 ? 'DEPOSIT' : 'DOWN_PAYMENT',
        payerName: s.buyerName,
        payerPhone: s.buyerPhone ?? '',
        due: due > 0 ? { DEPOSIT: due } : {},
      };
    }
    const g = d.reg;
    return {
      registrationId: g.id,
      label: `${g.label} · ${g.customerName}`,
      kinds: ['SINCERITY', 'OTHER'],
      defaultKind: 'SINCERITY',
      payerName: g.customerName,
      payerPhone: g.customerPhone ?? '',
    };
  });

  const refundable = (p: PaymentInfo): boolean => {
    const d = detail.data();
    if (!d || p.status !== 'RECORDED' || p.kind === 'REFUND' || p.receipt?.status === 'VOIDED') return false;
    if (d.kind === 'subscription') return d.sub.refundState === 'DUE';
    // A household with a live deal converts its sincerity deposit; only a manager may refund it
    // anyway (the dialog's override, audited — docs/cashier.md).
    const manager = desk.isManager;
    return p.kind === 'SINCERITY' && ((household.data()?.subscriptions.length ?? 0) === 0 || manager);
  };
  const convertible = (p: PaymentInfo): boolean =>
    isConvertibleSincerity(p) && (household.data()?.subscriptions.length ?? 0) > 0;
  const voidable = (p: PaymentInfo): boolean =>
    p.receipt !== null && p.receipt.status === 'ISSUED' && !p.receipt.pendingVoid && p.status === 'RECORDED';

  const sub = (): CashierSubscriptionDetail | undefined => {
    const d = detail.data();
    return d?.kind === 'subscription' ? d.sub : undefined;
  };
  const reg = (): CashierRegistrationDetail | undefined => {
    const d = detail.data();
    return d?.kind === 'registration' ? d.reg : undefined;
  };
  const dialogOf =
    <T extends Dialog['type']>(type: T) =>
    (): Extract<Dialog, { type: T }> | undefined => {
      const d = dialog();
      return d?.type === type ? (d as Extract<Dialog, { type: T }>) : undefined;
    };
  const payDialog = dialogOf('pay');
  const printDialog = dialogOf('print');
  const agreementDialog = dialogOf('agreement');
  const voidDialog = dialogOf('void');
  const refundDialog = dialogOf('refund');
  const convertDialog = dialogOf('convert');

  return (
    <div class="c-panel">
      <Switch>
        <Match when={detail.data()}>
          <Show when={sub()}>
            {(s) => (
              <SubscriptionHead
                sub={s()}
                sincerity={household.data()?.sincerity ?? []}
                loading={detail.loading()}
                onPay={() => setDialog({ type: 'pay' })}
                onAgreement={() => setDialog({ type: 'agreement', subscription: s() })}
                onConvert={(p) => setDialog({ type: 'convert', payment: p, subscriptions: [s()] })}
                onOpenRegistration={() => {
                  const id = s().registrationId;
                  if (id) props.onOpen({ kind: 'registration', id });
                }}
              />
            )}
          </Show>
          <Show when={reg()}>
            {(g) => (
              <RegistrationHead
                reg={g()}
                subscriptions={household.data()?.subscriptions ?? []}
                loading={detail.loading()}
                onPay={() => setDialog({ type: 'pay' })}
                onOpenSubscription={(id) => props.onOpen({ kind: 'subscription', id })}
              />
            )}
          </Show>
          <section class="c-payments" aria-label={ct('panel.payments')}>
            <h3 class="c-section-title">
              {ct('panel.payments')} <span class="c-muted">({payments().length})</span>
            </h3>
            <Show
              when={payments().length > 0}
              fallback={<Empty title={ct('panel.noPayments')} hint={ct('panel.noPaymentsHint')} icon="receipt" />}
            >
              <div class="c-table-wrap">
                <table class="c-table" data-testid="payments-table">
                  <thead>
                    <tr>
                      <th>{ct('panel.colReceipt')}</th>
                      <th>{ct('panel.colKind')}</th>
                      <th class="c-num">{ct('panel.colAmount')}</th>
                      <th>{ct('panel.colMethods')}</th>
                      <th>{ct('panel.colWhen')}</th>
                      <th>{ct('panel.colStatus')}</th>
                      <th class="c-actions-col">
                        <span class="c-sr">{ct('panel.colActions')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={payments()}>
                      {(p) => (
                        <tr
                          classList={{ 'c-tr--hl': props.highlight === p.id, 'c-tr--void': p.status === 'VOIDED' }}
                          data-payment={p.id}
                        >
                          <td>
                            <ReceiptTag receipt={p.receipt} />
                          </td>
                          <td>
                            <KindTag kind={p.kind} />
                            <Show when={p.convertedFromId}>
                              <span class="c-muted c-small"> {ct('panel.fromSincerity')}</span>
                            </Show>
                          </td>
                          <td class="c-num">{p.kind === 'REFUND' ? `−${money(p.amount)}` : money(p.amount)}</td>
                          <td>
                            <LinesSummary payment={p} />
                          </td>
                          <td class="c-small c-when">
                            <span class="c-nowrap" title={dateTimeOf(p.createdAt)}>
                              {shortDateTimeOf(p.createdAt)}
                            </span>
                            <div class="c-muted c-ellipsis" title={p.cashier}>
                              {p.cashier}
                            </div>
                          </td>
                          <td>
                            <PaymentStatus payment={p} />
                            <Show when={p.closed}>
                              <Badge tone="neutral" title={ct('panel.closedHint')}>
                                {ct('panel.closed')}
                              </Badge>
                            </Show>
                          </td>
                          <td class="c-actions-col">
                            <div class="c-row-actions">
                              <Show when={p.receipt}>
                                <button
                                  type="button"
                                  class="c-btn c-btn--secondary c-btn--xs"
                                  onClick={() => setDialog({ type: 'print', payment: p })}
                                  data-testid="print-receipt"
                                >
                                  {ct('panel.print')}
                                </button>
                              </Show>
                              <Show when={convertible(p)}>
                                <button
                                  type="button"
                                  class="c-btn c-btn--secondary c-btn--xs"
                                  onClick={() =>
                                    setDialog({
                                      type: 'convert',
                                      payment: p,
                                      subscriptions: household.data()?.subscriptions ?? [],
                                    })
                                  }
                                >
                                  {ct('panel.convert')}
                                </button>
                              </Show>
                              <Show when={refundable(p)}>
                                <button
                                  type="button"
                                  class="c-btn c-btn--secondary c-btn--xs"
                                  onClick={() => setDialog({ type: 'refund', payment: p })}
                                >
                                  {ct('panel.refund')}
                                </button>
                              </Show>
                              <Show
                                when={
                                  p.receipt?.pendingVoid?.requestedById === desk.user.id ? p.receipt.pendingVoid : null
                                }
                              >
                                {(pv) => (
                                  <WithdrawVoidButton
                                    requestId={pv().id}
                                    label={ct('panel.withdrawVoid')}
                                    onDone={changed}
                                  />
                                )}
                              </Show>
                              <Show when={voidable(p)}>
                                <button
                                  type="button"
                                  class="c-btn c-btn--ghost c-btn--xs c-btn--danger-text"
                                  onClick={() => setDialog({ type: 'void', payment: p })}
                                >
                                  {ct('panel.void')}
                                </button>
                              </Show>
                            </div>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          </section>
        </Match>
        <Match when={detail.error()}>
          <Failure
            title={ct('panel.loadFailed')}
            message={describe(detail.error())}
            onRetry={() => void detail.reload()}
          />
        </Match>
        <Match when={true}>
          <Loading />
        </Match>
      </Switch>

      <Show when={payDialog() && paymentTarget()}>
        {(t) => <PaymentForm target={t()} onClose={close} onRecorded={changed} />}
      </Show>
      <Show when={printDialog()}>
        {(x) => <ReceiptPrintDialog payment={x().payment} onClose={close} onPrinted={changed} />}
      </Show>
      <Show when={agreementDialog()}>{(x) => <AgreementDialog subscription={x().subscription} onClose={close} />}</Show>
      <Show when={voidDialog()}>
        {(x) => (
          <VoidDialog
            payment={x().payment}
            onClose={close}
            onDone={() => {
              close();
              changed();
            }}
          />
        )}
      </Show>
      <Show when={refundDialog()}>
        {(x) => <RefundDialog payment={x().payment} onClose={close} onDone={changed} />}
      </Show>
      <Show when={convertDialog()}>
        {(x) => (
          <ConvertDialog payment={x().payment} subscriptions={x().subscriptions} onClose={close} onDone={changed} />
        )}
      </Show>
    </div>
  );
}

function isConvertibleSincerity(p: PaymentInfo): boolean {
  return p.kind === 'SINCERITY' && p.status === 'RECORDED' && p.receipt?.status !== 'VOIDED' && !p.receipt?.pendingVoid;
}

function Fact(props: {
  label: string;
  children: JSX.Element;
  tone?: 'due' | 'ok' | 'bad';
  testid?: string;
}): JSX.Element {
  return (
    <div class="c-fact" classList={{ [`c-fact--${props.tone ?? ''}`]: !!props.tone }} data-testid={props.testid}>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

function SubscriptionHead(props: {
  sub: CashierSubscriptionDetail;
  sincerity: PaymentInfo[];
  loading: boolean;
  onPay: () => void;
  onAgreement: () => void;
  onConvert: (p: PaymentInfo) => void;
  onOpenRegistration: () => void;
}): JSX.Element {
  const s = (): CashierSubscriptionDetail => props.sub;
  const due = (): number => Math.max(0, s().depositRequired - s().depositPaid);
  const sincerityHeld = (): number => props.sincerity.reduce((sum, p) => sum + p.amount, 0);
  return (
    <header class="c-panel__head" data-testid="subscription-panel" data-unit={s().unitCode}>
      <div class="c-panel__title">
        <span class="c-panel__kind">{ct('panel.subscription')}</span>
        <h2>{s().unitCode}</h2>
        <SubscriptionStatusBadge status={s().status} />
        <Show when={s().refundState === 'DUE'}>
          <Badge tone="bad">{label(REFUND_STATE_LABELS, 'DUE')}</Badge>
        </Show>
        <Show when={s().refundState === 'DONE'}>
          <Badge tone="neutral">{label(REFUND_STATE_LABELS, 'DONE')}</Badge>
        </Show>
        <Show when={props.loading}>
          <Spinner />
        </Show>
      </div>
      <p class="c-panel__who">
        {s().buyerName}
        <Show when={s().buyerPhone}> · {s().buyerPhone}</Show> ·{' '}
        {ct('panel.since', { when: dateTimeOf(s().createdAt) })}
        <Show when={s().registrationId}>
          {' · '}
          <button type="button" class="c-link" onClick={() => props.onOpenRegistration()}>
            {ct('panel.openRegistration')}
          </button>
        </Show>
      </p>
      <dl class="c-facts">
        <Fact label={ct('panel.price')}>{money(s().price)}</Fact>
        <Fact label={ct('panel.depositRequired')}>{money(s().depositRequired)}</Fact>
        <Fact
          label={ct('panel.depositPaid')}
          tone={due() === 0 && s().depositRequired > 0 ? 'ok' : undefined}
          testid="deposit-paid"
        >
          {money(s().depositPaid)}
        </Fact>
        <Fact label={ct('panel.depositOutstanding')} tone={due() > 0 ? 'due' : 'ok'} testid="deposit-due">
          <span>{money(due())}</span>
          <Show when={due() > 0 && s().depositDueAt && s().status === 'ACTIVE'}>
            <span class="c-fact__sub">
              {ct('panel.dueBy')} <Countdown due={s().depositDueAt as string} />
            </span>
          </Show>
          <Show when={due() === 0 && s().depositPaidAt}>
            <span class="c-fact__sub">{ct('panel.paidAt', { when: dateTimeOf(s().depositPaidAt as string) })}</span>
          </Show>
        </Fact>
        <Fact label={ct('panel.balanceHeld')} tone={s().refundState === 'DUE' ? 'bad' : undefined}>
          {money(s().balanceHeld)}
        </Fact>
      </dl>
      <div class="c-panel__actions">
        <button
          type="button"
          class="c-btn c-btn--primary c-btn--lg"
          onClick={() => props.onPay()}
          disabled={s().status === 'CANCELLED' || s().status === 'CHANGED'}
          data-testid="record-payment"
        >
          {ct('panel.recordPayment')}
        </button>
        <Show when={s().status === 'ACTIVE' && props.sincerity.length > 0}>
          <button
            type="button"
            class="c-btn c-btn--secondary"
            onClick={() => {
              const first = props.sincerity[0];
              if (first) props.onConvert(first);
            }}
            data-testid="convert-sincerity"
          >
            {ct('panel.convertSincerity', { amount: money(sincerityHeld()) })}
          </button>
        </Show>
        <button
          type="button"
          class="c-btn c-btn--secondary"
          onClick={() => props.onAgreement()}
          disabled={s().status === 'CANCELLED'}
          data-testid="print-agreement"
        >
          {ct('panel.printAgreement')}
        </button>
      </div>
      <Show when={s().refundState === 'DUE'}>
        <p class="c-alert c-alert--warn">{ct('panel.refundDueHint')}</p>
      </Show>
    </header>
  );
}

function RegistrationHead(props: {
  reg: CashierRegistrationDetail;
  subscriptions: CashierSubscription[];
  loading: boolean;
  onPay: () => void;
  onOpenSubscription: (id: string) => void;
}): JSX.Element {
  const g = (): CashierRegistrationDetail => props.reg;
  return (
    <header class="c-panel__head" data-testid="registration-panel" data-registration={g().label}>
      <div class="c-panel__title">
        <span class="c-panel__kind">{ct('panel.registration')}</span>
        <h2>{g().label}</h2>
        <Badge tone={g().status === 'ACTIVE' ? 'ok' : 'bad'}>{label(REGISTRATION_STATUS_LABELS, g().status)}</Badge>
        <Show when={props.loading}>
          <Spinner />
        </Show>
      </div>
      <p class="c-panel__who">
        {g().customerName}
        <Show when={g().customerPhone}> · {g().customerPhone}</Show>
      </p>
      <dl class="c-facts">
        <Fact label={ct('panel.sincerityHeld')} tone={g().sincerityHeld > 0 ? 'ok' : undefined}>
          {money(g().sincerityHeld)}
        </Fact>
        <Fact label={ct('panel.householdSubscriptions')}>
          <Show
            when={props.subscriptions.length > 0}
            fallback={<span class="c-muted">{ct('panel.noSubscription')}</span>}
          >
            <For each={props.subscriptions}>
              {(s) => (
                <button type="button" class="c-link" onClick={() => props.onOpenSubscription(s.id)}>
                  {s.unitCode}
                </button>
              )}
            </For>
          </Show>
        </Fact>
      </dl>
      <div class="c-panel__actions">
        <button
          type="button"
          class="c-btn c-btn--primary c-btn--lg"
          onClick={() => props.onPay()}
          disabled={g().status !== 'ACTIVE'}
          data-testid="record-payment"
        >
          {ct('panel.recordSincerity')}
        </button>
      </div>
      <Show when={g().sincerityHeld > 0 && props.subscriptions.length > 0}>
        <p class="c-alert c-alert--info">{ct('panel.convertHint')}</p>
      </Show>
    </header>
  );
}
