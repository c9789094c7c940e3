/**
 * The signed-in user: token + user, persisted in localStorage so a reload keeps the session.
 * The server also sets an httpOnly cookie at login; the bearer token is what api.ts and the hub use.
 */
import { createRoot, createSignal } from 'solid-js';
import { ROLES, isManagerRole, SELLER_ROLES, type LoginResponse, type SessionEndReason, type UserInfo } from '@kaipan/shared';

const STORAGE_KEY = 'kaipan.session';

export interface Session {
  token: string;
  user: UserInfo;
}

function isUserInfo(value: unknown): value is UserInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    typeof v.username === 'string' &&
    typeof v.displayName === 'string' &&
    typeof v.role === 'string' &&
    (ROLES as readonly string[]).includes(v.role)
  );
}

function readStored(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const p = parsed as Record<string, unknown>;
    if (typeof p.token !== 'string' || !isUserInfo(p.user)) return null;
    return { token: p.token, user: p.user };
  } catch {
    return null;
  }
}

const state = createRoot(() => {
  const [session, setSession] = createSignal<Session | null>(readStored());
  /** Why the server ended the last session (shown once on the sign-in page). */
  const [ended, setEnded] = createSignal<SessionEndReason | null>(null);
  return { session, setSession, ended, setEnded };
});

/** The current session (reactive), or null when signed out. */
export const session = state.session;

export function currentToken(): string | null {
  return state.session()?.token ?? null;
}

export function signIn(response: LoginResponse): void {
  state.setEnded(null);
  const next: Session = { token: response.token, user: response.user };
  localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  state.setSession(next);
}

/** Forget the session locally (the caller decides whether to tell the server). */
export function signOut(): void {
  localStorage.removeItem(STORAGE_KEY);
  state.setSession(null);
}

/**
 * The server ended this session (signed out on another device, ended by an admin, deactivated): forget
 * it here too; the sign-in page says why.
 */
export function sessionEndedByServer(reason: SessionEndReason): void {
  if (!state.session()) return;
  state.setEnded(reason);
  signOut();
}

/** Why the server ended the last session, until the next sign-in (reactive). */
export const sessionEndReason = state.ended;

/** Refresh the stored user (e.g. after GET /api/auth/me) without touching the token. */
export function updateUser(user: UserInfo): void {
  const current = state.session();
  if (!current) return;
  const next = { token: current.token, user };
  localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  state.setSession(next);
}

export function isManager(user: UserInfo | undefined | null): boolean {
  return !!user && isManagerRole(user.role);
}

export function isAdmin(user: UserInfo | undefined | null): boolean {
  return !!user && user.role === 'ADMIN';
}

export function isSeller(user: UserInfo | undefined | null): boolean {
  return !!user && SELLER_ROLES.includes(user.role);
}

// Another tab signed in or out: follow it.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === STORAGE_KEY) state.setSession(readStored());
  });
}
