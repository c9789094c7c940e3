/**
 * Route guard: signed-in users only; others go to /login and come back afterwards. A session that
 * must choose a new password (an administrator reset it) goes to /account/password first: the
 * server answers nothing else to it.
 */
import { Show, type JSX } from 'solid-js';
import { Navigate, useLocation } from '@solidjs/router';
import type { UserInfo } from '@kaipan/shared';
import { session } from '../stores/session';

export function RequireAuth(props: { children: (user: UserInfo, token: string) => JSX.Element }): JSX.Element {
  const location = useLocation();
  const next = (): string => encodeURIComponent(location.pathname + location.search);
  return (
    <Show when={session()} keyed fallback={<Navigate href={`/login?next=${next()}`} />}>
      {(s) => (
        <Show when={!s.passwordChangeRequired} fallback={<Navigate href={`/account/password?next=${next()}`} />}>
          {props.children(s.user, s.token)}
        </Show>
      )}
    </Show>
  );
}
