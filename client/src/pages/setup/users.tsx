/**
 * /setup/users — administrators: the accounts, the install's ONE users table (/admin/security links
 * here). List (name, username, active, last sign-in, open sessions), create, end a user's sessions,
 * deactivate / activate, reset a password (made up and shown once, or typed by the administrator;
 * the user must choose a new one at the next sign-in). Project roles and teams are assigned on this
 * screen too: their column is `RolesCell` below (issue 14, the roles engineer fills it in).
 */
import { For, Match, Show, Switch, createSignal, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import { A } from '@solidjs/router';
import { usernameSchema, type UserAccountInfo, type UserInfo, ROLE_LABELS } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../../lib/api';
import { describeAccountError } from '../../lib/account-errors';
import { formatLocalDateTime } from '../../lib/display';
import { describeError, locale, t, type MessageKey, label } from '../../lib/i18n';
import { isAdmin } from '../../stores/session';
import { showToast } from '../../stores/toasts';
import { AppHeader } from '../../components/app-header';
import { ConfirmDialog, EmptyState, ErrorState, LoadingState, Spinner } from '../../components/ui';
import { PasswordField, newPasswordError } from '../../components/password-field';
import { UserActiveButton } from '../../components/user-active-button';
import { AccountNameFields } from '../../components/account-fields';
import './users.css';

export default function UsersPage(props: { user: UserInfo }): JSX.Element {
  return (
    <div class="page page--users">
      <AppHeader title={t('users.title')} subtitle={props.user.displayName} backHref="/setup" />
      <main class="page__main users">
        <Show when={isAdmin(props.user)} fallback={<EmptyState title={t('admin.forbidden')} />}>
          <UsersSection self={props.user} />
        </Show>
      </main>
    </div>
  );
}

/** What the administrator is doing to one user. */
type Action = { kind: 'deactivate' | 'activate' | 'end' | 'reset'; user: UserAccountInfo };

/** The confirmation of each action that asks for one (a reset has its own dialog). */
const CONFIRM: Record<Action['kind'], { title: MessageKey; body: MessageKey; confirm: MessageKey }> = {
  deactivate: { title: 'users.deactivateTitle', body: 'users.deactivateBody', confirm: 'users.deactivate' },
  activate: { title: 'users.activateTitle', body: 'users.activateBody', confirm: 'users.activate' },
  end: { title: 'users.endTitle', body: 'users.endBody', confirm: 'users.endSessions' },
  reset: { title: 'users.reset', body: 'users.reset', confirm: 'users.reset' },
};

function UsersSection(props: { self: UserInfo }): JSX.Element {
  const users = createLoad(() => api.users());
  const refetch = users.refetch;
  const [creating, setCreating] = createSignal(false);
  const [action, setAction] = createSignal<Action | null>(null);
  const [busy, setBusy] = createSignal(false);
  /** The temporary password just made up: shown once, then forgotten. */
  const [temporary, setTemporary] = createSignal<{ user: string; password: string } | null>(null);

  const toggleActive = async (): Promise<void> => {
    const a = action();
    if (!a || a.kind === 'reset') return;
    setBusy(true);
    try {
      if (a.kind === 'end') {
        const { ended } = await api.endUserSessions(a.user.id);
        showToast('success', t('users.sessionsEnded', { n: ended }));
      } else if (a.kind === 'deactivate') await api.deactivateUser(a.user.id);
      else await api.activateUser(a.user.id);
      setAction(null);
      void refetch();
    } catch (error) {
      showToast('error', describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel users__section" data-testid="users">
      <div class="panel__head">
        <h2 class="panel__title">{t('users.title')}</h2>
        <div class="users__tools">
          <button type="button" class="btn btn--secondary btn--sm" onClick={() => void refetch()}>
            {t('users.refresh')}
          </button>
          <button
            type="button"
            class="btn btn--primary btn--sm"
            data-testid="user-create"
            onClick={() => setCreating(true)}
          >
            {t('users.create')}
          </button>
        </div>
      </div>
      <p class="users__hint">
        {t('users.hint')} <A href="/admin/security">{t('users.security')}</A>
      </p>
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
        <Match when={users.value()?.length === 0}>
          <EmptyState title={t('users.empty')} />
        </Match>
        <Match when={users.value()}>
          {(list) => (
            <div class="table-wrap">
              <table class="table users-table">
                <thead>
                  <tr>
                    <th>{t('users.col.name')}</th>
                    <th>{t('users.col.username')}</th>
                    <th>{t('users.col.status')}</th>
                    <th>{t('users.col.lastSignIn')}</th>
                    <th class="num">{t('users.col.sessions')}</th>
                    <th>{t('users.col.roles')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>
                    {(u) => (
                      <tr
                        data-testid="user-row"
                        data-username={u.username}
                        classList={{ 'users-table__row--inactive': !u.active }}
                      >
                        <td class="users-table__name">
                          {u.displayName}
                          <Show when={u.id === props.self.id}>
                            <span class="users-table__you">{t('users.you')}</span>
                          </Show>
                        </td>
                        <td class="users-table__username" data-label={t('users.col.username')}>
                          {u.username}
                        </td>
                        <td class="users-table__status" data-label={t('users.col.status')}>
                          <span class="pill" classList={{ 'pill--ok': u.active, 'pill--warn': !u.active }}>
                            {u.active ? t('users.active') : t('users.inactive')}
                          </span>
                          <Show when={u.mustChangePassword}>
                            <span class="pill users-table__must-change">{t('users.mustChange')}</span>
                          </Show>
                        </td>
                        <td class="users-table__last" data-label={t('users.col.lastSignIn')}>
                          {u.lastSignInAt ? formatLocalDateTime(u.lastSignInAt, locale()) : t('users.never')}
                        </td>
                        <td class="num users-table__sessions" data-label={t('users.col.sessions')}>
                          {u.sessions}
                        </td>
                        <td class="users-table__roles" data-label={t('users.col.roles')}>
                          <RolesCell user={u} />
                        </td>
                        <td class="users-table__actions">
                          <button
                            type="button"
                            class="btn btn--secondary btn--sm"
                            data-testid="user-reset"
                            onClick={() => setAction({ kind: 'reset', user: u })}
                          >
                            {t('users.reset')}
                          </button>
                          <button
                            type="button"
                            class="btn btn--secondary btn--sm"
                            data-testid="user-end-sessions"
                            disabled={u.sessions === 0}
                            onClick={() => setAction({ kind: 'end', user: u })}
                          >
                            {t('users.endSessions')}
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
        open={action()?.kind === 'deactivate' || action()?.kind === 'activate' || action()?.kind === 'end'}
        title={t(CONFIRM[action()?.kind ?? 'activate'].title, { user: action()?.user.displayName ?? '' })}
        body={t(CONFIRM[action()?.kind ?? 'activate'].body, { user: action()?.user.displayName ?? '' })}
        confirmLabel={t(CONFIRM[action()?.kind ?? 'activate'].confirm)}
        danger={action()?.kind !== 'activate'}
        busy={busy()}
        onConfirm={() => void toggleActive()}
        onCancel={() => setAction(null)}
      />
      <Show when={creating()}>
        <CreateUserDialog
          onClose={() => setCreating(false)}
          onCreated={(username) => {
            setCreating(false);
            showToast('success', t('users.created', { user: username }));
            void refetch();
          }}
        />
      </Show>
      <Show when={action()?.kind === 'reset' ? action()?.user : undefined}>
        {(user) => (
          <ResetPasswordDialog
            user={user()}
            onClose={() => setAction(null)}
            onReset={(made) => {
              // Read before the dialog closes: its accessor is gone afterwards.
              const name = user().displayName;
              setAction(null);
              if (made) setTemporary({ user: name, password: made });
              else showToast('success', t('users.resetDone', { user: name }));
              void refetch();
            }}
          />
        )}
      </Show>
      <Show when={temporary()}>
        {(shown) => (
          <TemporaryPassword user={shown().user} password={shown().password} onClose={() => setTemporary(null)} />
        )}
      </Show>
    </section>
  );
}

/**
 * The account's standing: an administrator (every project, accounts) or a person whose roles are
 * given per project by its managers (/setup/:projectId/members — a manager of one project may be a
 * consultant of another).
 */
function RolesCell(props: { user: UserAccountInfo }): JSX.Element {
  return (
    <Show when={props.user.admin} fallback={<span class="users-table__hint">{t('users.rolesPerProject')}</span>}>
      <span class="users-table__role">{label(ROLE_LABELS, 'ADMIN')}</span>
    </Show>
  );
}

/** A modal form (Escape or the backdrop closes it unless busy). */
function FormDialog(props: {
  title: string;
  busy: boolean;
  onClose: () => void;
  onSubmit: () => void;
  submitLabel: string;
  error: string | null;
  testId: string;
  children: JSX.Element;
}): JSX.Element {
  return (
    <Portal>
      <div class="dialog-backdrop" onClick={() => !props.busy && props.onClose()}>
        <form
          class="dialog users-dialog"
          role="dialog"
          aria-modal="true"
          aria-labelledby="users-dialog-title"
          data-testid={props.testId}
          novalidate
          onClick={(e) => e.stopPropagation()}
          onKeyDown={(e) => e.key === 'Escape' && !props.busy && props.onClose()}
          onSubmit={(e) => {
            e.preventDefault();
            if (!props.busy) props.onSubmit();
          }}
        >
          <h2 id="users-dialog-title">{props.title}</h2>
          <Show when={props.error}>
            {(message) => (
              <div class="alert alert--error" role="alert">
                {message()}
              </div>
            )}
          </Show>
          {props.children}
          <div class="dialog__actions">
            <button type="button" class="btn btn--secondary" disabled={props.busy} onClick={() => props.onClose()}>
              {t('users.cancel')}
            </button>
            <button type="submit" class="btn btn--primary" disabled={props.busy}>
              <Show when={props.busy}>
                <Spinner size="sm" />
              </Show>
              {props.submitLabel}
            </button>
          </div>
        </form>
      </div>
    </Portal>
  );
}

function CreateUserDialog(props: { onClose: () => void; onCreated: (username: string) => void }): JSX.Element {
  const [username, setUsername] = createSignal('');
  const [displayName, setDisplayName] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const submit = async (): Promise<void> => {
    const name = username().trim();
    if (!name || !displayName().trim() || !password()) return void setError(t('firstRun.missing'));
    if (!usernameSchema.safeParse(name).success) return void setError(t('username.rule'));
    const problem = newPasswordError(password(), name);
    if (problem) return void setError(problem);
    setBusy(true);
    setError(null);
    try {
      await api.createUser({ username: name, displayName: displayName().trim(), password: password() });
      props.onCreated(name);
    } catch (err) {
      setError(describeAccountError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormDialog
      title={t('users.createTitle')}
      busy={busy()}
      error={error()}
      testId="user-create-dialog"
      submitLabel={t('users.createSubmit')}
      onClose={props.onClose}
      onSubmit={() => void submit()}
    >
      <AccountNameFields
        usernameLabel={t('users.username')}
        username={username()}
        onUsername={setUsername}
        displayNameLabel={t('users.displayName')}
        displayName={displayName()}
        onDisplayName={setDisplayName}
        autocomplete="other"
        disabled={busy()}
      />
      <PasswordField
        label={t('users.password')}
        name="password"
        autocomplete="new-password"
        value={password()}
        onInput={setPassword}
        disabled={busy()}
        hint={t('password.rules')}
      />
    </FormDialog>
  );
}

function ResetPasswordDialog(props: {
  user: UserAccountInfo;
  onClose: () => void;
  /** `made`: the temporary password the server made up (to show once), null when typed. */
  onReset: (made: string | null) => void;
}): JSX.Element {
  const [typed, setTyped] = createSignal(false);
  const [password, setPassword] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const submit = async (): Promise<void> => {
    if (typed()) {
      const problem = newPasswordError(password(), props.user.username);
      if (problem) return void setError(problem);
    }
    setBusy(true);
    setError(null);
    try {
      const result = await api.resetPassword(props.user.id, typed() ? password() : undefined);
      props.onReset(result.temporaryPassword);
    } catch (err) {
      setError(describeAccountError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormDialog
      title={t('users.resetTitle', { user: props.user.displayName })}
      busy={busy()}
      error={error()}
      testId="user-reset-dialog"
      submitLabel={t('users.resetSubmit')}
      onClose={props.onClose}
      onSubmit={() => void submit()}
    >
      <p>{t('users.resetBody', { user: props.user.displayName })}</p>
      <fieldset class="users-dialog__choice">
        <label>
          <input type="radio" name="reset-kind" checked={!typed()} onChange={() => setTyped(false)} />{' '}
          {t('users.resetGenerate')}
        </label>
        <label>
          <input type="radio" name="reset-kind" checked={typed()} onChange={() => setTyped(true)} />{' '}
          {t('users.resetType')}
        </label>
      </fieldset>
      <Show when={typed()}>
        <PasswordField
          label={t('users.password')}
          name="temporary-password"
          autocomplete="new-password"
          value={password()}
          onInput={setPassword}
          disabled={busy()}
          hint={t('password.rules')}
        />
      </Show>
    </FormDialog>
  );
}

/** The made-up temporary password, shown once (copy, then Done forgets it). */
function TemporaryPassword(props: { user: string; password: string; onClose: () => void }): JSX.Element {
  const copy = (): void => {
    void navigator.clipboard?.writeText(props.password).catch(() => undefined);
  };
  return (
    <Portal>
      <div class="dialog-backdrop">
        <div class="dialog users-dialog" role="alertdialog" aria-modal="true" aria-labelledby="temporary-title">
          <h2 id="temporary-title">{t('users.temporaryTitle', { user: props.user })}</h2>
          <p class="users-dialog__secret" data-testid="temporary-password">
            {props.password}
          </p>
          <p>{t('users.temporaryBody')}</p>
          <div class="dialog__actions">
            <button type="button" class="btn btn--secondary" onClick={copy}>
              {t('users.copy')}
            </button>
            <button type="button" class="btn btn--primary" onClick={() => props.onClose()}>
              {t('users.close')}
            </button>
          </div>
        </div>
      </div>
    </Portal>
  );
}
