/**
 * Cashier sign-in: username and password. Someone who is a cashier (or manager) of no project is
 * turned away after the project list is read (`refused`).
 */
import { Show, createSignal, onMount, type JSX } from 'solid-js';
import { toApiError, type ClientErrorCode } from '../lib/api';
import { login } from '../lib/cashier-api';
import { ct, errorMessage } from '../lib/cashier-i18n';
import { signIn, signOut } from '../lib/cashier-session';
import { BrandMark } from '../components/ui';
import { LangSwitch, OfflineBar, Spinner } from '../components/cashier-ui';

export default function CashierLogin(props: { refused?: boolean }): JSX.Element {
  const [username, setUsername] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<ClientErrorCode | 'MISSING' | 'ROLE' | null>(props.refused ? 'ROLE' : null);
  let usernameInput: HTMLInputElement | undefined;

  onMount(() => {
    // A signed-in account of another role (a consultant) is not kept.
    if (props.refused) signOut();
    usernameInput?.focus();
  });

  const submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    if (busy()) return;
    const u = username().trim();
    if (!u || !password()) {
      setError('MISSING');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // Whether they take money, and where, is their role per project: the desk reads it next.
      signIn(await login(u, password()));
    } catch (err) {
      setError(toApiError(err).code);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const message = (): string | null => {
    const e = error();
    if (e === null) return null;
    if (e === 'MISSING') return ct('login.missing');
    if (e === 'ROLE') return ct('login.role');
    if (e === 'INVALID_CREDENTIALS' || e === 'UNAUTHENTICATED') return ct('login.invalid');
    return errorMessage(e);
  };

  return (
    <div class="c-page c-login-page">
      <OfflineBar />
      <div class="c-login-page__top">
        <LangSwitch />
      </div>
      <main class="c-login">
        <div class="c-login__brand">
          <BrandMark size={48} />
          <div>
            <div class="c-login__name">{ct('app.brand')}</div>
            <div class="c-login__tag">{ct('app.title')}</div>
          </div>
        </div>
        <h1 class="c-login__title">{ct('login.title')}</h1>
        <p class="c-login__sub">{ct('login.subtitle')}</p>
        <form class="c-form" onSubmit={(e) => void submit(e)} novalidate>
          <Show when={message()}>
            <div class="c-alert c-alert--error" role="alert" data-testid="login-error">
              {message()}
            </div>
          </Show>
          <label class="c-field">
            <span class="c-field__label">{ct('login.username')}</span>
            <input
              ref={usernameInput}
              class="c-input"
              name="username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              value={username()}
              onInput={(e) => setUsername(e.currentTarget.value)}
              disabled={busy()}
            />
          </label>
          <label class="c-field">
            <span class="c-field__label">{ct('login.password')}</span>
            <input
              class="c-input"
              name="password"
              type="password"
              autocomplete="current-password"
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
              disabled={busy()}
            />
          </label>
          <button type="submit" class="c-btn c-btn--primary c-btn--block c-btn--lg" disabled={busy()}>
            <Show when={busy()}>
              <Spinner light />
            </Show>
            {busy() ? ct('login.submitting') : ct('login.submit')}
          </button>
        </form>
        <p class="c-login__foot">{ct('login.footer')}</p>
      </main>
    </div>
  );
}
