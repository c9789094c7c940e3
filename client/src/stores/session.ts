/**
 * The signed-in user of the consultant app: the shared session store (shared/web/session) under
 * 'kaipan.session'. What the user is in each project: stores/project-roles.ts. The server also sets an httpOnly cookie at
 * login; the bearer token is what api.ts and the hub use.
 */
import type { UserInfo } from '@kaipan/shared';
import { createSessionStore } from '@kaipan/web/session/session-store';

export type { Session } from '@kaipan/web/session/session-store';

const store = createSessionStore('kaipan.session');

/** The current session (reactive), or null when signed out. */
export const session = store.session;

export const currentToken = store.token;
export const signIn = store.signIn;

/** Forget the session locally (the caller decides whether to tell the server). */
export const signOut = store.signOut;

/**
 * The server ended this session (signed out on another device, ended by an admin, deactivated): forget
 * it here too; the sign-in page says why.
 */
export const sessionEndedByServer = store.endedByServer;

/** Why the server ended the last session, until the next sign-in (reactive). */
export const sessionEndReason = store.endReason;

/** Refresh the stored user (e.g. after GET /api/auth/me) without touching the token. */
export const updateUser = store.updateUser;

/** An install-level administrator (accounts, every project). Roles per project: stores/project-roles.ts. */
export function isAdmin(user: UserInfo | undefined | null): boolean {
  return !!user && user.admin;
}
