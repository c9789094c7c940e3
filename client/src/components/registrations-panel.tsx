/**
 * 认筹 Registrations on the manager page: the counts behind the oversubscription warning (active
 * registrations, entitlement left, units on sale), the list with search, and per registration
 * whether the sincerity deposit 诚意金 is held (derived from the cashier's payments: shown, never set
 * here), the entitlement 机会数 (never below what was bought — the server says so) and cancel. "Register customer" finds a customer of the project and registers them.
 * Counts move with sales, so the overview is re-read after live unit changes (throttled).
 */
import { For, Match, Show, Switch, createEffect, createSignal, onCleanup, type JSX } from 'solid-js';
import {
  REGISTRATION_STATUS_LABELS,
  type CustomerInfo,
  type ProjectSummary,
  type RegistrationInfo,
  type RegistrationOverview,
} from '@kaipan/shared';
import { api } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { createBusySet } from '../lib/busy';
import { describeError, label, t } from '../lib/i18n';
import { matchesBuyer } from '../stores/buyer';
import { showToast } from '../stores/toasts';
import type { UnitsStore } from '../stores/units';
import { BottomSheet } from './bottom-sheet';
import { CustomerBadge } from './customer-badge';
import { ConfirmDialog, EmptyState, ErrorAlert, Spinner } from './ui';
import './registrations-panel.css';

/** Rows rendered at once; the search narrows the rest. */
const ROWS_SHOWN = 100;
/** Live unit changes re-read the overview at most this often. */
const REFRESH_GAP_MS = 3_000;
const SEARCH_DEBOUNCE_MS = 250;
const ENTITLEMENT_MAX = 20;

