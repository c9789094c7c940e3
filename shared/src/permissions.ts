/**
 * The permission matrix: which roles and which devices may call what, in one table. The HTTP route
 * table (shared/src/api) names one permission per endpoint and the server checks it before the
 * handler runs; the services and the hub ask the same table (server/src/domain/principal.ts).
 * Finer rules stay in the services: whose customer, whose deal, which project (privacy.ts,
 * `canSelectFor`) — the matrix only says who may knock at all.
 */
import { ROLES, type Role } from './protocol.js';
import type { DeviceKind } from './devices.js';

/**
 * One row of the matrix: the roles of signed-in people and the kinds of registered devices allowed,
 * and the `details.reason` of the FORBIDDEN answered to anyone else (screens may say who may).
 */
export interface Grant {
  roles: readonly Role[];
  devices: readonly DeviceKind[];
  refusal: string;
}

export const PERMISSIONS = {
  /**
   * Anyone with credentials: a signed-in person of any role, or a registered board, kiosk or calling
   * screen (a cashier desk key grants nothing: the cashier signs in, shared/src/devices.ts).
   */
  signedIn: { roles: ROLES, devices: ['BOARD', 'KIOSK', 'CALLING'], refusal: 'SIGN_IN_REQUIRED' },
  /** A signed-in person of any role (devices have no profile, sessions or staff work). */
  staff: { roles: ROLES, devices: [], refusal: 'STAFF_REQUIRED' },
  /** Lock, confirm, quote, register buyers, request price approvals and changes. */
  sell: { roles: ['ADMIN', 'MANAGER', 'CONSULTANT'], devices: [], refusal: 'SELLER_REQUIRED' },
  /** Handle money at the cashier: payments, receipt books, prints, day-end. */
  handleMoney: { roles: ['ADMIN', 'MANAGER', 'CASHIER'], devices: [], refusal: 'MONEY_STAFF_REQUIRED' },
  /** Run the sale: pause, withhold, batches, pricing, decisions, imports, settings. */
  manage: { roles: ['ADMIN', 'MANAGER'], devices: [], refusal: 'MANAGER_REQUIRED' },
  /** Accounts and sign-in security: users, their sessions, failed sign-ins. */
  administer: { roles: ['ADMIN'], devices: [], refusal: 'ADMIN_REQUIRED' },
} as const satisfies Record<string, Grant>;

/** A named permission of the matrix. */
export type Permission = keyof typeof PERMISSIONS;
/** Who may call an endpoint: a permission of the matrix, or `public` (no credentials at all). */
export type Access = Permission | 'public';

/** The part of a caller the matrix looks at. */
export type Caller = { kind: 'user'; role: Role } | { kind: 'device'; deviceKind: DeviceKind };

/** May this caller do what the permission covers? (`public` needs no caller.) */
export function isPermitted(access: Access, caller: Caller | null): boolean {
  if (access === 'public') return true;
  if (!caller) return false;
  const grant: Grant = PERMISSIONS[access];
  return caller.kind === 'user' ? grant.roles.includes(caller.role) : grant.devices.includes(caller.deviceKind);
}

/** Roles that may run sales control (pause, withhold, batches). */
export const MANAGER_ROLES: readonly Role[] = PERMISSIONS.manage.roles;
/** Roles that may lock and confirm units. */
export const SELLER_ROLES: readonly Role[] = PERMISSIONS.sell.roles;
/** Roles that handle money at the cashier (record payments, hold a receipt book); managers also decide voids. */
export const CASHIER_ROLES: readonly Role[] = PERMISSIONS.handleMoney.roles;
