/**
 * Launch replay from the record, as pure rules (docs/replay.md): audit events → unit status changes,
 * and the state of every unit at any instant. No I/O: replay-service.ts reads the rows.
 *
 * The record is the audit log (append-only, server/src/audit-chain/): every status change writes
 * one event with `before.status` and `after.status` (selling/unit-transitions.ts, the Lua steps'
 * events in sales-service.ts and lock-sweeper.ts, kaipan_confirm.sql), and a 推盘 writes one
 * `batch.release` naming its units by code.
 */
import { UNIT_STATUSES, type ReplayChange, type ReplayDeal, type UnitStatus } from '@kaipan/shared';

/** The audit actions that change a unit's status, as their events are written. */
export const UNIT_STATUS_ACTIONS = [
  'unit.lock',
  'unit.release',
  'unit.lock_expired',
  'unit.lock_revoked',
  'unit.confirm',
  'unit.sign',
  'unit.cancel',
  'unit.withhold',
  'unit.unwithhold',
  'unit.change_out',
  'unit.change_in',
] as const;
/** A batch released 推盘: its units went from NOT_RELEASED to AVAILABLE. */
export const BATCH_RELEASE_ACTION = 'batch.release';
/** The actions that set a deal's price: a confirmation, a 换房 replacement (both name the subscription). */
const DEAL_ACTIONS = new Set(['unit.confirm', 'unit.change_in']);
/** A 调价 of a deal: written on the subscription (execute-price-change.ts), not on the unit. */
export const PRICE_CHANGE_ACTION = 'subscription.price_change';

/** The columns of an audit event the replay reads. */
export interface StatusEventRow {
  id: bigint | string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  createdAt: Date;
}

const STATUSES = new Set<string>(UNIT_STATUSES);

function statusIn(payload: unknown): UnitStatus | null {
  if (!payload || typeof payload !== 'object') return null;
  const status = (payload as { status?: unknown }).status;
  return typeof status === 'string' && STATUSES.has(status) ? (status as UnitStatus) : null;
}

/**
 * The unit status changes the events tell, in the events' order (give them oldest first: by time,
 * then id). `unitIdByCode` resolves the unit codes a `batch.release` names. An event without a
 * readable status (none written today) is skipped rather than guessed.
 */
export function statusChangesOf(
  rows: readonly StatusEventRow[],
  unitIdByCode: ReadonlyMap<string, string>,
): ReplayChange[] {
  const out: ReplayChange[] = [];
  for (const row of rows) {
    const at = row.createdAt.toISOString();
    const eventId = String(row.id);
    if (row.action === BATCH_RELEASE_ACTION) {
      const codes = (row.after as { units?: unknown } | null)?.units;
      if (!Array.isArray(codes)) continue;
      for (const code of codes) {
        const unitId = typeof code === 'string' ? unitIdByCode.get(code) : undefined;
        if (unitId) out.push({ eventId, at, unitId, from: 'NOT_RELEASED', to: 'AVAILABLE', action: row.action });
      }
      continue;
    }
    if (row.entity !== 'unit') continue;
    const to = statusIn(row.after);
    if (!to) continue;
    out.push({ eventId, at, unitId: row.entityId, from: statusIn(row.before) ?? to, to, action: row.action });
  }
  return out;
}

/** A subscription's unit and consultant (neither ever changes: a 换房 makes a new subscription). */
export interface DealRow {
  id: string;
  unitId: string;
  consultantId: string;
}

/**
 * The deals the events set, in the events' order (give them oldest first): a confirmation's or 换房
 * replacement's `after.price`, and a 调价's, each with its unit and consultant from the subscription
 * it names (`subscriptions`). A 调价 of a subscription not found is skipped rather than guessed.
 */
export function dealsOf(rows: readonly StatusEventRow[], subscriptions: ReadonlyMap<string, DealRow>): ReplayDeal[] {
  const out: ReplayDeal[] = [];
  for (const row of rows) {
    const after = row.after as { price?: unknown; subscriptionId?: unknown } | null;
    const price = after?.price;
    if (typeof price !== 'number' || !Number.isSafeInteger(price)) continue;
    const at = row.createdAt.toISOString();
    if (row.entity === 'unit' && DEAL_ACTIONS.has(row.action)) {
      const deal = typeof after?.subscriptionId === 'string' ? subscriptions.get(after.subscriptionId) : undefined;
      out.push({ at, unitId: row.entityId, price, consultantId: deal?.consultantId ?? null });
    } else if (row.entity === 'subscription' && row.action === PRICE_CHANGE_ACTION) {
      const deal = subscriptions.get(row.entityId);
      if (deal) out.push({ at, unitId: deal.unitId, price, consultantId: deal.consultantId });
    }
  }
  return out;
}

/**
 * Every unit's status at instant `at` (epoch ms) from the record: the status after the unit's last
 * change at or before `at`; before its first change, the status that change started from; a unit
 * the record never changed has its current status. `changes` oldest first.
 */
export function stateFromRecord(
  units: readonly { id: string; status: UnitStatus }[],
  changes: readonly ReplayChange[],
  at: number,
): Record<string, UnitStatus> {
  const lastBefore = new Map<string, UnitStatus>();
  const firstAfter = new Map<string, UnitStatus>();
  for (const c of changes) {
    if (Date.parse(c.at) <= at) lastBefore.set(c.unitId, c.to);
    else if (!firstAfter.has(c.unitId)) firstAfter.set(c.unitId, c.from);
  }
  const state: Record<string, UnitStatus> = {};
  for (const u of units) state[u.id] = lastBefore.get(u.id) ?? firstAfter.get(u.id) ?? u.status;
  return state;
}

/**
 * The replay of a window: the state and the deals at `from`, and the changes and deals in (from, to],
 * oldest first.
 */
export function replayWindow(
  units: readonly { id: string; status: UnitStatus }[],
  changes: readonly ReplayChange[],
  deals: readonly ReplayDeal[],
  from: number,
  to: number,
): {
  initial: Record<string, UnitStatus>;
  changes: ReplayChange[];
  initialDeals: Record<string, Pick<ReplayDeal, 'price' | 'consultantId'>>;
  deals: ReplayDeal[];
} {
  const known = new Set(units.map((u) => u.id));
  const inWindow = (at: string) => Date.parse(at) > from && Date.parse(at) <= to;
  const initialDeals: Record<string, Pick<ReplayDeal, 'price' | 'consultantId'>> = {};
  for (const d of deals)
    if (known.has(d.unitId) && Date.parse(d.at) <= from)
      initialDeals[d.unitId] = { price: d.price, consultantId: d.consultantId };
  return {
    initial: stateFromRecord(units, changes, from),
    changes: changes.filter((c) => known.has(c.unitId) && inWindow(c.at)),
    initialDeals,
    deals: deals.filter((d) => known.has(d.unitId) && inWindow(d.at)),
  };
}