export function RegistrationsPanel(props: {
  projectId: string;
  project: ProjectSummary | undefined;
  units?: UnitsStore;
  onChanged?: () => void;
}): JSX.Element {
  const overview = createLoad(
    () => props.projectId,
    (id) => api.registrations(id),
  );
  const [query, setQuery] = createSignal('');
  const [showCancelled, setShowCancelled] = createSignal(false);
  const busy = createBusySet();
  const [editing, setEditing] = createSignal<{ id: string; value: number } | null>(null);
  const [cancelling, setCancelling] = createSignal<RegistrationInfo | null>(null);
  const [registerOpen, setRegisterOpen] = createSignal(false);

  // Re-read after live changes (sales move "available units" and "units used"), throttled.
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let lastRefresh = 0;
  const refreshSoon = (): void => {
    if (refreshTimer) return;
    refreshTimer = setTimeout(
      () => {
        refreshTimer = undefined;
        lastRefresh = Date.now();
        void overview.refetch();
      },
      Math.max(500, lastRefresh + REFRESH_GAP_MS - Date.now()),
    );
  };
  createEffect(() => {
    const units = props.units;
    if (!units) return;
    const off = units.onApplied(() => refreshSoon());
    onCleanup(off);
  });
  onCleanup(() => clearTimeout(refreshTimer));

  /** Put a changed registration in place at once; the counts follow with the next read. */
  const replace = (r: RegistrationInfo): void => {
    const current = overview.value();
    if (current)
      overview.mutate({ ...current, registrations: current.registrations.map((x) => (x.id === r.id ? r : x)) });
    refreshSoon();
    props.onChanged?.();
  };

  const saveEntitlement = (r: RegistrationInfo, value: number): Promise<void> =>
    busy.run(r.id, async () => {
      const updated = await api.setRegistrationEntitlement(r.id, value);
      setEditing(null);
      replace(updated);
      showToast('success', t('reg.entitlementSaved', { label: r.label, n: updated.unitsAllowed }));
    });
  const cancel = async (): Promise<void> => {
    const r = cancelling();
    if (!r) return;
    await busy.run(r.id, async () => {
      replace(await api.cancelRegistration(r.id));
      showToast('info', t('reg.cancelledToast', { label: r.label }));
    });
    setCancelling(null);
  };

  const rows = (): RegistrationInfo[] =>
    (overview.value()?.registrations ?? []).filter(
      (r) => (showCancelled() || r.status === 'ACTIVE') && matchesBuyer(r, query()),
    );

  return (
    <section class="panel reg-panel" aria-labelledby="reg-panel-title">
      <div class="panel__head">
        <h2 class="panel__title" id="reg-panel-title">
          {t('reg.panel')}
        </h2>
        <button type="button" class="btn btn--primary btn--sm" onClick={() => setRegisterOpen(true)}>
          {t('reg.register')}
        </button>
      </div>

      <Switch>
        <Match when={overview.error() && !overview.value()}>
          <div class="alert alert--error">
            {describeError(overview.error())}{' '}
            <button type="button" class="link-btn" onClick={() => void overview.refetch()}>
              {t('common.retry')}
            </button>
          </div>
        </Match>
        <Match when={!overview.value()}>
          <Spinner />
        </Match>
        <Match when={overview.value()}>
          {(o) => (
            <>
              <Counts overview={o()} />
              <Show when={o().oversubscribed}>
                <div class="reg-warning" role="alert">
                  <strong>{t('reg.oversubscribedTitle')}</strong>
                  <span>{t('reg.oversubscribedBody', { active: o().activeCount, available: o().availableUnits })}</span>
                </div>
              </Show>

              <div class="reg-tools">
                <input
                  class="input input--sm reg-tools__search"
                  type="search"
                  placeholder={t('buyer.search')}
                  aria-label={t('buyer.search')}
                  value={query()}
                  onInput={(e) => setQuery(e.currentTarget.value)}
                />
                <label class="reg-tools__check">
                  <input
                    type="checkbox"
                    checked={showCancelled()}
                    onChange={(e) => setShowCancelled(e.currentTarget.checked)}
                  />
                  {t('reg.showCancelled')}
                </label>
              </div>

              <p class="reg-note">
                {t('reg.depositHint')} <a href="/cashier">{t('reg.openCashier')}</a>
              </p>

              <Show
                when={rows().length > 0}
                fallback={
                  <p class="panel__empty">{o().registrations.length === 0 ? t('reg.none') : t('buyer.empty')}</p>
                }
              >
                <div class="table-wrap">
                  <table class="table reg-table">
                    <thead>
                      <tr>
                        <th>{t('reg.colNo')}</th>
                        <th>{t('reg.colCustomer')}</th>
                        <th>{t('reg.colOwner')}</th>
                        <th title={t('reg.depositHint')}>{t('reg.colDeposit')}</th>
                        <th>{t('reg.colEntitlement')}</th>
                        <th>
                          <span class="sr-only">{t('reg.colActions')}</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={rows().slice(0, ROWS_SHOWN)}>
                        {(r) => (
                          <tr classList={{ 'reg-row--cancelled': r.status === 'CANCELLED' }}>
                            <td class="reg-table__no">{r.label}</td>
                            <td class="reg-table__who">
                              <span class="reg-who">
                                <CustomerBadge name={r.customer.name} status={r.customer.status} />
                                <span class="reg-table__phone num">{r.customer.phone}</span>
                              </span>
                            </td>
                            <td class="reg-table__owner">{r.customer.ownerName ?? t('reg.pool')}</td>
                            <td class="reg-table__deposit" title={t('reg.depositHint')}>
                              <span class="pill" classList={{ 'pill--ok': r.depositPaid }} data-testid="reg-deposit">
                                {r.depositPaid ? t('reg.depositPaid') : t('reg.depositUnpaid')}
                              </span>
                            </td>
                            <td class="reg-table__ent">
                              <Show
                                when={editing()?.id === r.id}
                                fallback={
                                  <span class="reg-ent">
                                    <span class="num" classList={{ 'reg-ent--full': r.unitsUsed >= r.unitsAllowed }}>
                                      {t('reg.used', { used: r.unitsUsed, allowed: r.unitsAllowed })}
                                    </span>
                                    <Show when={r.status === 'ACTIVE'}>
                                      <button
                                        type="button"
                                        class="link-btn"
                                        disabled={busy.has(r.id)}
                                        onClick={() => setEditing({ id: r.id, value: r.unitsAllowed })}
                                      >
                                        {t('reg.edit')}
                                      </button>
                                    </Show>
                                  </span>
                                }
                              >
                                <form
                                  class="reg-ent reg-ent--edit"
                                  onSubmit={(e) => {
                                    e.preventDefault();
                                    const v = editing()?.value ?? r.unitsAllowed;
                                    void saveEntitlement(r, v);
                                  }}
                                >
                                  <input
                                    class="input input--sm reg-ent__input"
                                    type="number"
                                    min={Math.max(1, r.unitsUsed)}
                                    max={ENTITLEMENT_MAX}
                                    value={editing()?.value ?? r.unitsAllowed}
                                    aria-label={t('reg.colEntitlement')}
                                    onInput={(e) => setEditing({ id: r.id, value: Number(e.currentTarget.value) })}
                                  />
                                  <button
                                    type="submit"
                                    class="btn btn--primary btn--sm"
                                    disabled={
                                      busy.has(r.id) ||
                                      !Number.isInteger(editing()?.value) ||
                                      (editing()?.value ?? 0) < 1 ||
                                      (editing()?.value ?? 0) > ENTITLEMENT_MAX
                                    }
                                  >
                                    {t('reg.save')}
                                  </button>
                                  <button type="button" class="btn btn--ghost btn--sm" onClick={() => setEditing(null)}>
                                    {t('common.cancel')}
                                  </button>
                                </form>
                              </Show>
                            </td>
                            <td class="reg-table__actions">
                              <Show
                                when={r.status === 'ACTIVE'}
                                fallback={<span class="pill">{label(REGISTRATION_STATUS_LABELS, 'CANCELLED')}</span>}
                              >
                                <button
                                  type="button"
                                  class="btn btn--ghost btn--sm reg-cancel"
                                  disabled={busy.has(r.id)}
                                  onClick={() => setCancelling(r)}
                                >
                                  {t('reg.cancel')}
                                </button>
                              </Show>
                            </td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
                <Show when={rows().length > ROWS_SHOWN}>
                  <p class="panel__empty">{t('reg.more', { shown: ROWS_SHOWN, n: rows().length })}</p>
                </Show>
              </Show>
            </>
          )}
        </Match>
      </Switch>

      <ConfirmDialog
        open={cancelling() !== null}
        title={t('reg.cancelTitle', { label: cancelling()?.label ?? '', name: cancelling()?.customer.name ?? '' })}
        body={t('reg.cancelBody')}
        confirmLabel={t('reg.cancel')}
        danger
        busy={cancelling() ? busy.has(cancelling()?.id ?? '') : false}
        onConfirm={() => void cancel()}
        onCancel={() => setCancelling(null)}
      />

      <RegisterSheet
        open={registerOpen()}
        projectId={props.projectId}
        defaultAllowed={props.project?.entitlementPerRegistration ?? 1}
        onClose={() => setRegisterOpen(false)}
        onRegistered={(r) => {
          setRegisterOpen(false);
          showToast('success', t('reg.registeredToast', { label: r.label, name: r.customer.name }));
          void overview.refetch();
          props.onChanged?.();
        }}
      />
    </section>
  );
}

function Counts(props: { overview: RegistrationOverview }): JSX.Element {
  return (
    <div class="reg-counts">
      <div class="reg-count">
        <span class="reg-count__label">{t('reg.active')}</span>
        <span class="reg-count__value num">{props.overview.activeCount}</span>
      </div>
      <div class="reg-count">
        <span class="reg-count__label">{t('reg.entitled')}</span>
        <span class="reg-count__value num">{props.overview.entitledUnits}</span>
      </div>
      <div class="reg-count" classList={{ 'reg-count--warn': props.overview.oversubscribed }}>
        <span class="reg-count__label">{t('reg.available')}</span>
        <span class="reg-count__value num">{props.overview.availableUnits}</span>
      </div>
    </div>
  );
}

/** Find a customer of the project (name or 3+ phone digits) and register them. */
function RegisterSheet(props: {
  open: boolean;
  projectId: string;
  defaultAllowed: number;
  onClose: () => void;
  onRegistered: (r: RegistrationInfo) => void;
}): JSX.Element {
  const [query, setQuery] = createSignal('');
  const [debounced, setDebounced] = createSignal('');
  const [chosen, setChosen] = createSignal<CustomerInfo | null>(null);
  const [allowed, setAllowed] = createSignal(1);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(() => {
    const q = query().trim();
    clearTimeout(timer);
    timer = setTimeout(() => setDebounced(q), SEARCH_DEBOUNCE_MS);
  });
  onCleanup(() => clearTimeout(timer));
  // A fresh form each time the sheet opens.
  createEffect(() => {
    if (!props.open) return;
    setQuery('');
    setDebounced('');
    setChosen(null);
    setAllowed(props.defaultAllowed);
    setError(null);
  });

  const found = createLoad(
    () => (props.open ? { q: debounced() } : false),
    ({ q }) => api.customers(props.projectId, { q: q || undefined, limit: 20 }),
  );

  const submit = async (): Promise<void> => {
    const c = chosen();
    if (!c || busy()) return;
    setBusy(true);
    setError(null);
    try {
      const created = await api.createRegistration(props.projectId, {
        customerId: c.id,
        ...(allowed() !== props.defaultAllowed ? { unitsAllowed: allowed() } : {}),
      });
      props.onRegistered(created);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <BottomSheet
      open={props.open}
      onClose={() => props.onClose()}
      title={t('reg.register')}
      subtitle={t('reg.registerHint')}
    >
      <Show
        when={chosen()}
        fallback={
          <>
            <input
              class="input buyer-search"
              type="search"
              inputmode="search"
              placeholder={t('reg.customerSearch')}
              aria-label={t('reg.customerSearch')}
              value={query()}
              onInput={(e) => setQuery(e.currentTarget.value)}
            />
            <Switch>
              <Match when={found.error()}>
                <div class="alert alert--error">{describeError(found.error())}</div>
              </Match>
              <Match when={found.loading() && !found.value()}>
                <div class="center-pad">
                  <Spinner />
                </div>
              </Match>
              <Match when={(found.value()?.customers.length ?? 0) === 0}>
                <EmptyState title={t('reg.noCustomer')} hint={t('reg.noCustomerHint')} />
              </Match>
              <Match when={found.value()}>
                {(page) => (
                  <ul class="buyer-list">
                    <For each={page().customers}>
                      {(c) => {
                        const registered = (): boolean => c.registration?.status === 'ACTIVE';
                        return (
                          <li>
                            <button
                              type="button"
                              class="buyer-row reg-pick"
                              disabled={registered()}
                              onClick={() => setChosen(c)}
                            >
                              <span class="buyer-row__no">
                                {c.registration?.status === 'ACTIVE' ? c.registration.label : '＋'}
                              </span>
                              <span class="buyer-row__name">
                                <CustomerBadge name={c.name} status={c.status} />
                              </span>
                              <span class="buyer-row__phone num">
                                {c.phone}
                                <Show when={c.owner}>{(o) => <> · {o().displayName}</>}</Show>
                              </span>
                              <span class="buyer-row__left">
                                {registered() ? t('reg.alreadyRegistered') : t('reg.pick')}
                              </span>
                            </button>
                          </li>
                        );
                      }}
                    </For>
                  </ul>
                )}
              </Match>
            </Switch>
          </>
        }
      >
        {(c) => (
          <form
            class="form reg-form"
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <div class="buyer-fixed">
              <CustomerBadge name={c().name} status={c().status} withLabel />
              <span class="muted num">{c().phone}</span>
            </div>
            <ErrorAlert message={error()} />
            <p class="reg-note">
              {t('reg.depositHint')} <a href="/cashier">{t('reg.openCashier')}</a>
            </p>
            <label class="field">
              <span class="field__label">{t('reg.colEntitlement')}</span>
              <input
                class="input input--sm reg-ent__input"
                type="number"
                min={1}
                max={ENTITLEMENT_MAX}
                value={allowed()}
                onInput={(e) => setAllowed(Number(e.currentTarget.value))}
                disabled={busy()}
              />
            </label>
            <div class="panel__actions">
              <button type="button" class="btn btn--secondary" onClick={() => setChosen(null)} disabled={busy()}>
                {t('common.back')}
              </button>
              <button
                type="submit"
                class="btn btn--primary"
                disabled={busy() || !Number.isInteger(allowed()) || allowed() < 1 || allowed() > ENTITLEMENT_MAX}
              >
                <Show when={busy()}>
                  <Spinner size="sm" />
                </Show>
                {t('reg.registerSubmit')}
              </button>
            </div>
          </form>
        )}
      </Show>
    </BottomSheet>
  );
}
