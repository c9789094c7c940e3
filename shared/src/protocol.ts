/**
 * The public protocol: HTTP response shapes, also carried by hub events and acks (the Socket.IO
 * contract itself is socket-events.ts). docs/protocol.md documents it; k6 scripts and integrations
 * rely on it — keep it stable.
 * Money is integer fen; areas are m² with two decimals; times are ISO-8601 UTC strings.
 */
import { z } from 'zod';
import { UNIT_STATUSES, type UnitStatus } from './unit-status.js';
import { unitKindSchema } from './building-pattern.js';
import { ERROR_CODES } from './errors.js';

/** HTTP header carrying a board's or kiosk's device key (the hub takes `auth: {deviceKey}`). */
export const DEVICE_KEY_HEADER = 'x-device-key';

/**
 * What a person may be in one project (project_members.role): 销售经理/销控 MANAGER, 收银 CASHIER,
 * 置业顾问 CONSULTANT, 财务 FINANCE (reads money and reports, changes nothing), VIEWER (sees the sale
 * without buyers' contact details, changes nothing).
 */
export const PROJECT_ROLES = ['MANAGER', 'CASHIER', 'CONSULTANT', 'FINANCE', 'VIEWER'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];
export const projectRoleSchema = z.enum(PROJECT_ROLES);

/**
 * The rows of the permission matrix (shared/src/permissions.ts): a project role, or ADMIN — the
 * install-level administrator (`users.admin`: accounts, every project, a manager in each). A user's
 * row differs per project; server/src/domain/principal.ts `roleIn` decides it.
 */
export const ROLES = ['ADMIN', ...PROJECT_ROLES] as const;
export type Role = (typeof ROLES)[number];

export const roleSchema = z.enum(ROLES);

/** A signed-in person as the apps show them (what they may do per project: `ProjectListItem.myRole`). */
export const userInfoSchema = z.object({
  id: z.string(),
  username: z.string(),
  /** Install-level administrator: accounts, every project (a manager in each). */
  admin: z.boolean(),
  displayName: z.string(),
});
export type UserInfo = z.infer<typeof userInfoSchema>;

/** POST /api/auth/login: the session token (also set as the `kaipan_token` cookie) and who signed in. */
export const loginResponseSchema = z.object({
  token: z.string(),
  user: userInfoSchema,
  /**
   * An administrator reset the password: this session may only choose a new one
   * (`POST /api/auth/password`, which answers a fresh session); everything else is
   * PASSWORD_CHANGE_REQUIRED.
   */
  passwordChangeRequired: z.boolean(),
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/** GET /api/health (no credentials): 200 when PostgreSQL and Redis answer, else 503 with the same body. */
export const healthResponseSchema = z.object({
  ok: z.boolean(),
  postgres: z.enum(['up', 'down']),
  redis: z.enum(['up', 'down']),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/**
 * GET /api/metrics — one server process, for operators on launch morning. Rates and the event-loop
 * figures cover the window since the previous read (at most the last 60 s).
 */
export const serverMetricsSchema = z.object({
  pid: z.number().int(),
  role: z.enum(['all', 'hub', 'worker']),
  uptimeSeconds: z.number(),
  windowSeconds: z.number(),
  /** Share of one CPU core used by this process over the window, %. */
  cpuPercent: z.number(),
  memory: z.object({ rssMb: z.number(), heapUsedMb: z.number() }),
  /** Event-loop delay over the window, ms: a command waits at least this long before it runs. */
  eventLoop: z.object({ p50Ms: z.number(), p99Ms: z.number(), maxMs: z.number() }),
  sockets: z.object({ hub: z.number().int(), queue: z.number().int() }),
  /** Hub commands answered over the window: per event, per second, and refusals by code. */
  commands: z.array(
    z.object({ event: z.string(), perSecond: z.number(), ok: z.number(), refused: z.record(z.string(), z.number()) }),
  ),
  postgres: z.object({ up: z.boolean(), pool: z.object({ total: z.number(), idle: z.number(), waiting: z.number() }) }),
  redis: z.object({ up: z.boolean(), pingMs: z.number().nullable() }),
});
export type ServerMetrics = z.infer<typeof serverMetricsSchema>;

export const projectSummarySchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  city: z.string(),
  timezone: z.string(),
  salesPaused: z.boolean(),
  /** Lock window in seconds (per-project setting, default 120). */
  lockTtlSeconds: z.number().int(),
  /** Most locks one consultant may hold at once in this project (default 2). */
  maxLocksPerConsultant: z.number().int(),
  /** Units one registration (household) may buy, 机会数 (default 1). */
  entitlementPerRegistration: z.number().int(),
  /** Every lock must name the registered buyer it is for. */
  requireRegistration: z.boolean(),
  /** Confirm only for a buyer whose number was called, within `selectionMinutes`. */
  requireCalled: z.boolean(),
  selectionMinutes: z.number().int(),
  /** Missed numbers (过号): back in line after `noShowRequeueAfter` waiting numbers, or dropped. */
  noShowRule: z.enum(['REQUEUE', 'DROP']),
  noShowRequeueAfter: z.number().int(),
  /** A kiosk PIN is set: the queue kiosks' setup screen can be opened with it (shared/src/kiosk-setup.ts). */
  kioskPinSet: z.boolean(),
  /** Archived: read-only, nothing sold, listed only when asked (docs/setup.md). */
  archived: z.boolean(),
  unitCount: z.number().int(),
  /**
   * A rehearsal 演练 (docs/setup.md "Rehearsal"): every screen shows the 演练 / REHEARSAL band and
   * every document its watermark; its data and numbering never mix with the real project's.
   */
  rehearsal: z.boolean(),
  /** The real project a rehearsal was copied from (null: this is a real project). */
  rehearsalOf: z.object({ id: z.string(), code: z.string(), name: z.string(), nameEn: z.string() }).nullable(),
});
export type ProjectSummary = z.infer<typeof projectSummarySchema>;

/** GET /api/projects: a project and what the caller is in it (the screens show buttons by it). */
export const projectListItemSchema = projectSummarySchema.extend({
  /** The caller's row of the permission matrix in this project (ADMIN: an administrator; null: a device). */
  myRole: roleSchema.nullable(),
});
export type ProjectListItem = z.infer<typeof projectListItemSchema>;

export const buildingInfoSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  floors: z.number().int(),
  unitsPerFloor: z.number().int(),
});
export type BuildingInfo = z.infer<typeof buildingInfoSchema>;

