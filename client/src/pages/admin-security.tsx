/**
 * /admin/security — administrators: failed sign-ins (who tried which account from where, and how long
 * that source must now wait) and the users, with "end sessions" and deactivate / activate.
 * Creating users and resetting passwords: /setup/users (pages/setup/users.tsx).
 */
import { For, Match, Show, Switch, createSignal, type JSX } from 'solid-js';
import type { FailedLoginInfo, UserAccountInfo, UserInfo } from '@kaipan/shared';
import { api } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { describeDevice, formatLocalDateTime } from '../lib/display';
import { describeError, locale, t } from '../lib/i18n';
import { isAdmin } from '../stores/session';
import { showToast } from '../stores/toasts';
import { AppHeader } from '../components/app-header';
import { ConfirmDialog, EmptyState, ErrorState, LoadingState, Spinner } from '../components/ui';
import { UserActiveButton } from '../components/user-active-button';
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
          <Users self={props.user} />
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

type UserAction = { kind: 'deactivate' | 'activate' | 'end'; user: UserAccountInfo };

function Users(props: { self: UserInfo }): JSX.Element {
  const users = createLoad(() => api.users());
  const { refetch } = users;
  const mutate = (change: (list: UserAccountInfo[] | undefined) => UserAccountInfo[] | undefined): void => {
    const next = change(users.value());
    if (next) users.mutate(next);
  };
  const [action, setAction] = createSignal<UserAction | null>(null);
  const [busy, setBusy] = createSignal(false);

  const run = async (): Promise<void> => {
    const a = action();
    if (!a) return;
    setBusy(true);
    try {
      if (a.kind === 'end') {
        const { ended } = await api.endUserSessions(a.user.id);
        showToast('success', t('admin.sessionsEnded', { n: ended }));
        mutate((list) => list?.map((u) => (u.id === a.user.id ? { ...u, sessions: 0 } : u)));
      } else {
        const updated =
          a.kind === 'deactivate' ? await api.deactivateUser(a.user.id) : await api.activateUser(a.user.id);
        showToast(
          'success',
          t(a.kind === 'deactivate' ? 'admin.deactivated' : 'admin.activated', { user: a.user.username }),
        );
        mutate((list) =>
          list?.map((u) =>
            u.id === updated.id
              ? { ...u, active: updated.active, sessions: a.kind === 'deactivate' ? 0 : u.sessions }
              : u,
          ),
        );
      }
      setAction(null);
    } catch (error) {
      showToast('error', describeError(error));
    } finally {
      setBusy(false);
    }
  };

  const dialog = (): { title: string; body: string; confirm: string; danger: boolean } => {
    const a = action();
    const user = a?.user.username ?? '';
    if (a?.kind === 'deactivate')
      return {
        title: t('admin.deactivateTitle', { user }),
        body: t('admin.deactivateBody', { user }),
        confirm: t('admin.deactivate'),
        danger: true,
      };
    if (a?.kind === 'activate')
      return { title: t('admin.activate'), body: user, confirm: t('admin.activate'), danger: false };
    return {
      title: t('admin.endTitle', { user }),
      body: t('admin.endBody', { user }),
      confirm: t('admin.endSessions'),
      danger: true,
    };
  };

  return (
    <section class="panel admin__section" data-testid="users">
      <div class="panel__head">
        <h2 class="panel__title">{t('admin.usersTitle')}</h2>
        <button type="button" class="btn btn--secondary btn--sm" onClick={() => void refetch()}>
          {t('admin.refresh')}
        </button>
      </div>
      <p class="admin__hint">{t('admin.usersHint')}</p>
      <Switch>
        <Match when={users.error()}>
          <ErrorState
            title={t('grid.errorTitle')}
            message={describeError(users.error())}
            onRetry={() => void refetch()}
          />
        </Match>
        <Match when={users.loading() && !users.value()}>
          <LoadingState />
        </Match>
        <Match when={users.value()}>
          {(list) => (
            <div class="table-wrap">
              <table class="table admin-table admin-table--users">
                <thead>
                  <tr>
                    <th>{t('admin.col.user')}</th>
                    <th>{t('admin.col.name')}</th>
                    <th>{t('admin.col.role')}</th>
                    <th>{t('admin.col.status')}</th>
                    <th class="num">{t('admin.col.sessions')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>
                    {(u) => (
                      <tr
                        data-testid="user-row"
                        data-username={u.username}
                        classList={{ 'admin-table__row--inactive': !u.active }}
                      >
                        <td class="admin-table__user">
                          {u.username}
                          <Show when={u.id === props.self.id}>
                            {' '}
                            <span class="admin-table__you">{t('admin.you')}</span>
                          </Show>
                        </td>
                        <td class="admin-table__name">{u.displayName}</td>
                        <td class="admin-table__role">{u.admin ? t('role.ADMIN') : t('role.STAFF')}</td>
                        <td class="admin-table__status">
                          <span class="pill" classList={{ 'pill--ok': u.active, 'pill--warn': !u.active }}>
                            {u.active ? t('admin.active') : t('admin.inactive')}
                          </span>
                        </td>
                        <td class="num admin-table__sessions" data-label={t('admin.col.sessions')}>
                          {u.sessions}
                        </td>
                        <td class="admin-table__actions">
                          <button
                            type="button"
                            class="btn btn--secondary btn--sm"
                            disabled={u.sessions === 0}
                            onClick={() => setAction({ kind: 'end', user: u })}
                          >
                            {t('admin.endSessions')}
                          </button>
                          <UserActiveButton
                            user={u}
                            selfId={props.self.id}
                            onChoose={(kind) => setAction({ kind, user: u })}
                          />
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          )}
        </Match>
      </Switch>
      <ConfirmDialog
        open={action() !== null}
        title={dialog().title}
        body={dialog().body}
        confirmLabel={dialog().confirm}
        danger={dialog().danger}
        busy={busy()}
        onConfirm={() => void run()}
        onCancel={() => setAction(null)}
      />
    </section>
  );
}
