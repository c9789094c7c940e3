/**
 * A signed-in person's session in the browser: {token, user} persisted in localStorage so a reload
 * keeps it, followed across tabs, forgotten on sign-out, on a refused token and when the server ends
 * it (`session:ended`: signed out elsewhere, ended by an admin, user deactivated — the reason is kept
 * for the sign-in page). The consultant app and the cashier desk each hold one, under their own key.
 */
import { createRoot, createSignal, type Accessor } from 'solid-js';
import type { LoginResponse, SessionEndReason, UserInfo } from '@kaipan/shared';
import { readStored, writeStored } from '../storage';

export interface Session {
  token: string;
  user: UserInfo;
  /**
   * An administrator reset the password: this session may only choose a new one (the server refuses
   * everything else with PASSWORD_CHANGE_REQUIRED); the screens send the user to that form.
   */
  passwordChangeRequired?: boolean;
}

export interface SessionStore {
  /** The current session (reactive), or null when signed out. */
  session: Accessor<Session | null>;
  /** The bearer token of the current session (not reactive-tracked beyond `session`). */
  token(): string | null;
  signIn(response: LoginResponse): void;
  /** Forget the session locally (the caller decides whether to tell the server). */
  signOut(): void;
  /** The server ended this session: forget it and remember why, until the next sign-in. */
  endedByServer(reason: SessionEndReason): void;
  /** Why the server ended the last session (reactive), null after a sign-in. */
  endReason: Accessor<SessionEndReason | null>;
  /** Refresh the stored user (e.g. after GET /api/auth/me) without touching the token. */
  updateUser(user: UserInfo): void;
}

function isUserInfo(value: unknown): value is UserInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    typeof v.username === 'string' &&
    typeof v.displayName === 'string' &&
    typeof v.admin === 'boolean'
  );
}

/** A stored session, or null when absent or not a session (a corrupt entry is a signed-out app). */
export function parseSession(raw: string | null): Session | null {
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const p = parsed as Record<string, unknown>;
    if (typeof p.token !== 'string' || !isUserInfo(p.user)) return null;
    return p.passwordChangeRequired === true
      ? { token: p.token, user: p.user, passwordChangeRequired: true }
      : { token: p.token, user: p.user };
  } catch {
    return null;
  }
}

/** The session kept in localStorage under `storageKey`. */
export function createSessionStore(storageKey: string): SessionStore {
  const state = createRoot(() => {
    const [session, setSession] = createSignal<Session | null>(parseSession(readStored(storageKey)));
    const [ended, setEnded] = createSignal<SessionEndReason | null>(null);
    return { session, setSession, ended, setEnded };
  });

  const save = (next: Session | null): void => {
    writeStored(storageKey, next === null ? null : JSON.stringify(next));
    state.setSession(next);
  };
  const signOut = (): void => save(null);

  // Another tab signed in or out: follow it.
  if (typeof window !== 'undefined') {
    window.addEventListener('storage', (e) => {
      if (e.key === storageKey) state.setSession(parseSession(readStored(storageKey)));
    });
  }

  return {
    session: state.session,
    token: () => state.session()?.token ?? null,
    signIn(response) {
      state.setEnded(null);
      save(
        response.passwordChangeRequired
          ? { token: response.token, user: response.user, passwordChangeRequired: true }
          : { token: response.token, user: response.user },
      );
    },
    signOut,
    endedByServer(reason) {
      if (!state.session()) return;
      state.setEnded(reason);
      signOut();
    },
    endReason: state.ended,
    updateUser(user) {
      const current = state.session();
      if (current) save({ ...current, user });
    },
  };
}
