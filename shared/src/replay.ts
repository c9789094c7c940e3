/**
 * Launch replay 开盘回放 (docs/replay.md): the board replays the morning from the record. The server
 * answers the state of every unit at `from` and the ordered status changes until `to`
 * (GET /api/projects/:projectId/replay), and the deals (price, consultant) the record sets; this
 * module is the rule both sides apply — a unit's status (and deal) at instant T is that after the last
 * change at or before T.
 */
import { z } from 'zod';
import { UNIT_STATUSES, type UnitStatus } from './unit-status.js';

/** One status change of one unit, as the audit record tells it. */
export const replayChangeSchema = z.object({
  /** The audit event it comes from (several changes share a 推盘's event). */
  eventId: z.string(),
  /** When (ISO, UTC, ms). */
  at: z.string(),
  unitId: z.string(),
  from: z.enum(UNIT_STATUSES),
  to: z.enum(UNIT_STATUSES),
  /** The audit action, e.g. `unit.confirm`, `batch.release`. */
  action: z.string(),
});
export type ReplayChange = z.infer<typeof replayChangeSchema>;

/** A unit's deal as the record sets it: by its confirmation or 换房 replacement, or a 调价 of the deal. */
export const replayDealSchema = z.object({
  at: z.string(),
  unitId: z.string(),
  /** The deal price from then on, fen. */
  price: z.number().int(),
  /** The deal's consultant (null: the record does not tell). */
  consultantId: z.string().nullable(),
});
export type ReplayDeal = z.infer<typeof replayDealSchema>;

/** A unit's deal at an instant: its price and consultant. */
export type ReplayDealState = Pick<ReplayDeal, 'price' | 'consultantId'>;

export const replaySchema = z.object({
  /** The window replayed (ISO, UTC). */
  from: z.string(),
  to: z.string(),
  /** The project's time zone: the replay clock is shown in it. */
  timeZone: z.string(),
  /** Every unit's status at `from` (changes at exactly `from` included). */
  initial: z.record(z.string(), z.enum(UNIT_STATUSES)),
  /** Changes after `from` up to and including `to`, oldest first. */
  changes: z.array(replayChangeSchema),
  /** Each unit's last deal at `from`, where the record sets one. */
  initialDeals: z.record(z.string(), replayDealSchema.pick({ price: true, consultantId: true })),
  /** Deals set after `from` up to and including `to`, oldest first. */
  deals: z.array(replayDealSchema),
  /** The deals' consultants (staff names; a deal's team is its consultant's in this project) and the teams. */
  consultants: z.array(z.object({ id: z.string(), name: z.string(), teamId: z.string().nullable() })),
  teams: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type Replay = z.infer<typeof replaySchema>;

/** Most changes one replay answers (a launch morning of 2,000 units writes well under this). */
export const REPLAY_MAX_CHANGES = 200_000;
/** Longest window one replay covers. */
export const REPLAY_MAX_SPAN_MS = 7 * 24 * 3600_000;

/**
 * How many of `changes` (oldest first) happened at or before `at` (epoch ms): the replay's cursor.
 * Binary search: scrubbing the slider is O(log n) to find, O(k) to apply.
 */
export function changesUntil(changes: readonly Pick<ReplayChange, 'at'>[], at: number): number {
  let lo = 0;
  let hi = changes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Date.parse(changes[mid]!.at) <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Every unit's status at `at`: the initial state with the changes at or before it applied. */
export function replayStateAt(replay: Pick<Replay, 'initial' | 'changes'>, at: number): Record<string, UnitStatus> {
  const state: Record<string, UnitStatus> = { ...replay.initial };
  const n = changesUntil(replay.changes, at);
  for (let i = 0; i < n; i++) {
    const c = replay.changes[i]!;
    state[c.unitId] = c.to;
  }
  return state;
}

/**
 * Each unit's last deal at `at`: that of its latest confirmation, 换房 replacement or 调价 at or before
 * `at`. Only a sold unit's deal counts (a cancelled deal stays here until the unit sells again, but
 * the unit is no longer sold).
 */
export function replayDealsAt(
  replay: Pick<Replay, 'initialDeals' | 'deals'>,
  at: number,
): Record<string, ReplayDealState> {
  const deals: Record<string, ReplayDealState> = { ...replay.initialDeals };
  const n = changesUntil(replay.deals, at);
  for (let i = 0; i < n; i++) {
    const d = replay.deals[i]!;
    deals[d.unitId] = { price: d.price, consultantId: d.consultantId };
  }
  return deals;
}

/** The replay speeds offered (× real time). */
export const REPLAY_SPEEDS = [1, 5, 15, 60] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];
