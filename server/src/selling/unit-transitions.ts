/**
 * Every change of a unit's stored status (PostgreSQL) goes through here: one function per kind of
 * path. Each one takes its from/to statuses from the transition table (shared/src/unit-status.ts),
 * makes the conditional update (`… WHERE status = <from>`: a unit that moved meanwhile is not
 * touched), writes the audit event in the same transaction and returns the change for the mirror,
 * which the caller applies after the commit (MirrorKeeper.applyCommitted).
 *
 * The other paths of the lifecycle are elsewhere in this module, checked against the same table:
 * lock / unlock / expire live only in Redis (lua/lock.lua, release.lua, sweep.lua:
 * test/lua-transitions.test.ts); the consultant's confirm is one SQL function for speed
 * (sql/kaipan_confirm.sql: sql-sources.test.ts).
 */
import {
  storedStatusOf,
  transitionOf,
  type DealInfo,
  type StoredUnitStatus,
  type UnitAction,
  type UnitStatus,
  type WithholdChannel,
} from '@kaipan/shared';
import { Prisma, type Tx } from '../infra/db.js';
import { toAuditRow, type AuditInput } from '../services/audit.js';
import type { StoredChange } from './mirror.js';
import { assertReleasable } from './permits.js';

/** The actions that change the status PostgreSQL holds (lock, unlock and expire change only Redis). */
export type StoredUnitAction = Extract<
  UnitAction,
  'release' | 'withhold' | 'unwithhold' | 'confirm' | 'sign' | 'cancel'
>;

/** An action's step as PostgreSQL sees it, and as people see it (`shownFrom`: confirm starts from LOCKED). */
export function storedTransition(action: StoredUnitAction): {
  from: StoredUnitStatus;
  to: StoredUnitStatus;
  shownFrom: UnitStatus;
} {
  const t = transitionOf(action);
  const from = storedStatusOf(t.from);
  const to = storedStatusOf(t.to);
  if (from === to) throw new Error(`${action} does not change the stored status`);
  return { from, to, shownFrom: t.from };
}

export interface UnitTransitionInput {
  projectId: string;
  unitId: string;
  action: StoredUnitAction;
  actor: AuditInput['actor'];
  at?: Date;
  /** The audit event's action when it says more than `unit.<action>` (e.g. `unit.change_out`). */
  auditAction?: string;
  /** What the audit event says besides the statuses (and, before, the unit code). */
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  /** withhold: why and for which channel (unwithhold clears both). */
  withhold?: { reason: string | null; channel: WithholdChannel | null };
  /** confirm: the fencing token of the lock the sale consumes (recorded on the unit). */
  lockToken?: string;
  /** confirm: only while the unit still carries the prices the deal was quoted at, fen. */
  prices?: { listPrice: number; floorPrice: number };
  /** Carried into the mirror change: a sold unit's price and deal. */
  sold?: { price: number; deal: DealInfo };
}

export interface UnitTransitionResult {
  change: StoredChange;
  code: string;
}

/**
 * One unit, one step: null when the unit is not in the step's from-status (nothing was written; the
 * caller says why). The mirror change carries `lockToken` so the confirming lock is consumed, not
 * reported as revoked.
 */
export async function transitionUnit(tx: Tx, input: UnitTransitionInput): Promise<UnitTransitionResult | null> {
  const { from, to, shownFrom } = storedTransition(input.action);
  const sets = [
    Prisma.sql`status = ${to}::"UnitStatus"`,
    Prisma.sql`version = version + 1`,
    Prisma.sql`updated_at = now()`,
  ];
  if (input.action === 'withhold' || input.action === 'unwithhold') {
    sets.push(
      Prisma.sql`withhold_reason = ${input.withhold?.reason ?? null}`,
      Prisma.sql`withhold_channel = ${input.withhold?.channel ?? null}::"WithholdChannel"`,
    );
  }
  if (input.lockToken !== undefined) sets.push(Prisma.sql`lock_token = ${BigInt(input.lockToken)}`);
  const guards = [
    Prisma.sql`id = ${input.unitId}::uuid`,
    Prisma.sql`project_id = ${input.projectId}::uuid`,
    Prisma.sql`status = ${from}::"UnitStatus"`,
  ];
  if (input.prices) {
    guards.push(
      Prisma.sql`list_price = ${BigInt(input.prices.listPrice)}`,
      Prisma.sql`floor_price = ${BigInt(input.prices.floorPrice)}`,
    );
  }
  const rows = await tx.$queryRaw<{ version: number; code: string }[]>`
    UPDATE units SET ${Prisma.join(sets, ', ')} WHERE ${Prisma.join(guards, ' AND ')} RETURNING version, code`;
  const row = rows[0];
  if (!row) return null;
  await tx.auditEvent.create({
    data: toAuditRow({
      projectId: input.projectId,
      actor: input.actor,
      action: input.auditAction ?? `unit.${input.action}`,
      entity: 'unit',
      entityId: input.unitId,
      before: { status: shownFrom, unitCode: row.code, ...input.before },
      after: { status: to, ...input.after },
      at: input.at,
    }),
  });
  const change: StoredChange = { unitId: input.unitId, status: to, version: row.version };
  if (input.sold) {
    change.price = input.sold.price;
    change.deal = input.sold.deal;
  }
  if (input.lockToken !== undefined) change.token = input.lockToken;
  return { change, code: row.code };
}

/**
 * 推盘: every unit of a batch still NOT_RELEASED becomes AVAILABLE, with one `batch.release` event
 * naming them (`after` adds to it, e.g. the schedule it ran for). Refused as a whole — nothing
 * released — while the project is archived, or when it has presale permits and one of the units is
 * outside all of them (permits.ts: UNIT_NOT_PERMITTED naming the units).
 */
export async function releaseBatchUnits(
  tx: Tx,
  input: { projectId: string; batchId: string; actor: AuditInput['actor']; after?: Record<string, unknown> },
): Promise<StoredChange[]> {
  const { from, to } = storedTransition('release');
  await assertReleasable(tx, input.projectId, input.batchId);
  const rows = await tx.$queryRaw<{ id: string; version: number; code: string }[]>`
    UPDATE units SET status = ${to}::"UnitStatus", version = version + 1, updated_at = now()
    WHERE batch_id = ${input.batchId}::uuid AND project_id = ${input.projectId}::uuid AND status = ${from}::"UnitStatus"
    RETURNING id::text AS id, version, code`;
  await tx.auditEvent.create({
    data: toAuditRow({
      projectId: input.projectId,
      actor: input.actor,
      action: 'batch.release',
      entity: 'batch',
      entityId: input.batchId,
      before: { status: 'PENDING' },
      after: { status: 'RELEASED', units: rows.map((r) => r.code), ...input.after },
    }),
  });
  return rows.map((r) => ({ unitId: r.id, status: to, version: r.version }));
}

/**
 * A sold unit's deal changed without a status change (调价): its version moves so the mirror — board
 * totals, sold prices — takes the new price. Null when the unit is not SUBSCRIBED. The subscription's
 * own audit event tells the change.
 */
export async function repriceSoldUnit(
  tx: Tx,
  input: { projectId: string; unitId: string; price: number },
): Promise<StoredChange | null> {
  const rows = await tx.$queryRaw<{ version: number }[]>`
    UPDATE units SET version = version + 1, updated_at = now()
    WHERE id = ${input.unitId}::uuid AND project_id = ${input.projectId}::uuid AND status = 'SUBSCRIBED' RETURNING version`;
  return rows[0] ? { unitId: input.unitId, status: 'SUBSCRIBED', version: rows[0].version, price: input.price } : null;
}