/** Static facts of a unit (change only on import or repricing). */
export const catalogUnitSchema = z.object({
  id: z.string(),
  code: z.string(),
  buildingId: z.string(),
  floor: z.number().int(),
  /** Column on its floor, 1-based. */
  position: z.number().int(),
  layout: z.string(),
  layoutName: z.string(),
  /** The layout's English name (its 户型 in the setup area); absent for typed or imported facts. */
  layoutNameEn: z.string().optional(),
  /** Gross area 建筑面积, m², two decimals. */
  grossArea: z.number(),
  /** Net area 套内面积, m², two decimals. */
  netArea: z.number(),
  orientation: z.string(),
  /** List price 表价, fen. */
  listPrice: z.number().int(),
  /** List price per m² of gross area, fen. */
  unitPrice: z.number().int(),
  /** Residence, shop 商铺, parking 车位 or storage 储藏间 (absent in older servers: RESIDENCE). */
  kind: unitKindSchema.optional(),
  /** 2 for a duplex 复式: the unit also covers the storey above `floor`. */
  floorSpan: z.number().int().min(1).max(2).optional(),
});
export type CatalogUnit = z.infer<typeof catalogUnitSchema>;

export const projectCatalogSchema = z.object({
  project: projectSummarySchema,
  buildings: z.array(buildingInfoSchema),
  units: z.array(catalogUnitSchema),
});
export type ProjectCatalog = z.infer<typeof projectCatalogSchema>;

export const unitLockInfoSchema = z.object({
  holderId: z.string(),
  holderName: z.string(),
  /** When the lock lapses (server clock). */
  expiresAt: z.string(),
  /** Milliseconds left when the server sent this; use it for countdowns (immune to clock skew). */
  ttlMs: z.number(),
});
export type UnitLockInfo = z.infer<typeof unitLockInfoSchema>;

export const unitStateSchema = z.object({
  id: z.string(),
  code: z.string(),
  buildingId: z.string(),
  floor: z.number().int(),
  status: z.enum(UNIT_STATUSES),
  lock: unitLockInfoSchema.optional(),
  /** Deal price in fen, for sold units. */
  price: z.number().int().optional(),
});
export type UnitState = z.infer<typeof unitStateSchema>;

export const projectSnapshotSchema = z.object({
  projectId: z.string(),
  /** Sequence number of the last change included; apply only changes with a larger seq. */
  seq: z.number().int(),
  paused: z.boolean(),
  serverTime: z.string(),
  units: z.array(unitStateSchema),
  /** The answering process's dependencies (in the hub's `project:join` ack; then `system:status`). */
  system: z.object({ postgres: z.enum(['up', 'down']), redis: z.enum(['up', 'down']) }).optional(),
});
export type ProjectSnapshot = z.infer<typeof projectSnapshotSchema>;

