/**
 * Customer registry 客户.
 * - /p/:projectId/customers — consultants, phone first: my customers + the public pool, search,
 *   add a customer, detail sheet with follow-ups and the shortlist 意向房源 (live availability).
 * - /manager/:projectId/customers — managers on a laptop: a filtered table, reassign, move idle
 *   customers to the pool.
 * A customer's name is always shown with CustomerBadge (status colour from @kaipan/shared).
 */
import { For, Match, Show, Switch, createEffect, createMemo, createSignal, on, onCleanup, type JSX } from 'solid-js';
import {
  CUSTOMER_STATUSES,
  DEFAULT_IDLE_DAYS,
  DEMAND_TYPES,
  FOLLOW_UP_KINDS,
  INTENT_CLASSES,
  SHORTLIST_MAX,
  SOURCE_CHANNELS,
  STATUS_COLORS,
  createCustomerSchema,
  normalizePhone,
  formatYuan,
  type CatalogUnit,
  type CustomerDetail,
  type CustomerInfo,
  type CustomerPage,
  type CustomerShortlist,
  type CustomerStatus,
  type DuplicateCustomerDetails,
  type FollowUpKind,
  type UserInfo,
} from '@kaipan/shared';
import { api, toApiError } from '../lib/api';
import { createLoad } from '../lib/resource';
import { describeError, locale, statusLabel, t, type MessageKey } from '../lib/i18n';
import { createCatalog, type Catalog } from '../stores/catalog';
import { isManager, isSeller } from '../stores/session';
import { showToast } from '../stores/toasts';
import { AppHeader } from '../components/app-header';
import { BottomSheet } from '../components/bottom-sheet';
import { CustomerBadge, customerStatusLabel } from '../components/customer-badge';
import { ConfirmDialog, EmptyState, ErrorState, LoadingState, Spinner } from '../components/ui';

type Variant = 'consultant' | 'manager';
const PAGE_SIZE = 30;
const DAY_MS = 86_400_000;
/** While a customer's sheet is open, its shortlist statuses are refreshed this often, ms. */
const SHORTLIST_POLL_MS = 5_000;

const tk = (key: string): string => t(key as MessageKey);

function idleDaysOf(iso: string): number {
  return Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / DAY_MS));
}

function activityText(iso: string): string {
  const days = idleDaysOf(iso);
  return days === 0 ? t('customers.today') : t('customers.idleDays', { n: days });
}

function formatDateTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale() === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  }).format(new Date(iso));
}

function budgetText(c: CustomerInfo): string {
  const fmt = (fen: number) => formatYuan(fen, locale());
  if (c.budgetMin !== null && c.budgetMax !== null) return `${fmt(c.budgetMin)} – ${fmt(c.budgetMax)}`;
  if (c.budgetMin !== null) return `≥ ${fmt(c.budgetMin)}`;
  if (c.budgetMax !== null) return `≤ ${fmt(c.budgetMax)}`;
  return t('customers.unset');
}

/** The error text for a failed create/edit, naming the owner of a duplicate phone. */
function customerErrorText(error: unknown): string {
  const e = toApiError(error);
  if (e.code === 'DUPLICATE_CUSTOMER') {
    const d = e.details as DuplicateCustomerDetails | undefined;
    return d?.owner ? t('customers.duplicateOwner', { owner: d.owner.displayName }) : t('customers.duplicatePool');
  }
  return describeError(e);
}

