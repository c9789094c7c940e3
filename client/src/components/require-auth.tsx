/** Route guard: signed-in users only; others go to /login and come back afterwards. */
import { Show, type JSX } from 'solid-js';
import { Navigate, useLocation } from '@solidjs/router';
import type { UserInfo } from '@kaipan/shared';
import { session } from '../stores/session';

export function RequireAuth(props: { children: (user: UserInfo, token: string) => JSX.Element }): JSX.Element {
  const location = useLocation();
  return (
    <Show
      when={session()}
      keyed
      fallback={<Navigate href={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} />}
    >
      {(s) => props.children(s.user, s.token)}
    </Show>
  );
}
