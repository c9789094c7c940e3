/** /account — the devices signed in to my account; sign one out ("sign out this phone"). */
import { For, Match, Show, Switch, createSignal, type JSX } from 'solid-js';
import { A, useNavigate } from '@solidjs/router';
import type { SessionInfo, UserInfo } from '@kaipan/shared';
import { api } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { describeDevice, formatLocalDateTime } from '../lib/display';
import { describeError, locale, t } from '../lib/i18n';
import { isAdmin } from '../stores/session';
import { showToast } from '../stores/toasts';
import { AppHeader, logoutEverywhere } from '../components/app-header';
import { ConfirmDialog, ErrorState, LoadingState } from '../components/ui';
import './account.css';

const formatWhen = (iso: string): string => formatLocalDateTime(iso, locale());

export default function AccountPage(props: { user: UserInfo }): JSX.Element {
  const navigate = useNavigate();
  const sessions = createLoad(() => api.mySessions());
  const refetch = sessions.refetch;
  const [ending, setEnding] = createSignal<SessionInfo | null>(null);
  const [busy, setBusy] = createSignal(false);

  const label = (s: SessionInfo): string => describeDevice(s.device) ?? t('account.unknownDevice');
  const endingLabel = (): string => {
    const target = ending();
    return target ? label(target) : '';
  };

  const end = async (): Promise<void> => {
    const target = ending();
    if (!target) return;
    setBusy(true);
    try {
      if (target.current) {
        await logoutEverywhere();
        navigate('/login', { replace: true });
        return;
      }
      await api.endMySession(target.id);
      showToast('success', t('account.ended', { device: label(target) }));
      setEnding(null);
      void refetch();
    } catch (error) {
      showToast('error', describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page">
      <AppHeader title={t('account.title')} subtitle={props.user.displayName} backHref="/" />
      <main class="page__main page__main--narrow account">
        <p class="account__hint">{t('account.hint')}</p>
        <Switch>
          <Match when={sessions.error()}>
            <ErrorState
              title={t('grid.errorTitle')}
              message={describeError(sessions.error())}
              onRetry={() => void refetch()}
            />
          </Match>
          <Match when={sessions.loading() && !sessions.value()}>
            <LoadingState />
          </Match>
          <Match when={sessions.value()}>
            {(list) => (
              <ul class="session-list" data-testid="sessions">
                <For each={list()}>
                  {(s) => (
                    <li class="session-card" classList={{ 'session-card--current': s.current }} data-testid="session">
                      <div class="session-card__main">
                        <div class="session-card__device" title={s.device ?? ''}>
                          {label(s)}
                          <Show when={s.current}>
                            <span class="pill pill--ok">{t('account.current')}</span>
                          </Show>
                        </div>
                        <div class="session-card__meta">
                          <span>{t('account.lastUsed', { time: formatWhen(s.lastUsedAt) })}</span>
                          <span>{t('account.signedIn', { time: formatWhen(s.createdAt) })}</span>
                          <Show when={s.address}>{(a) => <span>{t('account.address', { address: a() })}</span>}</Show>
                        </div>
                      </div>
                      <button type="button" class="btn btn--secondary btn--sm" onClick={() => setEnding(s)}>
                        {s.current ? t('account.endCurrent') : t('account.end')}
                      </button>
                    </li>
                  )}
                </For>
              </ul>
            )}
          </Match>
        </Switch>
        <Show when={sessions.value()?.length === 1}>
          <p class="account__empty">{t('account.empty')}</p>
        </Show>
        <A href="/account/password" class="btn btn--secondary account__admin" data-testid="change-password-link">
          {t('changePassword.link')}
        </A>
        <Show when={isAdmin(props.user)}>
          <A href="/setup/users" class="btn btn--secondary account__admin">
            {t('users.link')}
          </A>
          <A href="/admin/security" class="btn btn--secondary account__admin">
            {t('account.admin')}
          </A>
        </Show>
      </main>
      <ConfirmDialog
        open={ending() !== null}
        title={ending()?.current ? t('account.endCurrent') : t('account.endTitle')}
        body={t('account.endBody', { device: endingLabel() })}
        confirmLabel={ending()?.current ? t('account.endCurrent') : t('account.end')}
        danger
        busy={busy()}
        onConfirm={() => void end()}
        onCancel={() => setEnding(null)}
      />
    </div>
  );
}
