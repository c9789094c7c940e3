/**
 * The sales dashboard at an instant T of a launch replay (docs/replay.md, docs/dashboard.md): the
 * figures the audit record can tell honestly, shaped by the SAME `shapeDashboard` as the live
 * dashboard (./dashboard.ts) from rows reconstructed at T — the units' statuses and deals (price,
 * consultant) at T (./replay.ts `replayStateAt`, `replayDealsAt`) grouped with their static facts
 * (the catalog), and the new subscriptions (`unit.confirm`) up to T by minute.
 *
 * What the record does not tell at T is left out of the model, so a screen cannot show a live value
 * under a replay clock: deposits, registrations, the queue and alerts.
 */
import type { Dashboard } from './api/dashboard.js';
import { shapeDashboard, type UnitGroupRow } from './dashboard.js';
import type { BuildingInfo, CatalogUnit } from './protocol.js';
import { replayDealsAt, replayStateAt, type Replay } from './replay.js';
import { isSold } from './unit-status.js';

/** The audit action of a new subscription (a 换房's replacement is `unit.change_in`: the same sale). */
export const NEW_SUBSCRIPTION_ACTION = 'unit.confirm';

/** The dashboard figures a replay reconstructs (everything else is "not available in replay"). */
export type ReplayedDashboard = Pick<
  Dashboard,
  | 'generatedAt'
  | 'project'
  | 'timeZone'
  | 'target'
  | 'totals'
  | 'byBuilding'
  | 'byLayout'
  | 'byFloorBand'
  | 'perMinute'
  | 'consultants'
  | 'teams'
>;

/** What does not change over a replay: the project, its target, its buildings and units' facts. */
export interface ReplayedDashboardBase {
  project: Dashboard['project'];
  timeZone: string;
  target: Dashboard['target'];
  buildings: readonly Pick<BuildingInfo, 'id' | 'name' | 'nameEn'>[];
  units: readonly Pick<
    CatalogUnit,
    'id' | 'buildingId' | 'layout' | 'layoutName' | 'floor' | 'grossArea' | 'listPrice'
  >[];
}

/**
 * The dashboard at `at` (epoch ms) from a replay's record. A sold unit's amount is its last deal
 * price at T, its list price where the record sets none (as the live dashboard: a seeded sale); the
 * rankings count the sold units' deals by consultant (a seeded deal is not ranked). The
 * subscriptions per minute count the
 * window's `unit.confirm` changes: a window that starts at the project-local midnight of its first
 * day holds every subscription of T's day (the day the live chart shows).
 */
export function dashboardAt(
  base: ReplayedDashboardBase,
  replay: Pick<Replay, 'initial' | 'changes' | 'initialDeals' | 'deals' | 'consultants' | 'teams'>,
  at: number,
): ReplayedDashboard {
  const statuses = replayStateAt(replay, at);
  const deals = replayDealsAt(replay, at);
  const staff = new Map(replay.consultants.map((c) => [c.id, c]));
  const ranked = new Map<
    string,
    { id: string; name: string; teamId: string | null; units: number; amountFen: number }
  >();
  const groups = new Map<string, UnitGroupRow>();
  for (const u of base.units) {
    const replayed = statuses[u.id];
    if (!replayed) continue;
    // The live dashboard reads PostgreSQL, where a locked unit is an AVAILABLE row (the lock lives in
    // Redis, selling/sql/kaipan_confirm.sql): a lock is no sale and counts as available there too.
    const status = replayed === 'LOCKED' ? 'AVAILABLE' : replayed;
    const key = `${u.buildingId}\u0000${u.layout}\u0000${u.layoutName}\u0000${u.floor}\u0000${status}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        buildingId: u.buildingId,
        layout: u.layout,
        layoutName: u.layoutName,
        floor: u.floor,
        status,
        units: 0,
        areaCenti: 0,
        amountFen: 0,
      };
      groups.set(key, g);
    }
    g.units += 1;
    g.areaCenti += Math.round(u.grossArea * 100);
    if (!isSold(status)) continue;
    const deal = deals[u.id];
    g.amountFen += deal?.price ?? u.listPrice;
    // The ranking counts the live deals the record tells, by their consultant.
    const consultant = deal?.consultantId ? staff.get(deal.consultantId) : undefined;
    if (!deal || !consultant) continue;
    const row = ranked.get(consultant.id) ?? { ...consultant, units: 0, amountFen: 0 };
    row.units += 1;
    row.amountFen += deal.price;
    ranked.set(consultant.id, row);
  }
  const minutes = new Map<number, number>();
  for (const c of replay.changes) {
    const t = Date.parse(c.at);
    if (t > at) break;
    if (c.action !== NEW_SUBSCRIPTION_ACTION) continue;
    const minute = Math.floor(t / 60_000) * 60_000;
    minutes.set(minute, (minutes.get(minute) ?? 0) + 1);
  }
  const d = shapeDashboard({
    now: new Date(at),
    project: base.project,
    timeZone: base.timeZone,
    target: base.target,
    buildings: base.buildings,
    units: [...groups.values()],
    minutes: [...minutes].map(([t, count]) => ({ at: new Date(t), count })),
    consultants: [...ranked.values()],
    teams: replay.teams,
    deposits: [],
    depositPayments: 0,
    activeRegistrations: 0,
    tickets: [],
    lockExpiries: [],
    pendingApprovals: [],
    overdueDeposits: { count: 0, oldestDueAt: null },
  });
  return replayedPart(d);
}

/** The part of a dashboard (live or shaped at T) that a replay reconstructs. */
export function replayedPart(d: Dashboard): ReplayedDashboard {
  return {
    generatedAt: d.generatedAt,
    project: d.project,
    timeZone: d.timeZone,
    target: d.target,
    totals: d.totals,
    byBuilding: d.byBuilding,
    byLayout: d.byLayout,
    byFloorBand: d.byFloorBand,
    perMinute: d.perMinute,
    consultants: d.consultants,
    teams: d.teams,
  };
}
