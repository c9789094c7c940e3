/**
 * The permission matrix: which roles and which devices may call what, in one table. The HTTP route
 * table (shared/src/api) names one permission per endpoint and the server checks it before the
 * handler runs; the services and the hub ask the same table (server/src/domain/principal.ts).
 * A person's row is their role IN THE PROJECT the call concerns (project_members.role; ADMIN for
 * the install-level administrator), decided in one place: server/src/domain/principal.ts `roleIn`.
 * Finer rules stay in the services: whose customer, whose deal (privacy.ts, `canSelectFor`) — the
 * matrix only says who may knock at all.
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

/** Every role that changes something in a project (FINANCE and VIEWER read only). */
const WORKING_ROLES = ['ADMIN', 'MANAGER', 'CASHIER', 'CONSULTANT'] as const satisfies readonly Role[];

export const PERMISSIONS = {
  /**
   * Anyone with credentials: a signed-in person of any role, or a registered board, kiosk or calling
   * screen (a cashier desk key grants nothing: the cashier signs in, shared/src/devices.ts).
   */
  signedIn: { roles: ROLES, devices: ['BOARD', 'KIOSK', 'CALLING'], refusal: 'SIGN_IN_REQUIRED' },
  /** A signed-in person of any role (devices have no profile, sessions or staff work); reads. */
  staff: { roles: ROLES, devices: [], refusal: 'STAFF_REQUIRED' },
  /**
   * Staff work that changes something — customers, registrations, documents, change requests,
   * withdrawals — whose finer rules (whose customer, who decides) stay in the services.
   */
  work: { roles: WORKING_ROLES, devices: [], refusal: 'READ_ONLY_ROLE' },
  /** Issue queue numbers: the queue kiosk, and the staff at the door (changes the queue). */
  issueTickets: { roles: WORKING_ROLES, devices: ['KIOSK'], refusal: 'QUEUE_STAFF_REQUIRED' },
  /** Lock, confirm, quote, register buyers, request price approvals and changes. */
  sell: { roles: ['ADMIN', 'MANAGER', 'CONSULTANT'], devices: [], refusal: 'SELLER_REQUIRED' },
  /** Read the money: payments, receipts, receipt books, voids, day-end — finance reads, changes nothing. */
  readMoney: { roles: ['ADMIN', 'MANAGER', 'CASHIER', 'FINANCE'], devices: [], refusal: 'MONEY_READER_REQUIRED' },
  /** Handle money at the cashier: payments, receipt books, prints, day-end. */
  handleMoney: { roles: ['ADMIN', 'MANAGER', 'CASHIER'], devices: [], refusal: 'MONEY_STAFF_REQUIRED' },
  /**
   * Read the audit log, unit timelines and dispute packs — who did what, when, from where. Finance and
   * viewers (auditors) read it too, through the privacy rule (masked phones, no ID numbers); a
   * consultant or cashier is a party to the disputes it settles and reads their own records elsewhere.
   */
  readAudit: { roles: ['ADMIN', 'MANAGER', 'FINANCE', 'VIEWER'], devices: [], refusal: 'AUDIT_READER_REQUIRED' },
  /**
   * Read and export the reports of the sale (销控表, 价目表, 日报; deals with their prices, payments,
   * channels, performance, stock): managers and finance. Buyer contact columns still go through the
   * privacy rule (finance: masked phones). Cashiers read their own money elsewhere; consultants and
   * viewers see no reports.
   */
  readReports: { roles: ['ADMIN', 'MANAGER', 'FINANCE'], devices: [], refusal: 'REPORT_READER_REQUIRED' },
  /**
   * Replay the launch from the record (docs/replay.md): the state of every unit at any instant of the
   * morning — managers, who run the sale and explain it afterwards; never a device on the wall (a
   * replay must not be mistaken for the live board).
   */
  replay: { roles: ['ADMIN', 'MANAGER'], devices: [], refusal: 'MANAGER_REQUIRED' },
  /**
   * Read the live sales dashboard (docs/dashboard.md): totals against the target, sell-through,
   * rankings by consultant and team, deposits by method, queue progress, alerts. Aggregates only — no
   * buyer appears on it — so finance and viewers read it with the managers; a consultant or cashier
   * works the floor and has their own screens.
   */
  readDashboard: {
    roles: ['ADMIN', 'MANAGER', 'FINANCE', 'VIEWER'],
    devices: [],
    refusal: 'DASHBOARD_READER_REQUIRED',
  },
  /** Run the sale: pause, withhold, batches, pricing, decisions, imports, settings, members and teams. */
  manage: { roles: ['ADMIN', 'MANAGER'], devices: [], refusal: 'MANAGER_REQUIRED' },
  /** Accounts and sign-in security: users, their sessions, failed sign-ins; creating projects. */
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
/** Roles that read the money (payments, receipts, day-end) — the cashiers' and finance. */
export const MONEY_READER_ROLES: readonly Role[] = PERMISSIONS.readMoney.roles;

/** The `details.reason` of the FORBIDDEN answered to a signed-in person who is not a member of the project. */
export const NOT_A_MEMBER = 'NOT_A_MEMBER';
