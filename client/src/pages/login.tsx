/** /login — phone-first sign-in. Errors are translated by code. */
import { Show, createSignal, onMount, type JSX } from 'solid-js';
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { api, toApiError, type ClientErrorCode } from '../lib/api';
import { errorText, t } from '../lib/i18n';
import { session, sessionEndReason, signIn } from '../stores/session';
import { LoginCard } from '../components/login-card';
import { SubmitButton } from '../components/ui';
import { PasswordField } from '../components/password-field';
import './login.css';

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login')
    ? next
    : '/';
}

export default function LoginPage(): JSX.Element {
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const [username, setUsername] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<ClientErrorCode | 'MISSING' | null>(null);
  /** Seconds this device must wait after too many failed sign-ins (RATE_LIMITED with retryAfterSeconds). */
  const [waitSeconds, setWaitSeconds] = createSignal<number | null>(null);
  let usernameInput: HTMLInputElement | undefined;
  /** An install without an administrator yet: the first-run page creates one. */
  const [firstRun, setFirstRun] = createSignal(false);
  onMount(() => {
    api.firstRunStatus().then(
      (status) => setFirstRun(status.needed),
      () => undefined,
    );
  });

  onMount(() => {
    if (session()) navigate(safeNext(search.next), { replace: true });
    else usernameInput?.focus();
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
      const res = await api.login(u, password());
      signIn(res);
      // A password an administrator reset: choose a new one first (the server answers nothing else).
      if (res.passwordChangeRequired)
        navigate(`/account/password?next=${encodeURIComponent(safeNext(search.next))}`, { replace: true });
      else navigate(safeNext(search.next), { replace: true });
    } catch (err) {
      const apiError = toApiError(err);
      const retry = (apiError.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      setWaitSeconds(apiError.code === 'RATE_LIMITED' && typeof retry === 'number' ? retry : null);
      setError(apiError.code);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <LoginCard brandSize={48}>
      <h1 class="login__title">{t('login.title')}</h1>
      <p class="login__subtitle">{t('login.subtitle')}</p>
      <Show when={firstRun()}>
        <A href="/setup/first-run" class="alert alert--info login__first-run" data-testid="first-run-link">
          {t('firstRun.link')}
        </A>
      </Show>
      <form class="form" onSubmit={(e) => void submit(e)} novalidate>
        <Show when={!error() && sessionEndReason()}>
          {(reason) => (
            <div class="alert alert--info" role="status" data-testid="session-ended">
              {t(`login.ended.${reason()}`)}
            </div>
          )}
        </Show>
        <Show when={error()}>
          {(code) => (
            <div class="alert alert--error" role="alert">
              {code() === 'MISSING'
                ? t('login.missing')
                : waitSeconds() !== null
                  ? t('login.wait', { n: waitSeconds() ?? 0 })
                  : errorText(code() as ClientErrorCode)}
            </div>
          )}
        </Show>
        <label class="field">
          <span class="field__label">{t('login.username')}</span>
          <input
            ref={usernameInput}
            class="input"
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            inputmode="text"
            placeholder={t('login.usernamePlaceholder')}
            value={username()}
            onInput={(e) => setUsername(e.currentTarget.value)}
            disabled={busy()}
            aria-invalid={error() === 'MISSING' && !username().trim()}
          />
        </label>
        <PasswordField
          label={t('login.password')}
          name="password"
          autocomplete="current-password"
          placeholder={t('login.passwordPlaceholder')}
          value={password()}
          onInput={setPassword}
          disabled={busy()}
          invalid={error() === 'INVALID_CREDENTIALS' || (error() === 'MISSING' && !password())}
        />
        <SubmitButton busy={busy()} label={t('login.submit')} busyLabel={t('login.submitting')} />
      </form>
      <p class="login__footer">{t('login.footer')}</p>
    </LoginCard>
  );
}
