/**
 * The header of signed-in screens: brand / back link, title, status slot, the screen's links,
 * actions, language, sign-out. The links stay inline while the title fits whole; when they would
 * crowd it (a narrow window, a longer language) they fold into one menu button.
 */
import { For, Show, createEffect, createSignal, on, onCleanup, onMount, type JSX } from 'solid-js';
import { A, useNavigate, useParams } from '@solidjs/router';
import { api } from '../lib/api';
import { locale, t, toggleLocale } from '../lib/i18n';
import { disconnectHub } from '../lib/socket';
import { session, signOut } from '../stores/session';
import { rehearsalMarkOf } from '../stores/project-roles';
import { RehearsalBand } from '@kaipan/web/components/rehearsal-band';
import { LanguageSwitch } from './ui';
import { BrandMark as SharedBrandMark } from '@kaipan/web/components/icons';
import './app-header.css';

/** Where the header is a phone's (as the `max-width: 560px` rules of styles.css and app-header.css). */
const PHONE = '(max-width: 560px)';

/** A link of a screen's own navigation in the header (e.g. the manager's customers, deals, setup). */
export interface HeaderLink {
  href: string;
  label: string;
}

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
  /** The screen's navigation: inline while the title fits, else behind a menu button. */
  links?: readonly HeaderLink[];
  actions?: JSX.Element;
}): JSX.Element {
  const navigate = useNavigate();
  const [folded, setFolded] = createSignal(false);
  const [menuOpen, setMenuOpen] = createSignal(false);
  let lead!: HTMLDivElement;
  let titles!: HTMLDivElement;
  let title!: HTMLHeadingElement;
  let nav: HTMLElement | undefined;
  let menuButton: HTMLButtonElement | undefined;
  /** The inline links' width when they were last shown: unfold only when that much room is free. */
  let inlineWidth = 0;
  const refit = (): void => {
    if (!props.links?.length) return;
    // A phone's title wraps to two lines (styles.css) rather than being cut: the links always fold there.
    if (window.matchMedia(PHONE).matches) {
      if (!folded()) setFolded(true);
      return;
    }
    if (!folded()) {
      if (title.scrollWidth > title.clientWidth + 1) {
        inlineWidth = nav?.offsetWidth ?? 0;
        setFolded(true);
      }
      return;
    }
    const spare = lead.getBoundingClientRect().right - titles.getBoundingClientRect().right;
    const cut = title.scrollWidth > title.clientWidth + 1;
    if (!cut && spare > inlineWidth - (menuButton?.offsetWidth ?? 0) + 24) {
      setMenuOpen(false);
      setFolded(false);
    }
  };
  onMount(() => {
    const observer = new ResizeObserver(() => refit());
    observer.observe(lead);
    observer.observe(titles);
    // A title that arrives later (the project's name) may not resize a box already at its limit.
    const changes = new MutationObserver(() => refit());
    changes.observe(title, { childList: true, characterData: true, subtree: true });
    onCleanup(() => {
      observer.disconnect();
      changes.disconnect();
    });
  });
  // Another language changes every width: measure again once it is drawn.
  createEffect(on(locale, () => requestAnimationFrame(refit), { defer: true }));
  const closeOutside = (event: Event): void => {
    if (!menuButton?.parentElement?.contains(event.target as Node)) setMenuOpen(false);
  };
  createEffect(() => {
    if (!menuOpen()) return;
    document.addEventListener('pointerdown', closeOutside);
    onCleanup(() => document.removeEventListener('pointerdown', closeOutside));
  });
  const onLogout = async (): Promise<void> => {
    await logoutEverywhere();
    navigate('/login', { replace: true });
  };
  // Every screen of a project (its id in the route) says so when the project is a rehearsal 演练.
  const params = useParams<{ projectId?: string }>();
  const mark = () => (params.projectId ? rehearsalMarkOf(session()?.user, params.projectId) : undefined);
  return (
    <>
      <RehearsalBand project={mark()} locale={locale()} />
      <header class="app-header">
        <div class="app-header__lead" ref={lead}>
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
          <div class="app-header__titles" ref={titles}>
            <h1 class="app-header__title" ref={title}>
              {props.title}
            </h1>
            <Show when={props.subtitle}>
              {/* Who is signed in is what a phone leaves out first: the title takes the room (styles.css). */}
              <div
                class="app-header__subtitle"
                classList={{ 'app-header__subtitle--user': props.subtitle === session()?.user.displayName }}
              >
                {props.subtitle}
              </div>
            </Show>
          </div>
        </div>
        <div class="app-header__trail">
          {props.status}
          <Show when={props.links?.length}>
            <Show
              when={folded()}
              fallback={
                <nav class="app-header__nav" ref={nav}>
                  <For each={props.links}>
                    {(link) => (
                      <A href={link.href} class="btn btn--ghost btn--sm">
                        {link.label}
                      </A>
                    )}
                  </For>
                </nav>
              }
            >
              <div
                class="app-header__menu"
                onKeyDown={(e) => {
                  if (e.key === 'Escape' && menuOpen()) {
                    setMenuOpen(false);
                    menuButton?.focus();
                  }
                }}
              >
                <button
                  type="button"
                  ref={menuButton}
                  class="btn btn--ghost btn--sm app-header__menu-button"
                  aria-expanded={menuOpen()}
                  aria-haspopup="true"
                  aria-label={t('common.menu')}
                  onClick={() => setMenuOpen(!menuOpen())}
                >
                  <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                    <path d="M4 7h16M4 12h16M4 17h16" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                  </svg>
                  <span class="app-header__menu-label">{t('common.menu')}</span>
                </button>
                <Show when={menuOpen()}>
                  <nav class="app-header__menu-list">
                    <For each={props.links}>
                      {(link) => (
                        <A href={link.href} class="app-header__menu-item" onClick={() => setMenuOpen(false)}>
                          {link.label}
                        </A>
                      )}
                    </For>
                    {/* On a phone the language, devices and sign-out buttons move in here: the title keeps the room. */}
                    <div class="app-header__menu-phone">
                      <button type="button" class="app-header__menu-item" onClick={() => toggleLocale()}>
                        {t('common.switchLanguage')}
                      </button>
                      <Show when={session()}>
                        <A href="/account" class="app-header__menu-item" onClick={() => setMenuOpen(false)}>
                          {t('account.link')}
                        </A>
                        <button type="button" class="app-header__menu-item" onClick={() => void onLogout()}>
                          {t('common.logout')}
                        </button>
                      </Show>
                    </div>
                  </nav>
                </Show>
              </div>
            </Show>
          </Show>
          {props.actions}
          <LanguageSwitch class={folded() ? 'app-header__lang app-header__folds' : 'app-header__lang'} />
          <Show when={session()}>
            {/* On a phone, pages with their own actions leave no room: the project list (the back arrow) has it. (`in`: reading props.actions would build that JSX twice.) */}
            <A
              href="/account"
              class="icon-btn app-header__account"
              classList={{ 'hide-phone': 'actions' in props, 'app-header__folds': folded() }}
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
                classList={{ 'app-header__folds': folded() }}
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
    </>
  );
}
