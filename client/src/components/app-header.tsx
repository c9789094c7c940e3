/** The header of signed-in screens: brand / back link, title, status slot, language, sign-out. */
import { Show, type JSX } from 'solid-js';
import { A, useNavigate } from '@solidjs/router';
import { api } from '../lib/api';
import { t } from '../lib/i18n';
import { disconnectHub } from '../lib/socket';
import { session, signOut } from '../stores/session';
import { LanguageSwitch } from './ui';
import { BrandMark as SharedBrandMark } from '@kaipan/web/components/icons';

/** The brand mark at the header's size (28 px) unless told. */
export function BrandMark(props: { size?: number }): JSX.Element {
  return <SharedBrandMark size={props.size ?? 28} />;
}

export async function logoutEverywhere(): Promise<void> {
  try {
    await api.logout();
  } catch {
    // the local sign-out below is what matters; the server token expires by itself
  }
  disconnectHub();
  signOut();
}

export function AppHeader(props: {
  title: JSX.Element;
  subtitle?: JSX.Element;
  /** Where the back arrow goes; the brand mark links home when absent. */
  backHref?: string;
  status?: JSX.Element;
  actions?: JSX.Element;
}): JSX.Element {
  const navigate = useNavigate();
  const onLogout = async (): Promise<void> => {
    await logoutEverywhere();
    navigate('/login', { replace: true });
  };
  return (
    <header class="app-header">
      <div class="app-header__lead">
        <Show
          when={props.backHref}
          fallback={
            <A href="/" class="app-header__brand" aria-label={t('app.name')}>
              <BrandMark />
            </A>
          }
        >
          {(href) => (
            <A href={href()} class="icon-btn app-header__back" aria-label={t('common.back')}>
              <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                <path
                  d="M15 5l-7 7 7 7"
                  fill="none"
                  stroke="currentColor"
                  stroke-width="2.2"
                  stroke-linecap="round"
                  stroke-linejoin="round"
                />
              </svg>
            </A>
          )}
        </Show>
        <div class="app-header__titles">
          <h1 class="app-header__title">{props.title}</h1>
          <Show when={props.subtitle}>
            <div class="app-header__subtitle">{props.subtitle}</div>
          </Show>
        </div>
      </div>
      <div class="app-header__trail">
        {props.status}
        {props.actions}
        <LanguageSwitch class="app-header__lang" />
        <Show when={session()}>
          {/* On a phone, pages with their own actions leave no room: the project list (the back arrow) has it. (`in`: reading props.actions would build that JSX twice.) */}
          <A
            href="/account"
            class="icon-btn app-header__account"
            classList={{ 'hide-phone': 'actions' in props }}
            title={t('account.link')}
            aria-label={t('account.link')}
          >
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
              <rect x="7" y="3" width="10" height="18" rx="2" fill="none" stroke="currentColor" stroke-width="2" />
              <path d="M11 18h2" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
          </A>
        </Show>
        <Show when={session()}>
          {(s) => (
            <button
              type="button"
              class="icon-btn app-header__logout"
              onClick={() => void onLogout()}
              title={`${s().user.displayName} · ${t('common.logout')}`}
              aria-label={t('common.logout')}
            >
              <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                <path
                  d="M10 5H6a1 1 0 0 0-1 1v12a1 1 0 0 0 1 1h4M15 8l4 4-4 4M19 12H9"
                  fill="none"
                  stroke="currentColor"
                  stroke-width="2"
                  stroke-linecap="round"
                  stroke-linejoin="round"
                />
              </svg>
            </button>
          )}
        </Show>
      </div>
    </header>
  );
}
