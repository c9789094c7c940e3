/**
 * Day-end 日结 (/cashier/day-end): one cashier's business day — totals by payment kind and by method,
 * net, receipts issued and voided (first … last number). Closing the day freezes its records
 * (corrections become new, linked records); after that the 日结单 PDF and the CSV are the paper trail.
 */
import { For, Match, Show, Switch, createMemo, createSignal, type JSX } from 'solid-js';
import {
  PAYMENT_KINDS,
  PAYMENT_METHODS,
  type DayEndLine,
  type PaymentInfo,
  type PaymentKind,
  type PaymentMethod,
} from '@kaipan/shared';
import { toApiError } from '../lib/api';
import type { DayEndTotals as DayEndView } from '@kaipan/shared';
import {
  businessDate,
  ct,
  dateTimeOf,
  describe,
  detailOf,
  methodName,
  money,
  shiftDate,
  timeOf,
} from '../lib/cashier-i18n';
import { createLoader } from '../lib/loader';
import { DocumentPreview } from '../components/cashier-document';
import {
  Badge,
  Empty,
  ErrorNote,
  Failure,
  KindTag,
  Loading,
  Modal,
  PaymentStatus,
  ReceiptTag,
  Spinner,
} from '../components/cashier-ui';
import { useDesk } from '../lib/desk-context';

