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
  DEFAULT_IDLE_DAYS,
  type CustomerInfo,
  type CustomerPage,
  type CustomerStatus,
  type UserInfo,
} from '@kaipan/shared';
import { api } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { describeError, locale, t } from '../lib/i18n';
import { createCatalog } from '../stores/catalog';
import { isManager, isSeller } from '../stores/project-roles';
import { showToast } from '../stores/toasts';
import { AppHeader } from '../components/app-header';
import { CustomerBadge } from '../components/customer-badge';
import { EmptyState, ErrorState, LoadingState, Spinner } from '../components/ui';
import { idleDaysOf, activityText, PAGE_SIZE, type CustomerVariant } from '../lib/customers-display';
import { ManagerTable } from '../components/customers-table';
import { CustomerSheet } from '../components/customer-sheet';
import { CustomerForm } from '../components/customer-form';
import './customers.css';

export default function CustomersPage(props: {
  projectId: string;
  user: UserInfo;
  token: string;
  variant: CustomerVariant;
}): JSX.Element {
  const variant = (): CustomerVariant =>
    props.variant === 'manager' && isManager(props.user, props.projectId) ? 'manager' : 'consultant';
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
  createEffect(
    on(search, (q) => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => setDebounced(q.trim()), 250);
    }),
  );
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

  const emptyTitle = (): string =>
    debounced() ? t('customers.noMatch') : scope() === 'pool' ? t('customers.emptyPool') : t('customers.empty');
  const emptyHint = (): string =>
    debounced()
      ? t('customers.noMatchHint')
      : scope() === 'pool'
        ? t('customers.emptyPoolHint')
        : t('customers.emptyHint');

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
          <Show when={isSeller(props.user, props.projectId)}>
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
                            <span
                              class="cust-card__activity"
                              classList={{
                                'cust-card__activity--idle': idleDaysOf(c.lastActivityAt) >= DEFAULT_IDLE_DAYS,
                              }}
                            >
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
        projectId={props.projectId}
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
