/**
 * /account/password — choose a new password. Reached from /account, and forced after an
 * administrator reset the password: such a session may only do this (the server refuses the rest
 * with PASSWORD_CHANGE_REQUIRED; RequireAuth sends every screen here). The answer is a fresh session.
 */
import { Show, createSignal, type JSX } from 'solid-js';
import { Navigate, useNavigate, useSearchParams } from '@solidjs/router';
import { api, toApiError } from '../lib/api';
import { describeAccountError } from '../lib/account-errors';
import { t } from '../lib/i18n';
import { session, signIn } from '../stores/session';
import { showToast } from '../stores/toasts';
import { logoutEverywhere } from '../components/app-header';
import { LoginCard } from '../components/login-card';
import { ErrorAlert, SubmitButton } from '../components/ui';
import { NewPasswordFields, PasswordField, newPasswordError } from '../components/password-field';
import './login.css';
import './change-password.css';

/** Only same-site paths are followed afterwards (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' &&
    next.startsWith('/') &&
    !next.startsWith('//') &&
    !next.startsWith('/account/password')
    ? next
    : '/';
}

export default function ChangePasswordPage(): JSX.Element {
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const [current, setCurrent] = createSignal('');
  const [next, setNext] = createSignal('');
  const [repeat, setRepeat] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const required = (): boolean => session()?.passwordChangeRequired === true;

  const submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const s = session();
    if (busy() || !s) return;
    if (!current() || !next()) {
      setError(t('firstRun.missing'));
      return;
    }
    const problem = newPasswordError(next(), s.user.username, repeat());
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      signIn(await api.changePassword(current(), next()));
      showToast('success', t('changePassword.done'));
      navigate(safeNext(search.next), { replace: true });
    } catch (err) {
      setError(describeAccountError(err));
      if (toApiError(err).code === 'INVALID_CREDENTIALS') setCurrent('');
    } finally {
      setBusy(false);
    }
  };

  const signOutNow = async (): Promise<void> => {
    await logoutEverywhere();
    navigate('/login', { replace: true });
  };

  return (
    <Show when={session()} fallback={<Navigate href="/login" />}>
      {(s) => (
        <LoginCard
          class="change-password"
          brandSize={40}
          name={t('changePassword.title')}
          tagline={`${s().user.displayName} · ${s().user.username}`}
        >
          <Show when={required()} fallback={<p class="login__subtitle">{t('changePassword.hint')}</p>}>
            <div class="alert alert--info" role="status" data-testid="password-change-required">
              {t('changePassword.required')}
            </div>
          </Show>
          <form class="form" onSubmit={(e) => void submit(e)} novalidate>
            <ErrorAlert message={error()} />
            <input type="text" name="username" autocomplete="username" value={s().user.username} hidden readonly />
            <PasswordField
              label={required() ? t('changePassword.currentRequired') : t('changePassword.current')}
              name="current-password"
              autocomplete="current-password"
              value={current()}
              onInput={setCurrent}
              disabled={busy()}
            />
            <NewPasswordFields
              label={t('changePassword.new')}
              name="new-password"
              value={next()}
              onInput={setNext}
              repeat={repeat()}
              onRepeat={setRepeat}
              disabled={busy()}
            />
            <SubmitButton busy={busy()} label={t('changePassword.submit')} busyLabel={t('changePassword.saving')} />
            <Show when={required()}>
              <button type="button" class="btn btn--ghost btn--block" onClick={() => void signOutNow()}>
                {t('changePassword.signOut')}
              </button>
            </Show>
          </form>
        </LoginCard>
      )}
    </Show>
  );
}