export default function CustomersPage(props: { projectId: string; user: UserInfo; token: string; variant: Variant }): JSX.Element {
  const variant = (): Variant => (props.variant === 'manager' && isManager(props.user) ? 'manager' : 'consultant');
  const catalog = createCatalog(props.projectId, api);
  const projectName = (): string => {
    const p = catalog.ready()?.project;
    if (!p) return '';
    return locale() === 'en' ? p.nameEn || p.name : p.name;
  };

  // ---- list state -------------------------------------------------------------------------
  const [scope, setScope] = createSignal<'me' | 'pool' | 'all'>(variant() === 'manager' ? 'all' : 'me');
  const [search, setSearch] = createSignal('');
  const [debounced, setDebounced] = createSignal('');
  const [statusFilter, setStatusFilter] = createSignal<CustomerStatus | ''>('');
  const [ownerFilter, setOwnerFilter] = createSignal<string>('');
  const [idleFilter, setIdleFilter] = createSignal<number | ''>('');
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  createEffect(on(search, (q) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => setDebounced(q.trim()), 250);
  }));
  onCleanup(() => clearTimeout(searchTimer));

  const query = createMemo(() => {
    const owner = variant() === 'manager' ? ownerFilter() || undefined : scope() === 'all' ? undefined : scope();
    return {
      q: debounced() || undefined,
      owner,
      status: statusFilter() || undefined,
      idleDays: idleFilter() === '' ? undefined : idleFilter(),
      limit: PAGE_SIZE,
    };
  });
  const [extra, setExtra] = createSignal<CustomerInfo[]>([]);
  const [nextCursor, setNextCursor] = createSignal<string | null>(null);
  const [loadingMore, setLoadingMore] = createSignal(false);
  const page = createLoad(query, async (q): Promise<CustomerPage> => {
    const res = await api.customers(props.projectId, q);
    setExtra([]);
    setNextCursor(res.nextCursor);
    return res;
  });
  const rows = (): CustomerInfo[] => [...(page.value()?.customers ?? []), ...extra()];
  const loadMore = async (): Promise<void> => {
    const cursor = nextCursor();
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const res = await api.customers(props.projectId, { ...query(), cursor });
      setExtra((prev) => [...prev, ...res.customers]);
      setNextCursor(res.nextCursor);
    } catch (err) {
      showToast('error', describeError(err));
    } finally {
      setLoadingMore(false);
    }
  };
  const reload = (): void => void page.refetch();

  const [openId, setOpenId] = createSignal<string | null>(null);
  const [adding, setAdding] = createSignal(false);

  const emptyTitle = (): string => (debounced() ? t('customers.noMatch') : scope() === 'pool' ? t('customers.emptyPool') : t('customers.empty'));
  const emptyHint = (): string => (debounced() ? t('customers.noMatchHint') : scope() === 'pool' ? t('customers.emptyPoolHint') : t('customers.emptyHint'));

  const listBody = (render: () => JSX.Element): JSX.Element => (
    <Switch>
      <Match when={page.error() as unknown}>
        <ErrorState title={t('customers.loadFailed')} message={describeError(page.error())} onRetry={reload} />
      </Match>
      <Match when={page.loading() && !page.value()}>
        <LoadingState />
      </Match>
      <Match when={rows().length === 0 && !page.loading()}>
        <EmptyState title={emptyTitle()} hint={emptyHint()} />
      </Match>
      <Match when={true}>
        {render()}
        <Show when={nextCursor()}>
          <div class="center-pad">
            <button type="button" class="btn btn--secondary" disabled={loadingMore()} onClick={() => void loadMore()}>
              <Show when={loadingMore()}>
                <Spinner size="sm" />
              </Show>
              {t('customers.more')}
            </button>
          </div>
        </Show>
      </Match>
    </Switch>
  );

  return (
    <div class="page" classList={{ 'page--manager': variant() === 'manager' }}>
      <AppHeader
        backHref={variant() === 'manager' ? `/manager/${props.projectId}` : `/p/${props.projectId}`}
        title={variant() === 'manager' ? t('customers.managerTitle') : t('customers.title')}
        subtitle={projectName() || props.user.displayName}
        actions={
          <Show when={isSeller(props.user)}>
            <button type="button" class="btn btn--primary btn--sm" onClick={() => setAdding(true)}>
              <span aria-hidden="true">＋</span>
              <span>{t('customers.add')}</span>
            </button>
          </Show>
        }
      />
      <main class="page__main customers" classList={{ 'customers--manager': variant() === 'manager' }}>
        <Show
          when={variant() === 'manager'}
          fallback={
            <>
              <div class="customers__bar">
                <div class="segmented customers__scope" role="radiogroup">
                  <button type="button" role="radio" aria-checked={scope() === 'me'} onClick={() => setScope('me')}>
                    {t('customers.mine')}
                  </button>
                  <button type="button" role="radio" aria-checked={scope() === 'pool'} onClick={() => setScope('pool')}>
                    {t('customers.pool')}
                  </button>
                </div>
                <input
                  class="input customers__search"
                  type="search"
                  inputmode="search"
                  placeholder={t('customers.search')}
                  aria-label={t('customers.search')}
                  value={search()}
                  onInput={(e) => setSearch(e.currentTarget.value)}
                />
              </div>
              {listBody(() => (
                <ul class="cust-list">
                  <For each={rows()}>
                    {(c) => (
                      <li>
                        <button type="button" class="cust-card" onClick={() => setOpenId(c.id)}>
                          <span class="cust-card__top">
                            <CustomerBadge name={c.name} status={c.status} withLabel />
                            <Show when={c.intent}>{(i) => <span class="cust-intent">{i()}</span>}</Show>
                          </span>
                          <span class="cust-card__meta">
                            <span class="cust-card__phone">{c.phone}</span>
                            <Show when={c.registration}>{(r) => <span class="cust-card__reg">{r().label}</span>}</Show>
                            <span class="cust-card__activity" classList={{ 'cust-card__activity--idle': idleDaysOf(c.lastActivityAt) >= DEFAULT_IDLE_DAYS }}>
                              {activityText(c.lastActivityAt)}
                            </span>
                          </span>
                        </button>
                      </li>
                    )}
                  </For>
                </ul>
              ))}
            </>
          }
        >
          <ManagerTable
            projectId={props.projectId}
            rows={rows()}
            search={search()}
            onSearch={setSearch}
            status={statusFilter()}
            onStatus={setStatusFilter}
            owner={ownerFilter()}
            onOwner={setOwnerFilter}
            idle={idleFilter()}
            onIdle={setIdleFilter}
            onOpen={setOpenId}
            onChanged={reload}
            listBody={listBody}
          />
        </Show>
      </main>

      <CustomerSheet
        customerId={openId()}
        user={props.user}
        catalog={catalog}
        onClose={() => setOpenId(null)}
        onChanged={reload}
      />
      <CustomerForm
        open={adding()}
        projectId={props.projectId}
        onClose={() => setAdding(false)}
        onCreated={(c) => {
          setAdding(false);
          showToast('success', t('customers.created', { name: c.name }));
          if (variant() === 'consultant') setScope('me');
          reload();
          setOpenId(c.id);
        }}
      />
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Manager table

function ManagerTable(props: {
  projectId: string;
  rows: CustomerInfo[];
  search: string;
  onSearch: (v: string) => void;
  status: CustomerStatus | '';
  onStatus: (v: CustomerStatus | '') => void;
  owner: string;
  onOwner: (v: string) => void;
  idle: number | '';
  onIdle: (v: number | '') => void;
  onOpen: (id: string) => void;
  onChanged: () => void;
  listBody: (render: () => JSX.Element) => JSX.Element;
}): JSX.Element {
  const owners = createLoad(() => props.projectId, (id) => api.customerOwners(id));
  const [selected, setSelected] = createSignal<ReadonlySet<string>>(new Set());
  const [target, setTarget] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [idleDays, setIdleDays] = createSignal(DEFAULT_IDLE_DAYS);
  const [confirmIdle, setConfirmIdle] = createSignal(false);

  // Forget selections that are no longer listed.
  createEffect(on(() => props.rows, (rows) => {
    const ids = new Set(rows.map((r) => r.id));
    setSelected((prev) => new Set([...prev].filter((id) => ids.has(id))));
  }));
  const toggle = (id: string): void => {
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  const allSelected = (): boolean => props.rows.length > 0 && props.rows.every((r) => selected().has(r.id));
  const toggleAll = (): void => {
    setSelected(allSelected() ? new Set<string>() : new Set(props.rows.map((r) => r.id)));
  };

  const reassign = async (): Promise<void> => {
    const ids = [...selected()];
    if (ids.length === 0 || target() === '') return;
    setBusy(true);
    try {
      await api.reassignCustomers(props.projectId, ids, target() === 'pool' ? null : target());
      showToast('success', t('customers.reassigned', { n: ids.length }));
      setSelected(new Set<string>());
      props.onChanged();
    } catch (err) {
      showToast('error', describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const moveIdle = async (): Promise<void> => {
    setBusy(true);
    try {
      const res = await api.moveIdleToPool(props.projectId, idleDays());
      showToast('success', t('customers.movedIdle', { n: res.customerIds.length }));
      setConfirmIdle(false);
      props.onChanged();
    } catch (err) {
      showToast('error', describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel cust-admin">
      <div class="cust-filters">
        <input
          class="input input--sm cust-filters__search"
          type="search"
          placeholder={t('customers.search')}
          aria-label={t('customers.search')}
          value={props.search}
          onInput={(e) => props.onSearch(e.currentTarget.value)}
        />
        <label class="cust-filter">
          <span>{t('customers.filterOwner')}</span>
          <select class="input input--sm" value={props.owner} onChange={(e) => props.onOwner(e.currentTarget.value)}>
            <option value="">{t('customers.filterAny')}</option>
            <option value="pool">{t('customers.pool')}</option>
            <For each={owners.value() ?? []}>{(o) => <option value={o.id}>{o.displayName}</option>}</For>
          </select>
        </label>
        <label class="cust-filter">
          <span>{t('customers.status')}</span>
          <select class="input input--sm" value={props.status} onChange={(e) => props.onStatus(e.currentTarget.value as CustomerStatus | '')}>
            <option value="">{t('customers.filterAny')}</option>
            <For each={CUSTOMER_STATUSES}>{(s) => <option value={s}>{customerStatusLabel(s)}</option>}</For>
          </select>
        </label>
        <label class="cust-filter">
          <span>{t('customers.filterIdle')}</span>
          <input
            class="input input--sm cust-filter__num"
            type="number"
            min="1"
            max="365"
            inputmode="numeric"
            value={props.idle}
            onInput={(e) => {
              const n = Number.parseInt(e.currentTarget.value, 10);
              props.onIdle(Number.isFinite(n) && n >= 1 && n <= 365 ? n : '');
            }}
          />
        </label>
      </div>

      <div class="cust-actions">
        <span class="cust-actions__count">{t('customers.selected', { n: selected().size })}</span>
        <label class="cust-filter">
          <span>{t('customers.reassignTo')}</span>
          <select class="input input--sm" value={target()} onChange={(e) => setTarget(e.currentTarget.value)}>
            <option value="">{t('customers.chooseOwner')}</option>
            <option value="pool">{t('customers.toPool')}</option>
            <For each={owners.value() ?? []}>{(o) => <option value={o.id}>{o.displayName}</option>}</For>
          </select>
        </label>
        <button type="button" class="btn btn--primary btn--sm" disabled={busy() || selected().size === 0 || target() === ''} onClick={() => void reassign()}>
          {t('customers.reassign')}
        </button>
        <span class="cust-actions__sep" aria-hidden="true" />
        <label class="cust-filter">
          <span>{t('customers.idleOver')}</span>
          <input
            class="input input--sm cust-filter__num"
            type="number"
            min="1"
            max="365"
            value={idleDays()}
            onInput={(e) => {
              const n = Number.parseInt(e.currentTarget.value, 10);
              if (Number.isFinite(n) && n >= 1 && n <= 365) setIdleDays(n);
            }}
          />
          <span>{t('customers.daysUnit')}</span>
        </label>
        <button type="button" class="btn btn--secondary btn--sm" disabled={busy()} onClick={() => setConfirmIdle(true)}>
          {t('customers.moveIdle')}
        </button>
      </div>

      {props.listBody(() => (
        <div class="table-wrap">
          <table class="table cust-table">
            <thead>
              <tr>
                <th class="cust-table__check">
                  <input type="checkbox" aria-label={t('customers.selectAll')} checked={allSelected()} onChange={toggleAll} />
                </th>
                <th>{t('customers.colName')}</th>
                <th>{t('customers.colPhone')}</th>
                <th>{t('customers.colIntent')}</th>
                <th>{t('customers.colOwner')}</th>
                <th>{t('customers.colRegistration')}</th>
                <th>{t('customers.colActivity')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.rows}>
                {(c) => (
                  <tr classList={{ 'cust-table__row--selected': selected().has(c.id) }}>
                    <td class="cust-table__check">
                      <input type="checkbox" aria-label={c.name} checked={selected().has(c.id)} onChange={() => toggle(c.id)} />
                    </td>
                    <td>
                      <button type="button" class="cust-table__name" onClick={() => props.onOpen(c.id)}>
                        <CustomerBadge name={c.name} status={c.status} withLabel />
                      </button>
                    </td>
                    <td class="cust-table__mono">{c.phone}</td>
                    <td>{c.intent ?? t('common.dash')}</td>
                    <td>
                      <Show when={c.owner} fallback={<span class="pill pill--warn">{t('customers.noOwner')}</span>}>
                        {(o) => o().displayName}
                      </Show>
                    </td>
                    <td class="cust-table__mono">{c.registration?.label ?? t('common.dash')}</td>
                    <td classList={{ 'cust-table__idle': idleDaysOf(c.lastActivityAt) >= DEFAULT_IDLE_DAYS }}>{activityText(c.lastActivityAt)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      ))}

      <ConfirmDialog
        open={confirmIdle()}
        title={t('customers.moveIdleTitle', { n: idleDays() })}
        body={t('customers.moveIdleBody')}
        confirmLabel={t('customers.moveIdle')}
        busy={busy()}
        onConfirm={() => void moveIdle()}
        onCancel={() => setConfirmIdle(false)}
      />
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Detail sheet

function CustomerSheet(props: {
  customerId: string | null;
  user: UserInfo;
  catalog: Catalog;
  onClose: () => void;
  onChanged: () => void;
}): JSX.Element {
  const detail = createLoad(() => props.customerId, (id) => api.customer(id));
  const [shortlist, setShortlist] = createSignal<CustomerShortlist | null>(null);
  createEffect(on(() => detail.value(), (d) => setShortlist(d?.shortlist ?? null)));
  const current = (): CustomerDetail | undefined => {
    const d = detail.value();
    return d && d.id === props.customerId ? d : undefined;
  };

  // Live availability while the sheet is open (the buyer may be on the phone right now).
  createEffect(on(() => props.customerId, (id) => {
    if (!id) return;
    const timer = setInterval(() => {
      api.shortlist(id).then(
        (s) => {
          if (props.customerId === id) setShortlist(s);
        },
        () => undefined,
      );
    }, SHORTLIST_POLL_MS);
    onCleanup(() => clearInterval(timer));
  }));

  const canEdit = (): boolean => {
    const c = current();
    if (!c) return false;
    if (isManager(props.user)) return true;
    return isSeller(props.user) && c.owner?.id === props.user.id;
  };
  const [claiming, setClaiming] = createSignal(false);
  const claim = async (): Promise<void> => {
    const c = current();
    if (!c) return;
    setClaiming(true);
    try {
      await api.claimCustomer(c.id);
      showToast('success', t('customers.claimed', { name: c.name }));
      await detail.refetch();
      props.onChanged();
    } catch (err) {
      const e = toApiError(err);
      showToast('error', e.code === 'CONFLICT' ? t('customers.claimLost') : describeError(e));
      props.onChanged();
    } finally {
      setClaiming(false);
    }
  };

  return (
    <BottomSheet
      open={props.customerId !== null}
      onClose={() => props.onClose()}
      accent={current() ? undefined : 'transparent'}
      title={
        <Show when={current()} fallback={t('common.loading')}>
          {(c) => <CustomerBadge name={c().name} status={c().status} withLabel size="lg" />}
        </Show>
      }
      subtitle={<Show when={current()}>{(c) => <span class="cust-sheet__phone">{c().phone}</span>}</Show>}
    >
      <Switch>
        <Match when={detail.error() as unknown}>
          <ErrorState
            title={t('customers.detailFailed')}
            message={toApiError(detail.error()).code === 'FORBIDDEN' ? t('customers.forbidden') : describeError(detail.error())}
            onRetry={() => void detail.refetch()}
          />
        </Match>
        <Match when={!current()}>
          <LoadingState />
        </Match>
        <Match when={current()}>
          {(c) => (
            <div class="cust-sheet">
              <Show when={c().owner === null && isSeller(props.user)}>
                <div class="cust-sheet__claim">
                  <span>{t('customers.noOwner')}</span>
                  <button type="button" class="btn btn--go" disabled={claiming()} onClick={() => void claim()}>
                    <Show when={claiming()}>
                      <Spinner size="sm" />
                    </Show>
                    {claiming() ? t('customers.claiming') : t('customers.claim')}
                  </button>
                </div>
              </Show>
              <dl class="facts cust-facts">
                <div class="facts__item">
                  <dt>{t('customers.owner')}</dt>
                  <dd>{c().owner?.displayName ?? t('customers.noOwner')}</dd>
                </div>
                <div class="facts__item">
                  <dt>{t('customers.registration')}</dt>
                  <dd>{c().registration?.label ?? t('customers.registrationNone')}</dd>
                </div>
                <div class="facts__item">
                  <dt>{t('customers.intent')}</dt>
                  <dd>{c().intent ? tk(`intent.${c().intent}`) : t('customers.unset')}</dd>
                </div>
                <div class="facts__item">
                  <dt>{t('customers.demand')}</dt>
                  <dd>{c().demand ? tk(`demand.${c().demand}`) : t('customers.unset')}</dd>
                </div>
                <div class="facts__item facts__item--wide">
                  <dt>{t('customers.budget')}</dt>
                  <dd>{budgetText(c())}</dd>
                </div>
                <div class="facts__item">
                  <dt>{t('customers.channel')}</dt>
                  <dd>{tk(`channel.${c().channel}`)}</dd>
                </div>
                <div class="facts__item">
                  <dt>{t('customers.layouts')}</dt>
                  <dd>{c().preferredLayouts.join('、') || t('customers.unset')}</dd>
                </div>
                <Show when={c().idNumberMasked}>
                  {(id) => (
                    <div class="facts__item facts__item--wide">
                      <dt>{t('customers.idLabel')}</dt>
                      <dd class="cust-table__mono">{id()}</dd>
                    </div>
                  )}
                </Show>
                <Show when={c().coBuyers.length > 0}>
                  <div class="facts__item facts__item--wide">
                    <dt>{t('customers.coBuyers')}</dt>
                    <dd>{c().coBuyers.map((b) => [b.name, b.relation, b.phone].filter(Boolean).join(' · ')).join('；')}</dd>
                  </div>
                </Show>
              </dl>

              <ShortlistSection
                customerId={c().id}
                shortlist={shortlist()}
                catalog={props.catalog}
                canEdit={canEdit()}
                onSaved={setShortlist}
              />

              <FollowUpSection customer={c()} canEdit={canEdit()} timeZone={props.catalog.timeZone()} onAdded={() => {
                void detail.refetch();
                props.onChanged();
              }} />
            </div>
          )}
        </Match>
      </Switch>
    </BottomSheet>
  );
}

function ShortlistSection(props: {
  customerId: string;
  shortlist: CustomerShortlist | null;
  catalog: Catalog;
  canEdit: boolean;
  onSaved: (s: CustomerShortlist) => void;
}): JSX.Element {
  const [editing, setEditing] = createSignal(false);
  const [draft, setDraft] = createSignal<string[]>([]);
  const [pick, setPick] = createSignal('');
  const [saving, setSaving] = createSignal(false);
  const items = () => props.shortlist?.items ?? [];

  const startEdit = (): void => {
    setDraft(items().map((i) => i.unitId));
    setPick('');
    setEditing(true);
  };
  const matches = createMemo<CatalogUnit[]>(() => {
    const q = pick().trim().toLowerCase();
    if (!q) return [];
    const taken = new Set(draft());
    return (props.catalog.ready()?.units ?? []).filter((u) => !taken.has(u.id) && u.code.toLowerCase().includes(q)).slice(0, 8);
  });
  const move = (index: number, delta: number): void => {
    setDraft((prev) => {
      const next = [...prev];
      const j = index + delta;
      if (j < 0 || j >= next.length) return prev;
      [next[index], next[j]] = [next[j] as string, next[index] as string];
      return next;
    });
  };
  const save = async (): Promise<void> => {
    setSaving(true);
    try {
      const res = await api.setShortlist(props.customerId, draft());
      props.onSaved(res);
      setEditing(false);
      showToast('success', t('customers.shortlistSaved'));
    } catch (err) {
      showToast('error', describeError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section class="cust-section">
      <header class="cust-section__head">
        <h3>{t('customers.shortlist')}</h3>
        <Show when={props.shortlist && items().length > 0 && !editing()}>
          <span class="pill pill--ok">{t('customers.shortlistAvailable', { n: props.shortlist?.availableCount ?? 0, total: items().length })}</span>
        </Show>
        <Show when={props.canEdit && !editing()}>
          <button type="button" class="btn btn--ghost btn--sm" onClick={startEdit}>
            {t('customers.editShortlist')}
          </button>
        </Show>
      </header>
      <Show
        when={editing()}
        fallback={
          <Show when={items().length > 0} fallback={<p class="panel__empty">{t('customers.shortlistEmpty')}</p>}>
            <ol class="shortlist">
              <For each={items()}>
                {(i) => (
                  <li class="shortlist__item" classList={{ 'shortlist__item--gone': !i.available }}>
                    <span class="shortlist__rank">{i.rank}</span>
                    <span class="shortlist__main">
                      <span class="shortlist__code">{i.code}</span>
                      <span class="shortlist__meta">
                        {i.layoutName} · {i.grossArea.toFixed(2)} m² · {formatYuan(i.listPrice, locale())}
                      </span>
                    </span>
                    <span class="shortlist__status">
                      <span class="status-pill" style={{ background: STATUS_COLORS[i.status].bg, color: STATUS_COLORS[i.status].fg }}>
                        {statusLabel(i.status)}
                      </span>
                      <Show when={i.lock}>{(l) => <span class="shortlist__lock">{t('customers.lockedBy', { name: l().holderName })}</span>}</Show>
                    </span>
                  </li>
                )}
              </For>
            </ol>
          </Show>
        }
      >
        <div class="shortlist-edit">
          <ol class="shortlist">
            <For each={draft()}>
              {(unitId, index) => {
                const u = () => props.catalog.byId().get(unitId);
                return (
                  <li class="shortlist__item">
                    <span class="shortlist__rank">{index() + 1}</span>
                    <span class="shortlist__main">
                      <span class="shortlist__code">{u()?.code ?? unitId.slice(0, 8)}</span>
                      <span class="shortlist__meta">{u()?.layoutName ?? ''}</span>
                    </span>
                    <span class="shortlist__tools">
                      <button type="button" class="icon-btn" aria-label={t('customers.moveUp')} disabled={index() === 0} onClick={() => move(index(), -1)}>↑</button>
                      <button type="button" class="icon-btn" aria-label={t('customers.moveDown')} disabled={index() === draft().length - 1} onClick={() => move(index(), 1)}>↓</button>
                      <button type="button" class="icon-btn" aria-label={t('customers.remove')} onClick={() => setDraft((d) => d.filter((x) => x !== unitId))}>×</button>
                    </span>
                  </li>
                );
              }}
            </For>
          </ol>
          <Show
            when={draft().length < SHORTLIST_MAX}
            fallback={<p class="panel__note">{t('customers.shortlistMax', { n: SHORTLIST_MAX })}</p>}
          >
            <label class="field">
              <span class="field__label">{t('customers.shortlistPick')}</span>
              <input
                class="input"
                type="search"
                placeholder={t('customers.shortlistPickPlaceholder')}
                value={pick()}
                onInput={(e) => setPick(e.currentTarget.value)}
              />
            </label>
            <Show when={matches().length > 0}>
              <div class="shortlist-pick">
                <For each={matches()}>
                  {(u) => (
                    <button type="button" class="btn btn--secondary btn--sm" onClick={() => {
                      setDraft((d) => [...d, u.id]);
                      setPick('');
                    }}>
                      {u.code} · {u.layoutName}
                    </button>
                  )}
                </For>
              </div>
            </Show>
          </Show>
          <div class="panel__actions">
            <button type="button" class="btn btn--secondary" disabled={saving()} onClick={() => setEditing(false)}>
              {t('common.cancel')}
            </button>
            <button type="button" class="btn btn--primary" disabled={saving()} onClick={() => void save()}>
              <Show when={saving()}>
                <Spinner size="sm" />
              </Show>
              {saving() ? t('customers.saving') : t('customers.save')}
            </button>
          </div>
        </div>
      </Show>
    </section>
  );
}

function FollowUpSection(props: { customer: CustomerDetail; canEdit: boolean; timeZone: string; onAdded: () => void }): JSX.Element {
  const [kind, setKind] = createSignal<FollowUpKind>('CALL');
  const [note, setNote] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  // One id per entry being written: a double tap or a retry records it once.
  let pendingId = crypto.randomUUID();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (note().trim() === '') {
      setError(t('customers.followUpNote'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.addFollowUp(props.customer.id, { id: pendingId, kind: kind(), note: note().trim() });
      pendingId = crypto.randomUUID();
      setNote('');
      showToast('success', t('customers.followUpAdded'));
      props.onAdded();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="cust-section">
      <header class="cust-section__head">
        <h3>{t('customers.followUps')}</h3>
      </header>
      <Show when={props.canEdit}>
        <form class="form cust-follow" onSubmit={(e) => void submit(e)}>
          <div class="segmented" role="radiogroup" aria-label={t('customers.addFollowUp')}>
            <For each={FOLLOW_UP_KINDS}>
              {(k) => (
                <button type="button" role="radio" aria-checked={kind() === k} onClick={() => setKind(k)}>
                  {tk(`followUp.${k}`)}
                </button>
              )}
            </For>
          </div>
          <textarea
            class="input cust-follow__note"
            rows="2"
            maxlength="1000"
            placeholder={t('customers.followUpNotePlaceholder')}
            aria-label={t('customers.followUpNote')}
            value={note()}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
          <Show when={error()}>{(m) => <p class="field__error">{m()}</p>}</Show>
          <button type="submit" class="btn btn--primary" disabled={busy()}>
            <Show when={busy()}>
              <Spinner size="sm" />
            </Show>
            {t('customers.addFollowUp')}
          </button>
        </form>
      </Show>
      <Show when={props.customer.followUps.length > 0} fallback={<p class="panel__empty">{t('customers.followUpsEmpty')}</p>}>
        <ol class="follow-log">
          <For each={props.customer.followUps}>
            {(f) => (
              <li class="follow-log__item">
                <span class={`follow-log__kind follow-log__kind--${f.kind.toLowerCase()}`}>{tk(`followUp.${f.kind}`)}</span>
                <span class="follow-log__body">
                  <span class="follow-log__note">{f.note}</span>
                  <span class="follow-log__meta">
                    {formatDateTime(f.at, props.timeZone)} · {f.consultant.displayName}
                  </span>
                </span>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Add-customer form

interface CoBuyerDraft {
  name: string;
  phone: string;
  relation: string;
}

const FIELD_ERROR_KEYS: Record<string, MessageKey> = {
  name: 'customers.invalidName',
  phone: 'customers.invalidPhone',
  idNumber: 'customers.invalidId',
  budgetMax: 'customers.invalidBudget',
  budgetMin: 'customers.invalidBudget',
  coBuyers: 'customers.invalidPhone',
};

function CustomerForm(props: { open: boolean; projectId: string; onClose: () => void; onCreated: (c: CustomerInfo) => void }): JSX.Element {
  const [name, setName] = createSignal('');
  const [phone, setPhone] = createSignal('');
  const [idNumber, setIdNumber] = createSignal('');
  const [intent, setIntent] = createSignal<(typeof INTENT_CLASSES)[number] | ''>('');
  const [demand, setDemand] = createSignal<(typeof DEMAND_TYPES)[number] | ''>('');
  const [channel, setChannel] = createSignal<(typeof SOURCE_CHANNELS)[number]>('WALK_IN');
  const [budgetMin, setBudgetMin] = createSignal('');
  const [budgetMax, setBudgetMax] = createSignal('');
  const [layouts, setLayouts] = createSignal('');
  const [coBuyers, setCoBuyers] = createSignal<CoBuyerDraft[]>([]);
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [serverError, setServerError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let requestId = crypto.randomUUID();

  const reset = (): void => {
    setName(''); setPhone(''); setIdNumber(''); setIntent(''); setDemand(''); setChannel('WALK_IN');
    setBudgetMin(''); setBudgetMax(''); setLayouts(''); setCoBuyers([]); setErrors({}); setServerError(null);
    requestId = crypto.randomUUID();
  };
  createEffect(on(() => props.open, (open) => {
    if (open) reset();
  }));

  /** 万元 text → fen, undefined when empty, NaN when not a number. */
  const wanToFen = (s: string): number | undefined => {
    const v = s.trim();
    if (v === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) && n >= 0 ? Math.round(n * 10_000 * 100) : Number.NaN;
  };

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const body = {
      id: requestId,
      name: name(),
      phone: phone(),
      ...(idNumber().trim() ? { idNumber: idNumber() } : {}),
      ...(intent() ? { intent: intent() } : {}),
      ...(demand() ? { demand: demand() } : {}),
      channel: channel(),
      ...(wanToFen(budgetMin()) !== undefined ? { budgetMin: wanToFen(budgetMin()) } : {}),
      ...(wanToFen(budgetMax()) !== undefined ? { budgetMax: wanToFen(budgetMax()) } : {}),
      ...(layouts().trim() ? { preferredLayouts: layouts().split(/[,，、;；]/).map((s) => s.trim()).filter(Boolean) } : {}),
      ...(coBuyers().length > 0
        ? {
            coBuyers: coBuyers().map((b) => ({
              name: b.name,
              ...(b.phone.trim() ? { phone: b.phone } : {}),
              ...(b.relation.trim() ? { relation: b.relation } : {}),
            })),
          }
        : {}),
    };
    // The same contract the server validates with.
    const parsed = createCustomerSchema.safeParse(body);
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? '');
        const key = FIELD_ERROR_KEYS[field];
        if (!next[field]) next[field] = key ? t(key) : issue.message;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    setServerError(null);
    setBusy(true);
    try {
      props.onCreated(await api.createCustomer(props.projectId, parsed.data));
    } catch (err) {
      const apiErr = toApiError(err);
      if (apiErr.code === 'DUPLICATE_CUSTOMER') setErrors({ phone: customerErrorText(apiErr) });
      else setServerError(customerErrorText(apiErr));
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (f: string) => errors()[f];
  /** The one phone rule, live: once 11 digits are typed a wrong number says so before submitting. */
  const phoneError = (): string | undefined =>
    fieldError('phone') ?? (phone().replace(/\D/g, '').length >= 11 && normalizePhone(phone()) === null ? t('customers.invalidPhone') : undefined);

  return (
    <BottomSheet open={props.open} onClose={() => !busy() && props.onClose()} title={t('customers.add')}>
      <form class="form cust-form" onSubmit={(e) => void submit(e)} novalidate>
        <label class="field">
          <span class="field__label">{t('customers.name')} *</span>
          <input class="input" value={name()} maxlength="50" autocomplete="off" aria-invalid={!!fieldError('name')} onInput={(e) => setName(e.currentTarget.value)} />
          <Show when={fieldError('name')}>{(m) => <span class="field__error">{m()}</span>}</Show>
        </label>
        <label class="field">
          <span class="field__label">{t('customers.phone')} *</span>
          <input class="input" type="tel" inputmode="tel" value={phone()} maxlength="20" autocomplete="off" placeholder="138 1234 5678" aria-invalid={!!phoneError()} onInput={(e) => setPhone(e.currentTarget.value)} />
          <Show when={phoneError()}>{(m) => <span class="field__error">{m()}</span>}</Show>
        </label>
        <label class="field">
          <span class="field__label">{t('customers.idNumber')}</span>
          <input class="input" value={idNumber()} maxlength="40" autocomplete="off" aria-invalid={!!fieldError('idNumber')} onInput={(e) => setIdNumber(e.currentTarget.value)} />
          <span class="field__hint">{t('customers.idNumberHint')}</span>
          <Show when={fieldError('idNumber')}>{(m) => <span class="field__error">{m()}</span>}</Show>
        </label>
        <div class="field">
          <span class="field__label">{t('customers.intent')}</span>
          <div class="segmented" role="radiogroup" aria-label={t('customers.intent')}>
            <For each={INTENT_CLASSES}>
              {(i) => (
                <button type="button" role="radio" aria-checked={intent() === i} onClick={() => setIntent(intent() === i ? '' : i)}>
                  {i}
                </button>
              )}
            </For>
          </div>
        </div>
        <div class="cust-form__row">
          <label class="field">
            <span class="field__label">{t('customers.demand')}</span>
            <select class="input" value={demand()} onChange={(e) => setDemand(e.currentTarget.value as (typeof DEMAND_TYPES)[number] | '')}>
              <option value="">{t('customers.unset')}</option>
              <For each={DEMAND_TYPES}>{(d) => <option value={d}>{tk(`demand.${d}`)}</option>}</For>
            </select>
          </label>
          <label class="field">
            <span class="field__label">{t('customers.channel')}</span>
            <select class="input" value={channel()} onChange={(e) => setChannel(e.currentTarget.value as (typeof SOURCE_CHANNELS)[number])}>
              <For each={SOURCE_CHANNELS}>{(c) => <option value={c}>{tk(`channel.${c}`)}</option>}</For>
            </select>
          </label>
        </div>
        <div class="cust-form__row">
          <label class="field">
            <span class="field__label">{t('customers.budgetMin')}</span>
            <input class="input" type="number" inputmode="decimal" min="0" step="1" value={budgetMin()} onInput={(e) => setBudgetMin(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span class="field__label">{t('customers.budgetMax')}</span>
            <input class="input" type="number" inputmode="decimal" min="0" step="1" value={budgetMax()} aria-invalid={!!fieldError('budgetMax')} onInput={(e) => setBudgetMax(e.currentTarget.value)} />
          </label>
        </div>
        <Show when={fieldError('budgetMax') ?? fieldError('budgetMin')}>{(m) => <span class="field__error">{m()}</span>}</Show>
        <label class="field">
          <span class="field__label">{t('customers.layouts')}</span>
          <input class="input" value={layouts()} placeholder={t('customers.layoutsPlaceholder')} onInput={(e) => setLayouts(e.currentTarget.value)} />
        </label>
        <div class="field">
          <span class="field__label">{t('customers.coBuyers')}</span>
          <For each={coBuyers()}>
            {(b, index) => (
              <div class="cust-cobuyer">
                <input class="input input--sm" placeholder={t('customers.coBuyerName')} value={b.name} onInput={(e) => {
                  const v = e.currentTarget.value;
                  setCoBuyers((list) => list.map((x, i) => (i === index() ? { ...x, name: v } : x)));
                }} />
                <input class="input input--sm" type="tel" placeholder={t('customers.coBuyerPhone')} value={b.phone} onInput={(e) => {
                  const v = e.currentTarget.value;
                  setCoBuyers((list) => list.map((x, i) => (i === index() ? { ...x, phone: v } : x)));
                }} />
                <input class="input input--sm" placeholder={t('customers.coBuyerRelation')} value={b.relation} onInput={(e) => {
                  const v = e.currentTarget.value;
                  setCoBuyers((list) => list.map((x, i) => (i === index() ? { ...x, relation: v } : x)));
                }} />
                <button type="button" class="icon-btn" aria-label={t('customers.remove')} onClick={() => setCoBuyers((list) => list.filter((_, i) => i !== index()))}>×</button>
              </div>
            )}
          </For>
          <Show when={fieldError('coBuyers')}>{(m) => <span class="field__error">{m()}</span>}</Show>
          <Show when={coBuyers().length < 5}>
            <button type="button" class="btn btn--ghost btn--sm cust-form__add" onClick={() => setCoBuyers((list) => [...list, { name: '', phone: '', relation: '' }])}>
              ＋ {t('customers.addCoBuyer')}
            </button>
          </Show>
        </div>
        <Show when={serverError()}>{(m) => <div class="alert alert--error" role="alert">{m()}</div>}</Show>
        <button type="submit" class="btn btn--primary btn--lg btn--block" disabled={busy()}>
          <Show when={busy()}>
            <Spinner size="sm" />
          </Show>
          {busy() ? t('customers.saving') : t('customers.save')}
        </button>
      </form>
    </BottomSheet>
  );
}