export default function CashierDayEndPage(): JSX.Element {
  const desk = useDesk();
  const today = businessDate(new Date(), desk.project.timezone);
  const [date, setDate] = createSignal(today);
  const [cashierId, setCashierId] = createSignal<string>(desk.user.id);
  const [closing, setClosing] = createSignal(false);
  const [pdfOpen, setPdfOpen] = createSignal(false);
  const [csvBusy, setCsvBusy] = createSignal(false);
  const [csvError, setCsvError] = createSignal<string | null>(null);
  const forOther = (): string | undefined => (cashierId() === desk.user.id ? undefined : cashierId());
  const totals = createLoader(
    () => `${date()}|${cashierId()}`,
    () => desk.api.dayEnd(desk.project.id, date(), forOther()),
  );
  const list = createLoader(
    () => `${date()}|${cashierId()}`,
    () => desk.api.payments(desk.project.id, date(), cashierId()),
  );
  const [closed, setClosed] = createSignal<DayEndView | null>(null);
  const view = (): DayEndView | undefined => {
    const c = closed();
    const t = totals.data();
    return c && t && c.businessDate === t.businessDate && c.cashierId === t.cashierId ? c : t;
  };

  /** Managers see every cashier with a receipt book in the project. */
  const cashiers = createMemo(() => {
    const seen = new Map<string, string>([[desk.user.id, desk.user.displayName]]);
    if (desk.isManager) for (const b of desk.books()) if (b.cashierId && b.cashier) seen.set(b.cashierId, b.cashier);
    return [...seen.entries()].map(([id, name]) => ({ id, name }));
  });

  const downloadCsv = async (): Promise<void> => {
    if (csvBusy()) return;
    setCsvBusy(true);
    setCsvError(null);
    try {
      const blob = await desk.api.dayEndCsv(desk.project.id, date(), forOther());
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `day-end-${date()}-${view()?.cashier ?? 'cashier'}.csv`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setCsvError(describe(err));
    } finally {
      setCsvBusy(false);
    }
  };

  const closeId = (v: DayEndView): string | null => v.dayCloseId ?? null;
  const refresh = (): void => {
    void totals.reload();
    void list.reload();
  };

  return (
    <div class="c-dayend" data-testid="day-end">
      <div class="c-toolbar">
        <div class="c-toolbar__group">
          <button
            type="button"
            class="c-icon-btn c-icon-btn--boxed"
            onClick={() => setDate(shiftDate(date(), -1))}
            aria-label={ct('dayEnd.prev')}
            title={ct('dayEnd.prev')}
          >
            ‹
          </button>
          <label class="c-sr" for="c-day">
            {ct('dayEnd.date')}
          </label>
          <input
            id="c-day"
            class="c-input c-input--date"
            type="date"
            value={date()}
            max={today}
            onChange={(e) => e.currentTarget.value && setDate(e.currentTarget.value)}
          />
          <button
            type="button"
            class="c-icon-btn c-icon-btn--boxed"
            onClick={() => setDate(shiftDate(date(), 1))}
            disabled={date() >= today}
            aria-label={ct('dayEnd.next')}
            title={ct('dayEnd.next')}
          >
            ›
          </button>
          <Show when={date() !== today}>
            <button type="button" class="c-btn c-btn--ghost c-btn--sm" onClick={() => setDate(today)}>
              {ct('dayEnd.today')}
            </button>
          </Show>
          <Show when={cashiers().length > 1}>
            <select
              class="c-select"
              value={cashierId()}
              onChange={(e) => setCashierId(e.currentTarget.value)}
              aria-label={ct('dayEnd.cashier')}
            >
              <For each={cashiers()}>{(c) => <option value={c.id}>{c.name}</option>}</For>
            </select>
          </Show>
          <button type="button" class="c-btn c-btn--ghost c-btn--sm" onClick={refresh} disabled={totals.loading()}>
            <Show when={totals.loading()}>
              <Spinner />
            </Show>
            {ct('dayEnd.refresh')}
          </button>
        </div>
        <div class="c-toolbar__group">
          <button
            type="button"
            class="c-btn c-btn--secondary"
            onClick={() => void downloadCsv()}
            disabled={csvBusy() || !view()}
            data-testid="day-end-csv"
          >
            <Show when={csvBusy()}>
              <Spinner />
            </Show>
            {ct('dayEnd.csv')}
          </button>
          <Show when={view()}>
            {(v) => (
              <Show
                when={v().closed}
                fallback={
                  <button
                    type="button"
                    class="c-btn c-btn--primary"
                    onClick={() => setClosing(true)}
                    data-testid="close-day"
                  >
                    {ct('dayEnd.close')}
                  </button>
                }
              >
                <button
                  type="button"
                  class="c-btn c-btn--primary"
                  disabled={!closeId(v())}
                  title={closeId(v()) ? undefined : ct('dayEnd.pdfUnavailable')}
                  onClick={() => setPdfOpen(true)}
                  data-testid="day-end-pdf"
                >
                  {ct('dayEnd.pdf')}
                </button>
              </Show>
            )}
          </Show>
        </div>
      </div>
      <Show when={csvError()}>
        <p class="c-alert c-alert--error">{csvError()}</p>
      </Show>

      <Switch>
        <Match when={view()}>
          {(v) => <DayEndBody totals={v()} payments={list.data() ?? []} listLoading={list.loading()} />}
        </Match>
        <Match when={totals.error()}>
          <Failure
            title={ct('dayEnd.loadFailed')}
            message={describe(totals.error())}
            onRetry={() => void totals.reload()}
          />
        </Match>
        <Match when={true}>
          <Loading />
        </Match>
      </Switch>

      <Show when={closing() && view()}>
        {(v) => (
          <CloseDayDialog
            totals={v()}
            onClose={() => setClosing(false)}
            onClosed={(t) => {
              setClosed(t);
              setClosing(false);
              refresh();
            }}
            cashierId={forOther()}
          />
        )}
      </Show>
      <Show when={pdfOpen() && view() && closeId(view() as DayEndView)}>
        {(id) => (
          <Modal title={ct('dayEnd.pdfTitle', { date: date() })} onClose={() => setPdfOpen(false)} wide>
            <DocumentPreview request={{ kind: 'DAY_END', entityId: id() }} />
          </Modal>
        )}
      </Show>
    </div>
  );
}

function lineOf<K extends string>(rec: Partial<Record<K, DayEndLine>>, k: K): DayEndLine {
  return rec[k] ?? { count: 0, amount: 0 };
}