export const dealInfoSchema = z.object({
  subscriptionId: z.string(),
  unitId: z.string(),
  unitCode: z.string(),
  /** Masked buyer name, e.g. 张**. */
  buyer: z.string(),
  consultant: z.string(),
  /** Deal price, fen. */
  price: z.number().int(),
  at: z.string(),
});
export type DealInfo = z.infer<typeof dealInfoSchema>;

export interface UnitChange {
  /** Per-project sequence number, strictly increasing, no gaps. */
  seq: number;
  unitId: string;
  status: UnitStatus;
  lock?: UnitLockInfo;
  price?: number;
  /** Present when the change is a new subscription (for tickers). */
  deal?: DealInfo;
  /** Server time of the change in epoch ms (for latency measurement). */
  at: number;
}

/** A batch of consecutive changes. `changes[0].seq === fromSeq`, last `seq`. */
export interface UnitsChangedFrame {
  projectId: string;
  fromSeq: number;
  seq: number;
  changes: UnitChange[];
}

export interface ProjectChangedEvent {
  projectId: string;
  paused: boolean;
  /** The server rebuilt its live state (e.g. Redis restarted): fetch a new snapshot now. */
  resync?: boolean;
}

/** Why a subscription was cancelled without a change request (today: the deposit rule 定金时限). */
export type SubscriptionCancelReason = 'DEPOSIT_NOT_RECEIVED';

/**
 * `subscription:cancelled`: the server cancelled a subscription by itself — its deposit 定金 did not
 * come within the project's window. To the deal's consultant and the project's managers; the unit's
 * return to sale reaches every screen as `units:changed` as usual.
 */
export interface SubscriptionCancelledEvent {
  projectId: string;
  subscriptionId: string;
  unitId: string;
  unitCode: string;
  consultantId: string;
  /** Masked buyer name, e.g. 张**. */
  buyerName: string;
  reason: SubscriptionCancelReason;
  /** The deposit window the subscription had, minutes (deadline − subscribed). */
  windowMinutes: number;
  /** The deposit deadline that passed (ISO, UTC). */
  dueAt: string;
  /** When it was cancelled (ISO, UTC). */
  at: string;
}

export const lockResultSchema = z.object({
  unitId: z.string(),
  token: z.string(),
  expiresAt: z.string(),
  ttlMs: z.number(),
});
export type LockResult = z.infer<typeof lockResultSchema>;

export const confirmResultSchema = z.object({
  subscriptionId: z.string(),
  /** When the project has a deposit rule (定金时限): the deposit must be recorded by then (UTC ISO) or the deal is cancelled. */
  depositDueAt: z.string().optional(),
});
export type ConfirmResult = z.infer<typeof confirmResultSchema>;

export const batchInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['PENDING', 'RELEASED']),
  unitCount: z.number().int(),
  releasedAt: z.string().nullable(),
  /** Scheduled release instant (ISO, UTC) of a pending batch; null when not scheduled. */
  releaseAt: z.string().nullable(),
  /** Set when the pending batch was cancelled (status stays PENDING; it is never released). */
  cancelledAt: z.string().nullable(),
  createdAt: z.string(),
});
export type BatchInfo = z.infer<typeof batchInfoSchema>;

/** GET /api/projects/:id/withheld — withheld units 保留房 with why and for whom (boards show the channel). */
export const withheldUnitInfoSchema = z.object({
  unitId: z.string(),
  code: z.string(),
  reason: z.string(),
  channel: z.enum(['VIP', 'STAFF', 'AGENT', 'OTHER']).nullable(),
  /** When the unit was last changed (withheld), ISO. */
  since: z.string(),
});
export type WithheldUnitInfo = z.infer<typeof withheldUnitInfoSchema>;

/**
 * The answer to a bulk withhold/unwithhold: the units changed (with their new status) and the units
 * refused, each with the coded reason (LOCK_HELD, NOT_RELEASED, INVALID_TRANSITION, NOT_FOUND).
 */
export const bulkWithholdResultSchema = z.object({
  done: z.array(z.object({ unitId: z.string(), code: z.string(), status: z.enum(UNIT_STATUSES) })),
  refused: z.array(
    z.object({
      unitId: z.string(),
      /** Null when the unit is not one of the project's. */
      code: z.string().nullable(),
      error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
    }),
  ),
});
export type BulkWithholdResult = z.infer<typeof bulkWithholdResultSchema>;
