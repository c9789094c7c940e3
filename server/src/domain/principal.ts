/** Who is acting: a logged-in user or a registered device (board, kiosk, calling screen). Pure rules only. */
import { isPermitted, type Access, type DeviceKind, type Role } from '@kaipan/shared';

export interface UserPrincipal {
  kind: 'user';
  id: string;
  username: string;
  role: Role;
  displayName: string;
  /** Device description for the audit trail (client-supplied id or user agent). */
  device: string | null;
  /** The session the request came with (absent for principals the server builds itself). */
  sessionId?: string;
  /** The session may only choose a new password (an administrator reset it; session-token.ts `pwc`). */
  passwordChangeRequired?: boolean;
}

export interface DevicePrincipal {
  kind: 'device';
  id: string;
  projectId: string;
  deviceKind: DeviceKind;
  name: string;
  device: string | null;
}

export type Principal = UserPrincipal | DevicePrincipal;

/** May the principal do what the permission of the matrix (shared/src/permissions.ts) covers? */
export function isAllowed(p: Principal, access: Access): boolean {
  return isPermitted(access, p);
}

export function canSell(p: Principal): p is UserPrincipal {
  return p.kind === 'user' && isPermitted('sell', p);
}

/** A manager of projects (the one rule: shared isManagerRole, also behind every four-eyes decision). */
export function canManage(p: Principal): p is UserPrincipal {
  return p.kind === 'user' && isPermitted('manage', p);
}

/** Accounts and sign-in security (users, their sessions, failed sign-ins): administrators only. */
export function canAdminister(p: Principal): p is UserPrincipal {
  return p.kind === 'user' && isPermitted('administer', p);
}

export function actorName(p: Principal): string {
  return p.kind === 'user' ? p.username : `device:${p.name}`;
}

/**
 * How a device appears in the audit trail: the client-supplied `X-Kaipan-Device` id, else the user
 * agent, at most 160 characters.
 */
export function deviceLabel(headers: Record<string, string | string[] | undefined>): string | null {
  const id = headers['x-kaipan-device'];
  const ua = headers['user-agent'];
  const text = (typeof id === 'string' && id) || (typeof ua === 'string' && ua) || null;
  if (!text) return null;
  // Never cut a surrogate pair in two: half a pair is not text PostgreSQL can store.
  const cut = text.slice(0, 160);
  return /[\uD800-\uDBFF]$/.test(cut) && text.length > 160 ? cut.slice(0, -1) : cut;
}
