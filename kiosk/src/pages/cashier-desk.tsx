/**
 * The desk 收款台: find a subscription or registration (unit code, buyer phone, queue number,
 * registration R0007, receipt KP2026-000012 or a document id), then work on it in the panel on the
 * right. The query and the open record live in the address (?q=&sub=|reg=), so a reload keeps them.
 */
import { For, Match, Show, Switch, createEffect, createSignal, on, onMount, type JSX } from 'solid-js';
import { useSearchParams } from '@solidjs/router';
import {
  REFUND_STATE_LABELS,
  REGISTRATION_STATUS_LABELS,
  type CashierLookup,
  type CashierRegistration,
  type CashierSubscription,
  type PaymentInfo,
} from '@kaipan/shared';
import {
  Badge,
  Countdown,
  Empty,
  Failure,
  KindTag,
  Loading,
  PaymentStatus,
  Spinner,
  SubscriptionStatusBadge,
} from '../components/cashier-ui';
import { CashierPanel, type PanelTarget } from '../components/cashier-panel';
import { ct, describe, label, money, timeOf } from '../lib/cashier-i18n';
import { createLoader } from '../lib/loader';
import { useDesk } from '../lib/desk-context';
import { useShortcuts } from '@kaipan/web/components/shortcuts';

export default function CashierDeskPage(): JSX.Element {
  const desk = useDesk();
  const [params, setParams] = useSearchParams<{ q?: string; sub?: string; reg?: string; pay?: string }>();
  const [text, setText] = createSignal(params.q ?? '');
  const query = (): string | null => params.q?.trim() || null;
  const results = createLoader(query, (q) => desk.api.lookup(desk.project.id, q));
  let input: HTMLInputElement | undefined;

  const target = (): PanelTarget | null => {
    if (params.sub) return { kind: 'subscription', id: params.sub };
    if (params.reg) return { kind: 'registration', id: params.reg };
    return null;
  };
  const open = (t: PanelTarget | null, paymentId?: string): void =>
    setParams({
      sub: t?.kind === 'subscription' ? t.id : undefined,
      reg: t?.kind === 'registration' ? t.id : undefined,
      pay: paymentId,
    });

  let autoOpenFor: string | null = null;
  const search = (e?: SubmitEvent): void => {
    e?.preventDefault();
    const q = text().trim();
    if (!q) {
      setParams({ q: undefined, sub: undefined, reg: undefined, pay: undefined });
      return;
    }
    if (q === query()) void results.reload();
    else setParams({ q, sub: undefined, reg: undefined, pay: undefined });
    autoOpenFor = q;
  };

  // A search that finds exactly one record opens it (the common case: a unit code).
  createEffect(
    on(results.data, (r) => {
      if (!r || autoOpenFor === null || r.query.trim() !== autoOpenFor) return;
      autoOpenFor = null;
      const only = single(r);
      if (only) open(only.target, only.paymentId);
    }),
  );

  // F2 (anywhere) or / (outside a field) goes to the search box; not while a dialog is open.
  const toSearch = (): void => {
    input?.focus();
    input?.select();
  };
  useShortcuts(() => [
    { keys: ['F2'], inFields: true, run: toSearch },
    { keys: ['/'], run: toSearch },
  ]);
  onMount(() => {
    if (!target()) input?.focus();
  });

  const changed = (): void => {
    if (query()) void results.reload();
    desk.refreshBooks();
  };

  return (
    <div class="c-desk">
      <section class="c-desk__search" aria-label={ct('desk.searchLabel')}>
        <form class="c-search" onSubmit={search} role="search">
          <label class="c-sr" for="c-search-input">
            {ct('desk.searchLabel')}
          </label>
          <div class="c-search__box">
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" class="c-search__icon">
              <circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" stroke-width="2" />
              <path d="M15.5 15.5L21 21" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
            <input
              id="c-search-input"
              ref={input}
              class="c-input c-search__input"
              type="search"
              autocomplete="off"
              spellcheck={false}
              placeholder={ct('desk.searchPlaceholder')}
              value={text()}
              onInput={(e) => setText(e.currentTarget.value)}
              data-testid="desk-search"
            />
            <button type="submit" class="c-btn c-btn--primary" disabled={results.loading()}>
              {ct('desk.search')}
            </button>
          </div>
          <p class="c-search__hint">{ct('desk.searchHint')}</p>
        </form>
        <div class="c-results" aria-live="polite">
          <Switch>
            <Match when={!query()}>
              <Empty icon="search" title={ct('desk.emptyTitle')} hint={ct('desk.emptyHint')}>
                <ul class="c-examples">
                  <li>
                    <kbd>1-1802</kbd> {ct('desk.exUnit')}
                  </li>
                  <li>
                    <kbd>13812345678</kbd> {ct('desk.exPhone')}
                  </li>
                  <li>
                    <kbd>R0007</kbd> {ct('desk.exRegistration')}
                  </li>
                  <li>
                    <kbd>A012</kbd> {ct('desk.exQueue')}
                  </li>
                  <li>
                    <kbd>KP2026-000012</kbd> {ct('desk.exReceipt')}
                  </li>
                </ul>
                <p class="c-keys">{ct('desk.keys')}</p>
              </Empty>
            </Match>
            <Match when={results.error() && !results.data()}>
              <Failure
                title={ct('desk.searchFailed')}
                message={describe(results.error())}
                onRetry={() => void results.reload()}
              />
            </Match>
            <Match when={results.data()} keyed>
              {(r) => (
                <Results
                  lookup={r}
                  target={target()}
                  paymentId={params.pay}
                  onOpen={open}
                  loading={results.loading()}
                />
              )}
            </Match>
            <Match when={true}>
              <Loading label={ct('desk.searching')} />
            </Match>
          </Switch>
        </div>
      </section>
      <section class="c-desk__panel" aria-label={ct('desk.panelLabel')}>
        <Show
          when={target()}
          keyed
          fallback={
            <Empty
              title={query() ? ct('desk.pickTitle') : ct('desk.readyTitle')}
              hint={query() ? ct('desk.pickHint') : ct('desk.readyHint')}
            />
          }
        >
          {(t) => <CashierPanel target={t} highlight={params.pay} onChanged={changed} onOpen={(next) => open(next)} />}
        </Show>
      </section>
    </div>
  );
}