function DayEndBody(props: { totals: DayEndView; payments: PaymentInfo[]; listLoading: boolean }): JSX.Element {
  const t = (): DayEndView => props.totals;
  const kinds = (): PaymentKind[] => PAYMENT_KINDS.filter((k) => lineOf(t().byKind, k).count > 0);
  const methods = (): PaymentMethod[] =>
    ([...PAYMENT_METHODS, 'CONVERSION'] as PaymentMethod[]).filter((m) => lineOf(t().byMethod, m).count > 0);
  const empty = (): boolean => kinds().length === 0 && t().receiptsIssued === 0;
  return (
    <div class="c-dayend__body">
      <div class="c-dayend__status" classList={{ 'c-dayend__status--closed': t().closed }} data-testid="day-end-status">
        <Show
          when={t().closed}
          fallback={
            <>
              <Badge tone="warn">{ct('dayEnd.open')}</Badge>
              <span>{ct('dayEnd.openHint', { cashier: t().cashier, date: t().businessDate })}</span>
            </>
          }
        >
          <Badge tone="ok">{ct('dayEnd.closed')}</Badge>
          <span>
            {ct('dayEnd.closedHint', {
              cashier: t().cashier,
              date: t().businessDate,
              when: t().closedAt ? dateTimeOf(t().closedAt as string) : '',
              by: t().closedBy ?? '',
            })}
          </span>
        </Show>
      </div>
      <div class="c-dayend__cards">
        <div class="c-card c-card--net">
          <span class="c-card__label">{ct('dayEnd.net')}</span>
          <span class="c-card__big" data-testid="day-end-net">
            {money(t().net)}
          </span>
          <span class="c-muted c-small">{ct('dayEnd.netHint')}</span>
        </div>
        <div class="c-card">
          <span class="c-card__label">{ct('dayEnd.receipts')}</span>
          <span class="c-card__big">
            {t().receiptsIssued}
            <Show when={t().receiptsVoided > 0}>
              <span class="c-card__voided"> {ct('dayEnd.voidedN', { n: t().receiptsVoided })}</span>
            </Show>
          </span>
          <span class="c-muted c-small c-mono">
            {t().firstReceipt ? `${t().firstReceipt} … ${t().lastReceipt ?? ''}` : ct('dayEnd.noReceipts')}
          </span>
        </div>
      </div>
      <Show
        when={!empty()}
        fallback={<Empty title={ct('dayEnd.empty')} hint={ct('dayEnd.emptyHint')} icon="receipt" />}
      >
        <div class="c-dayend__tables">
          <section class="c-card">
            <h3 class="c-section-title">{ct('dayEnd.byKind')}</h3>
            <table class="c-table" data-testid="day-end-kinds">
              <thead>
                <tr>
                  <th>{ct('panel.colKind')}</th>
                  <th class="c-num">{ct('dayEnd.count')}</th>
                  <th class="c-num">{ct('panel.colAmount')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={kinds()}>
                  {(k) => (
                    <tr>
                      <td>
                        <KindTag kind={k} />
                      </td>
                      <td class="c-num">{lineOf(t().byKind, k).count}</td>
                      <td class="c-num">
                        {k === 'REFUND'
                          ? `−${money(lineOf(t().byKind, k).amount)}`
                          : money(lineOf(t().byKind, k).amount)}
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </section>
          <section class="c-card">
            <h3 class="c-section-title">{ct('dayEnd.byMethod')}</h3>
            <table class="c-table" data-testid="day-end-methods">
              <thead>
                <tr>
                  <th>{ct('lines.method')}</th>
                  <th class="c-num">{ct('dayEnd.count')}</th>
                  <th class="c-num">{ct('panel.colAmount')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={methods()}>
                  {(m) => (
                    <tr>
                      <td>{methodName(m)}</td>
                      <td class="c-num">{lineOf(t().byMethod, m).count}</td>
                      <td class="c-num">{money(lineOf(t().byMethod, m).amount)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </section>
        </div>
        <Show when={props.payments.length > 0}>
          <section class="c-card">
            <h3 class="c-section-title">
              {ct('dayEnd.list')} <span class="c-muted">({props.payments.length})</span>
              <Show when={props.listLoading}>
                {' '}
                <Spinner />
              </Show>
            </h3>
            <div class="c-table-wrap">
              <table class="c-table">
                <thead>
                  <tr>
                    <th>{ct('panel.colReceipt')}</th>
                    <th>{ct('dayEnd.time')}</th>
                    <th>{ct('panel.colKind')}</th>
                    <th>{ct('dayEnd.for')}</th>
                    <th class="c-num">{ct('panel.colAmount')}</th>
                    <th>{ct('panel.colStatus')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={props.payments}>
                    {(p) => (
                      <tr classList={{ 'c-tr--void': p.status === 'VOIDED' }}>
                        <td>
                          <ReceiptTag receipt={p.receipt} />
                        </td>
                        <td class="c-small">{timeOf(p.createdAt)}</td>
                        <td>
                          <KindTag kind={p.kind} />
                        </td>
                        <td>
                          {p.unitCode ?? p.registrationNo ?? ''} · {p.payerName}
                        </td>
                        <td class="c-num">{p.kind === 'REFUND' ? `−${money(p.amount)}` : money(p.amount)}</td>
                        <td>
                          <PaymentStatus payment={p} />
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </section>
        </Show>
      </Show>
    </div>
  );
}

function CloseDayDialog(props: {
  totals: DayEndView;
  cashierId?: string;
  onClose: () => void;
  onClosed: (t: DayEndView) => void;
}): JSX.Element {
  const desk = useDesk();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<{ message: string; detail: string | null } | null>(null);
  const close = async (): Promise<void> => {
    if (busy()) return;
    setBusy(true);
    setError(null);
    try {
      props.onClosed(await desk.api.closeDay(desk.project.id, props.totals.businessDate, props.cashierId));
    } catch (err) {
      const e = toApiError(err);
      setError({ message: describe(e), detail: detailOf(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={ct('dayEnd.closeTitle', { date: props.totals.businessDate })}
      onClose={props.onClose}
      locked={busy()}
      testid="close-day-dialog"
    >
      <div class="c-form">
        <p>{ct('dayEnd.closeExplain', { cashier: props.totals.cashier })}</p>
        <ul class="c-bullets">
          <li>{ct('dayEnd.closeFreeze')}</li>
          <li>{ct('dayEnd.closeCorrections')}</li>
          <li>{ct('dayEnd.closePaper')}</li>
        </ul>
        <dl class="c-summary">
          <div>
            <dt>{ct('dayEnd.net')}</dt>
            <dd>
              <strong>{money(props.totals.net)}</strong>
            </dd>
          </div>
          <div>
            <dt>{ct('dayEnd.receipts')}</dt>
            <dd>
              {props.totals.receiptsIssued}
              <Show when={props.totals.firstReceipt}>
                {' '}
                <span class="c-mono c-muted">
                  ({props.totals.firstReceipt} … {props.totals.lastReceipt})
                </span>
              </Show>
            </dd>
          </div>
        </dl>
        <ErrorNote message={error()?.message ?? null} detail={error()?.detail} />
        <div class="c-modal__actions">
          <button type="button" class="c-btn c-btn--ghost" onClick={props.onClose} disabled={busy()}>
            {ct('common.cancel')}
          </button>
          <button
            type="button"
            class="c-btn c-btn--danger c-btn--lg"
            onClick={() => void close()}
            disabled={busy()}
            data-testid="close-day-confirm"
          >
            <Show when={busy()}>
              <Spinner light />
            </Show>
            {ct('dayEnd.closeConfirm')}
          </button>
        </div>
      </div>
    </Modal>
  );
}
