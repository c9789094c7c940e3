/**
 * /admin/security — administrators: failed sign-ins (who tried which account from where, and how long
 * that source must now wait), and the way to the accounts: /setup/users (pages/setup/users.tsx) is
 * the one table of users (create, reset passwords, end sessions, deactivate / activate).
 */
import { For, Match, Show, Switch, createSignal, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import type { FailedLoginInfo, UserInfo } from '@kaipan/shared';
import { api } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { describeDevice, formatLocalDateTime } from '../lib/display';
import { describeError, locale, t } from '../lib/i18n';
import { isAdmin } from '../stores/session';
import { showToast } from '../stores/toasts';
import { AppHeader } from '../components/app-header';
import { EmptyState, ErrorState, LoadingState, Spinner } from '../components/ui';
import './admin-security.css';

const PAGE = 50;
const formatWhen = (iso: string): string => formatLocalDateTime(iso, locale());

export default function AdminSecurityPage(props: { user: UserInfo }): JSX.Element {
  return (
    <div class="page page--admin">
      <AppHeader title={t('admin.title')} subtitle={props.user.displayName} backHref="/account" />
      <main class="page__main admin">
        <Show when={isAdmin(props.user)} fallback={<EmptyState title={t('admin.forbidden')} />}>
          <FailedSignIns />
          {/* The accounts themselves (sessions, deactivate, reset) are ONE table: /setup/users. */}
          <A href="/setup/users" class="panel admin__accounts" data-testid="admin-accounts">
            <span class="admin__accounts-title">{t('admin.accounts')}</span>
            <span class="admin__hint">{t('admin.accountsHint')}</span>
          </A>
        </Show>
      </main>
    </div>
  );
}

function waitText(seconds: number): string {
  if (seconds <= 0) return t('admin.noWait');
  return seconds < 120
    ? t('admin.waitSeconds', { n: seconds })
    : t('admin.waitMinutes', { n: Math.round(seconds / 60) });
}

function FailedSignIns(): JSX.Element {
  const [filter, setFilter] = createSignal('');
  const [username, setUsername] = createSignal<string | undefined>(undefined);
  // The source is an object: a load is not made for a falsy source (no filter).
  const page = createLoad(
    () => ({ u: username() }),
    ({ u }) => api.failedLogins({ limit: PAGE, ...(u ? { username: u } : {}) }),
  );
  const refetch = page.refetch;
  const [older, setOlder] = createSignal<FailedLoginInfo[]>([]);
  const [next, setNext] = createSignal<string | null | undefined>(undefined);
  const [loadingMore, setLoadingMore] = createSignal(false);

  const items = (): FailedLoginInfo[] => [...(page.value()?.items ?? []), ...older()];
  const cursor = (): string | null => (next() === undefined ? (page.value()?.next ?? null) : (next() ?? null));

  const apply = (value: string | undefined): void => {
    setOlder([]);
    setNext(undefined);
    if (value === username()) void refetch();
    else setUsername(value);
  };

  const more = async (): Promise<void> => {
    const before = cursor();
    if (!before) return;
    setLoadingMore(true);
    try {
      const got = await api.failedLogins({ limit: PAGE, before, ...(username() ? { username: username() } : {}) });
      setOlder((list) => [...list, ...got.items]);
      setNext(got.next);
    } catch (error) {
      showToast('error', describeError(error));
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <section class="panel admin__section" data-testid="failed-logins">
      <div class="panel__head">
        <h2 class="panel__title">{t('admin.failedTitle')}</h2>
        <button type="button" class="btn btn--secondary btn--sm" onClick={() => apply(username())}>
          {t('admin.refresh')}
        </button>
      </div>
      <p class="admin__hint">{t('admin.failedHint')}</p>
      <form
        class="admin__filter"
        onSubmit={(e) => {
          e.preventDefault();
          apply(filter().trim() || undefined);
        }}
      >
        <input
          class="input"
          placeholder={t('admin.filterUser')}
          aria-label={t('admin.filterUser')}
          value={filter()}
          onInput={(e) => setFilter(e.currentTarget.value)}
          maxLength={64}
          autocapitalize="none"
          spellcheck={false}
        />
        <button type="submit" class="btn btn--secondary btn--sm">
          {t('admin.filter')}
        </button>
        <Show when={username()}>
          <button
            type="button"
            class="btn btn--ghost btn--sm"
            onClick={() => {
              setFilter('');
              apply(undefined);
            }}
          >
            {t('admin.clear')}
          </button>
        </Show>
      </form>
      <Switch>
        <Match when={page.error()}>
          <ErrorState
            title={t('grid.errorTitle')}
            message={describeError(page.error())}
            onRetry={() => void refetch()}
          />
        </Match>
        <Match when={page.loading() && !page.value()}>
          <LoadingState />
        </Match>
        <Match when={items().length === 0}>
          <p class="panel__empty">{t('admin.noFailures')}</p>
        </Match>
        <Match when={items().length > 0}>
          <div class="table-wrap">
            <table class="table admin-table admin-table--failed">
              <thead>
                <tr>
                  <th>{t('admin.col.time')}</th>
                  <th>{t('admin.col.user')}</th>
                  <th>{t('admin.col.address')}</th>
                  <th>{t('admin.col.device')}</th>
                  <th>{t('admin.col.trusted')}</th>
                  <th class="num">{t('admin.col.failures')}</th>
                  <th class="num">{t('admin.col.wait')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={items()}>
                  {(f) => (
                    <tr data-testid="failed-login">
                      <td class="admin-table__time" data-label={t('admin.col.time')}>
                        {formatWhen(f.at)}
                      </td>
                      <td class="admin-table__user" data-label={t('admin.col.user')}>
                        {f.username}
                      </td>
                      <td class="admin-table__address" data-label={t('admin.col.address')}>
                        {f.address}
                      </td>
                      <td class="admin-table__device" data-label={t('admin.col.device')} title={f.device ?? ''}>
                        {describeDevice(f.device) ?? '—'}
                      </td>
                      <td data-label={t('admin.col.trusted')}>{f.trustedDevice ? t('admin.yes') : t('admin.no')}</td>
                      <td class="num" data-label={t('admin.col.failures')}>
                        {f.failures}
                      </td>
                      <td
                        class="num"
                        classList={{ 'admin-table__wait--on': f.waitSeconds > 0 }}
                        data-label={t('admin.col.wait')}
                      >
                        {waitText(f.waitSeconds)}
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
          <Show when={cursor()}>
            <button
              type="button"
              class="btn btn--secondary admin__more"
              disabled={loadingMore()}
              onClick={() => void more()}
            >
              <Show when={loadingMore()}>
                <Spinner size="sm" />
              </Show>
              {t('admin.more')}
            </button>
          </Show>
        </Match>
      </Switch>
    </section>
  );
}
