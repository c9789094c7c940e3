/**
 * /setup/first-run — the first administrator of an empty install (no login yet): the one-time setup
 * code the server printed at start, a username, a name and a password. Then signs in and opens the
 * users screen. Once an administrator exists the page says so and leads to sign-in.
 */
import { Match, Switch, createSignal, type JSX } from 'solid-js';
import { A, useNavigate } from '@solidjs/router';
import { usernameSchema } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api, toApiError } from '../lib/api';
import { describeAccountError } from '../lib/account-errors';
import { describeError, t } from '../lib/i18n';
import { signIn } from '../stores/session';
import { LoginCard } from '../components/login-card';
import { AccountNameFields } from '../components/account-fields';
import { ErrorAlert, ErrorState, LoadingState, SubmitButton } from '../components/ui';
import { NewPasswordFields, newPasswordError } from '../components/password-field';
import './login.css';
import './first-run.css';

export default function FirstRunPage(): JSX.Element {
  const navigate = useNavigate();
  const status = createLoad(() => api.firstRunStatus());
  const [code, setCode] = createSignal('');
  const [username, setUsername] = createSignal('');
  const [displayName, setDisplayName] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [repeat, setRepeat] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal(false);

  const submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    if (busy()) return;
    const name = username().trim();
    if (!code().trim() || !name || !displayName().trim() || !password()) {
      setError(t('firstRun.missing'));
      return;
    }
    if (!usernameSchema.safeParse(name).success) {
      setError(t('username.rule'));
      return;
    }
    const problem = newPasswordError(password(), name, repeat());
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.firstRun({
        code: code().trim(),
        username: name,
        displayName: displayName().trim(),
        password: password(),
      });
      signIn(await api.login(name, password()));
      navigate('/setup/users', { replace: true });
    } catch (err) {
      const apiError = toApiError(err);
      const retry = (apiError.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (apiError.code === 'ALREADY_SET_UP') setDone(true);
      setError(
        apiError.code === 'RATE_LIMITED' && typeof retry === 'number'
          ? t('firstRun.wait', { n: retry })
          : describeAccountError(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <LoginCard class="first-run" brandSize={40}>
      <Switch>
        <Match when={status.error()}>
          <ErrorState
            title={t('grid.errorTitle')}
            message={describeError(status.error())}
            onRetry={() => void status.refetch()}
          />
        </Match>
        <Match when={!status.value()}>
          <LoadingState />
        </Match>
        <Match when={done() || status.value()?.needed === false}>
          <div data-testid="first-run-done">
            <h1 class="login__title">{t('firstRun.done')}</h1>
            <p class="login__subtitle">{t('firstRun.doneHint')}</p>
            <A href="/login" class="btn btn--primary btn--block btn--lg">
              {t('firstRun.toLogin')}
            </A>
          </div>
        </Match>
        <Match when={status.value()?.needed}>
          <h1 class="login__title">{t('firstRun.title')}</h1>
          <p class="login__subtitle">{t('firstRun.intro')}</p>
          <form class="form" onSubmit={(e) => void submit(e)} novalidate data-testid="first-run-form">
            <ErrorAlert message={error()} />
            <label class="field">
              <span class="field__label">{t('firstRun.code')}</span>
              <input
                class="input first-run__code"
                name="setup-code"
                autocomplete="one-time-code"
                autocapitalize="characters"
                spellcheck={false}
                placeholder="XXXXX-XXXXX"
                value={code()}
                onInput={(e) => setCode(e.currentTarget.value)}
                disabled={busy()}
              />
              <span class="field__hint">{t('firstRun.codeHint')}</span>
            </label>
            <AccountNameFields
              usernameLabel={t('firstRun.username')}
              username={username()}
              onUsername={setUsername}
              displayNameLabel={t('firstRun.displayName')}
              displayName={displayName()}
              onDisplayName={setDisplayName}
              autocomplete="own"
              disabled={busy()}
            />
            <NewPasswordFields
              label={t('firstRun.password')}
              name="password"
              value={password()}
              onInput={setPassword}
              repeat={repeat()}
              onRepeat={setRepeat}
              disabled={busy()}
            />
            <SubmitButton busy={busy()} label={t('firstRun.submit')} busyLabel={t('firstRun.submitting')} />
          </form>
        </Match>
      </Switch>
    </LoginCard>
  );
}
