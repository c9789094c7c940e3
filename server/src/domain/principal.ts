/**
 * Who is acting: a signed-in user or a registered device (board, kiosk), and what they may do in a
 * project. Pure rules only.
 *
 * THE ONE PLACE that decides what a user may do in a project is `roleIn` (their row of the matrix
 * there) with `isAllowedIn` (the matrix, shared/src/permissions.ts). A principal is one call's: it
 * carries a snapshot of the user's memberships (cached per user, no PostgreSQL round trip) and, once
 * the project the call concerns is known, is scoped to it (`scopeTo`): `role` then is the role IN
 * THAT PROJECT, and every `canManage`/`canSell`/privacy rule reads it. Unscoped, `role` is null and
 * every project rule refuses (fail closed).
 */
import {
  NOT_A_MEMBER,
  PERMISSIONS,
  isPermitted,
  type Access,
  type DeviceKind,
  type Permission,
  type ProjectRole,
  type Role,
} from '@kaipan/shared';

export interface UserPrincipal {
  kind: 'user';
  id: string;
  username: string;
  displayName: string;
  /** Install-level administrator: accounts, every project, a manager in each. */
  admin: boolean;
  /** The user's role in each project they are a member of (project id → role), when authenticated. */
  memberships: ReadonlyMap<string, ProjectRole>;
  /** The project this call concerns, once known (`scopeTo`). */
  projectId: string | null;
  /** The row of the matrix in `projectId`: ADMIN, the membership's role, or null (unscoped / not a member). */
  role: Role | null;
  /**
   * The permission the call was admitted under (its route's or hub command's): checked again in
   * the project the call turns out to concern (routes on a unit, a payment… learn it in the service).
   */
  admittedAs?: Permission;
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
  admittedAs?: Permission;
}

export type Principal = UserPrincipal | DevicePrincipal;

/** A user's row of the matrix in a project: ADMIN for an administrator, their membership's role, or null. */
export function roleIn(user: Pick<UserPrincipal, 'admin' | 'memberships'>, projectId: string): Role | null {
  if (user.admin) return 'ADMIN';
  return user.memberships.get(projectId) ?? null;
}

/**
 * `roleIn` for a user row read from PostgreSQL with its membership of one project
 * (`memberships: { where: { projectId }, select: { role: true } }`).
 */
export function roleOfRow(user: { admin: boolean; memberships: readonly { role: ProjectRole }[] }): Role | null {
  return user.admin ? 'ADMIN' : (user.memberships[0]?.role ?? null);
}

/** May the principal do what `access` covers in this project? (Devices: only in their own project.) */
export function isAllowedIn(p: Principal, access: Access, projectId: string): boolean {
  if (access === 'public') return true;
  if (p.kind === 'device') return p.projectId === projectId && isPermitted(access, p);
  const role = roleIn(p, projectId);
  return role !== null && isPermitted(access, { kind: 'user', role });
}

/**
 * The gate's first look at a call whose project is not known yet (a route on a unit, a payment…):
 * may the principal do it in at least one project? The service then checks the project itself.
 */
export function isAllowedSomewhere(p: Principal, access: Access): boolean {
  if (access === 'public') return true;
  if (p.kind === 'device') return isPermitted(access, p);
  if (p.admin) return isPermitted(access, { kind: 'user', role: 'ADMIN' });
  for (const role of p.memberships.values()) if (isPermitted(access, { kind: 'user', role })) return true;
  // Account-level permissions (`staff`: one's own profile and sessions) need no membership.
  return access === 'staff';
}

/**
 * Scope the call's principal to the project it concerns (users: `role` becomes the role there). Why
 * the FORBIDDEN, when not allowed: the matrix's reason for `admittedAs`, or NOT_A_MEMBER.
 * Returns null when allowed.
 */
export function scopeTo(p: Principal, projectId: string): { reason: string; permission?: Permission } | null {
  if (p.kind === 'device') {
    if (p.projectId !== projectId) return { reason: NOT_A_MEMBER };
  } else {
    p.projectId = projectId;
    p.role = roleIn(p, projectId);
    if (p.role === null) return { reason: NOT_A_MEMBER };
  }
  if (p.admittedAs && !isAllowedIn(p, p.admittedAs, projectId))
    return { reason: PERMISSIONS[p.admittedAs].refusal, permission: p.admittedAs };
  return null;
}

/** Does the principal's role in its scoped project carry the permission? (False while unscoped.) */
function holds(p: Principal, access: Permission): p is UserPrincipal {
  return p.kind === 'user' && p.role !== null && isPermitted(access, { kind: 'user', role: p.role });
}

/** A seller in the scoped project: locks, confirms, quotes. */
export function canSell(p: Principal): p is UserPrincipal {
  return holds(p, 'sell');
}

/** A manager of the scoped project (an administrator everywhere) — also behind every four-eyes decision. */
export function canManage(p: Principal): p is UserPrincipal {
  return holds(p, 'manage');
}

/** Changes something in the scoped project (FINANCE and VIEWER read only). */
export function canWork(p: Principal): p is UserPrincipal {
  return holds(p, 'work');
}

/** Accounts and sign-in security (users, their sessions, failed sign-ins): administrators only. */
export function canAdminister(p: Principal): p is UserPrincipal {
  return p.kind === 'user' && p.admin;
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