function single(r: CashierLookup): { target: PanelTarget; paymentId?: string } | null {
  const [sub] = r.subscriptions;
  // One subscription (with, at most, its own household's registration): the deal to work on.
  if (sub && r.subscriptions.length === 1 && r.registrations.every((g) => g.id === sub.registrationId)) {
    return { target: { kind: 'subscription', id: sub.id } };
  }
  const [reg] = r.registrations;
  if (reg && r.subscriptions.length === 0 && r.registrations.length === 1)
    return { target: { kind: 'registration', id: reg.id } };
  if (r.subscriptions.length + r.registrations.length === 0 && r.payments.length === 1) {
    const p = r.payments[0];
    if (p?.subscriptionId) return { target: { kind: 'subscription', id: p.subscriptionId }, paymentId: p.id };
    if (p?.registrationId) return { target: { kind: 'registration', id: p.registrationId }, paymentId: p.id };
  }
  return null;
}

function Results(props: {
  lookup: CashierLookup;
  target: PanelTarget | null;
  paymentId: string | undefined;
  loading: boolean;
  onOpen: (t: PanelTarget, paymentId?: string) => void;
}): JSX.Element {
  const total = (): number =>
    props.lookup.subscriptions.length + props.lookup.registrations.length + props.lookup.payments.length;
  return (
    <Show
      when={total() > 0}
      fallback={
        <Empty icon="search" title={ct('desk.noResults', { q: props.lookup.query })} hint={ct('desk.noResultsHint')} />
      }
    >
      <div class="c-results__head">
        <span>{ct('desk.found', { n: total() })}</span>
        <Show when={props.loading}>
          <Spinner />
        </Show>
      </div>
      <Show when={props.lookup.subscriptions.length > 0}>
        <h3 class="c-results__title">{ct('desk.subscriptions')}</h3>
        <ul class="c-list" data-testid="result-subscriptions">
          <For each={props.lookup.subscriptions}>
            {(s) => (
              <li>
                <SubscriptionRow
                  sub={s}
                  selected={props.target?.kind === 'subscription' && props.target.id === s.id}
                  onOpen={() => props.onOpen({ kind: 'subscription', id: s.id })}
                />
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={props.lookup.registrations.length > 0}>
        <h3 class="c-results__title">{ct('desk.registrations')}</h3>
        <ul class="c-list" data-testid="result-registrations">
          <For each={props.lookup.registrations}>
            {(g) => (
              <li>
                <RegistrationRow
                  reg={g}
                  selected={props.target?.kind === 'registration' && props.target.id === g.id}
                  onOpen={() => props.onOpen({ kind: 'registration', id: g.id })}
                />
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={props.lookup.payments.length > 0}>
        <h3 class="c-results__title">{ct('desk.payments')}</h3>
        <ul class="c-list" data-testid="result-payments">
          <For each={props.lookup.payments}>
            {(p) => (
              <li>
                <PaymentRow payment={p} selected={props.paymentId === p.id} onOpen={props.onOpen} />
              </li>
            )}
          </For>
        </ul>
      </Show>
    </Show>
  );
}

export function SubscriptionRow(props: {
  sub: CashierSubscription;
  selected: boolean;
  onOpen: () => void;
}): JSX.Element {
  const s = (): CashierSubscription => props.sub;
  const due = (): number => Math.max(0, s().depositRequired - s().depositPaid);
  const ratio = (): number => (s().depositRequired > 0 ? Math.min(1, s().depositPaid / s().depositRequired) : 1);
  return (
    <button
      type="button"
      class="c-row"
      classList={{ 'c-row--on': props.selected }}
      onClick={() => props.onOpen()}
      data-unit={s().unitCode}
      aria-current={props.selected}
    >
      <span class="c-row__main">
        <span class="c-row__title">{s().unitCode}</span>
        <span class="c-row__sub">
          {s().buyerName}
          <Show when={s().buyerPhone}> · {s().buyerPhone}</Show>
        </span>
      </span>
      <span class="c-row__facts">
        <span class="c-row__price">{money(s().price)}</span>
        <span class="c-row__badges">
          <Show when={s().status !== 'ACTIVE'}>
            <SubscriptionStatusBadge status={s().status} />
          </Show>
          <Show when={s().refundState === 'DUE'}>
            <Badge tone="bad" testid="refund-due">
              {label(REFUND_STATE_LABELS, 'DUE')}
            </Badge>
          </Show>
          <Show when={s().status === 'ACTIVE'}>
            <Show when={due() > 0} fallback={<Badge tone="ok">{ct('sub.depositPaid')}</Badge>}>
              <Badge tone="warn">{ct('sub.depositDue', { amount: money(due()) })}</Badge>
              <Show when={s().depositDueAt}>{(at) => <Countdown due={at()} />}</Show>
            </Show>
          </Show>
        </span>
        <span class="c-meter" aria-hidden="true">
          <span class="c-meter__fill" style={{ width: `${ratio() * 100}%` }} />
        </span>
      </span>
    </button>
  );
}

function RegistrationRow(props: { reg: CashierRegistration; selected: boolean; onOpen: () => void }): JSX.Element {
  const g = (): CashierRegistration => props.reg;
  return (
    <button
      type="button"
      class="c-row"
      classList={{ 'c-row--on': props.selected }}
      onClick={() => props.onOpen()}
      data-registration={g().label}
      aria-current={props.selected}
    >
      <span class="c-row__main">
        <span class="c-row__title">{g().label}</span>
        <span class="c-row__sub">
          {g().customerName}
          <Show when={g().customerPhone}> · {g().customerPhone}</Show>
        </span>
      </span>
      <span class="c-row__facts">
        <span class="c-row__price">{money(g().sincerityHeld)}</span>
        <span class="c-row__badges">
          <Show when={g().status !== 'ACTIVE'}>
            <Badge tone="bad">{label(REGISTRATION_STATUS_LABELS, 'CANCELLED')}</Badge>
          </Show>
          <Badge tone={g().sincerityHeld > 0 ? 'info' : 'neutral'}>
            {g().sincerityHeld > 0 ? ct('reg.sincerityHeld') : ct('reg.noSincerity')}
          </Badge>
        </span>
      </span>
    </button>
  );
}

function PaymentRow(props: {
  payment: PaymentInfo;
  selected: boolean;
  onOpen: (t: PanelTarget, paymentId?: string) => void;
}): JSX.Element {
  const p = (): PaymentInfo => props.payment;
  const target = (): PanelTarget | null => {
    if (p().subscriptionId) return { kind: 'subscription', id: p().subscriptionId as string };
    if (p().registrationId) return { kind: 'registration', id: p().registrationId as string };
    return null;
  };
  return (
    <button
      type="button"
      class="c-row"
      classList={{ 'c-row--on': props.selected }}
      disabled={!target()}
      onClick={() => {
        const t = target();
        if (t) props.onOpen(t, p().id);
      }}
      data-payment={p().id}
    >
      <span class="c-row__main">
        <span class="c-row__title c-mono">{p().receipt?.label ?? '—'}</span>
        <span class="c-row__sub">
          <KindTag kind={p().kind} /> {p().unitCode ?? p().registrationNo ?? ''} · {p().payerName} ·{' '}
          {timeOf(p().createdAt)}
        </span>
      </span>
      <span class="c-row__facts">
        <span class="c-row__price">{money(p().amount)}</span>
        <span class="c-row__badges">
          <PaymentStatus payment={p()} />
          <Show when={p().receipt?.status === 'VOIDED'}>
            <Badge tone="bad">{ct('receipt.voided')}</Badge>
          </Show>
        </span>
      </span>
    </button>
  );
}
