/**
 * The dashboard's shaping (docs/dashboard.md): aggregate rows, as a few SQL queries return them,
 * become the dashboard model — slices, floor bands, per-minute buckets, rankings, alerts. Pure (no
 * I/O, the clock is an argument) and shared: the server shapes the live dashboard with it
 * (server/src/services/dashboard-service.ts), and the dashboard's replay feeds it rows reconstructed
 * from the record at an instant T (./replay-dashboard.ts) — one definition of each figure.
 */
import type { Dashboard, DashboardAlert, DashboardSlice, SalesTarget } from './api/dashboard.js';
import { isSold, type UnitStatus } from './unit-status.js';
import { wallClock } from './zoned-time.js';

/** Floors per band of the sell-through by floor (1–5, 6–10, …; basements: one band). */
export const FLOOR_BAND = 5;
/** A consultant whose locks expired this often within LOCK_EXPIRY_WINDOW_MINUTES is flagged. */
export const LOCK_EXPIRY_ALERT = 2;
export const LOCK_EXPIRY_WINDOW_MINUTES = 30;
/** Most approvals listed one by one among the alerts (the rest wait on the deals page). */
export const MAX_APPROVAL_ALERTS = 5;

/** Units of one (building, layout, floor, status), with their area and sold amount. */
export interface UnitGroupRow {
  buildingId: string;
  layout: string;
  layoutName: string;
  floor: number;
  status: UnitStatus;
  units: number;
  /** Gross area, hundredths of m² (integers: sums stay exact). */
  areaCenti: number;
  /** Live deal price, or list price where no live deal is known; fen. Counted for sold units only. */
  amountFen: number;
}

/** Everything the dashboard is made from, read in one snapshot of the database. */
export interface DashboardRows {
  now: Date;
  project: Dashboard['project'];
  timeZone: string;
  target: SalesTarget;
  buildings: readonly { id: string; name: string; nameEn: string }[];
  units: readonly UnitGroupRow[];
  /** New subscriptions (not the replacements of a 换房) by minute (UTC minute start). */
  minutes: readonly { at: Date; count: number }[];
  /** Live deals (ACTIVE + CONTRACTED) by consultant. */
  consultants: readonly { id: string; name: string; teamId: string | null; units: number; amountFen: number }[];
  teams: readonly { id: string; name: string }[];
  /** Recorded subscription deposits by payment method (a payment split over methods counts once per method). */
  deposits: readonly { method: string; payments: number; amountFen: number }[];
  /** Recorded subscription deposits (each payment once). */
  depositPayments: number;
  activeRegistrations: number;
  /** Queue numbers by status; `avgSelectionSeconds` on the SERVED row (call → served). */
  tickets: readonly { status: string; count: number; avgSelectionSeconds: number | null }[];
  /** Lock expiries of the last LOCK_EXPIRY_WINDOW_MINUTES by the consultant who held the lock. */
  lockExpiries: readonly { consultantId: string; consultant: string; count: number; lastAt: Date }[];
  pendingApprovals: readonly { id: string; unitCode: string; consultant: string; requestedAt: Date }[];
  overdueDeposits: { count: number; oldestDueAt: Date | null };
}

/** The dashboard model from its rows. */
export function shapeDashboard(rows: DashboardRows): Dashboard {
  const buildingOf = new Map(rows.buildings.map((b) => [b.id, b]));
  const byBuilding = new SliceSet();
  const byLayout = new SliceSet();
  const byBand = new SliceSet();
  const totals = { units: 0, released: 0, available: 0, withheld: 0, sold: 0, soldArea: 0, soldAmountFen: 0 };
  let soldAreaCenti = 0;
  // Every building, in order, even before anything sells there.
  for (const b of rows.buildings) byBuilding.slice(b.id, b.name, b.nameEn);
  for (const g of rows.units) {
    totals.units += g.units;
    if (g.status === 'AVAILABLE') totals.available += g.units;
    if (g.status === 'WITHHELD') totals.withheld += g.units;
    if (g.status === 'NOT_RELEASED') continue;
    totals.released += g.units;
    const sold = isSold(g.status);
    if (sold) {
      totals.sold += g.units;
      soldAreaCenti += g.areaCenti;
      totals.soldAmountFen += g.amountFen;
    }
    const building = buildingOf.get(g.buildingId);
    const band = floorBand(g.floor);
    const layoutLabel = g.layoutName && g.layoutName !== g.layout ? `${g.layout} ${g.layoutName}` : g.layout;
    const slices = [
      byBuilding.slice(g.buildingId, building?.name ?? '?', building?.nameEn ?? '?'),
      byLayout.slice(g.layout, layoutLabel, layoutLabel),
      byBand.slice(band.key, band.label, band.labelEn, band.order),
    ];
    for (const s of slices) {
      s.released += g.units;
      if (sold) {
        s.sold += g.units;
        s.soldAmountFen += g.amountFen;
      }
    }
  }
  totals.soldArea = soldAreaCenti / 100;

  const released = totals.released;
  const ticket = (status: string) => rows.tickets.find((t) => t.status === status);
  const issued = rows.tickets.reduce((n, t) => n + t.count, 0);
  return {
    generatedAt: rows.now.toISOString(),
    project: rows.project,
    timeZone: rows.timeZone,
    totals,
    target: rows.target,
    byBuilding: byBuilding.list(),
    byLayout: byLayout.list().sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true })),
    byFloorBand: byBand.list(),
    perMinute: perMinute(rows.minutes, rows.timeZone),
    ...rankings(rows),
    deposits: {
      totalFen: rows.deposits.reduce((n, d) => n + d.amountFen, 0),
      payments: rows.depositPayments,
      byMethod: [...rows.deposits].sort((a, b) => b.amountFen - a.amountFen || a.method.localeCompare(b.method)),
    },
    registrations: {
      active: rows.activeRegistrations,
      released,
      ratio: released === 0 ? null : rows.activeRegistrations / released,
    },
    queue: {
      issued,
      waiting: ticket('WAITING')?.count ?? 0,
      called: ticket('CALLED')?.count ?? 0,
      served: ticket('SERVED')?.count ?? 0,
      missed: (ticket('NO_SHOW')?.count ?? 0) + (ticket('DROPPED')?.count ?? 0),
      avgSelectionSeconds: ticket('SERVED')?.avgSelectionSeconds ?? null,
    },
    alerts: alerts(rows),
  };
}

/** The band of a floor: 1–5, 6–10, …; every basement floor in one band "B". */
export function floorBand(floor: number): { key: string; label: string; labelEn: string; order: number } {
  if (floor < 1) return { key: 'B', label: '地下', labelEn: 'Basement', order: 0 };
  const from = Math.floor((floor - 1) / FLOOR_BAND) * FLOOR_BAND + 1;
  const to = from + FLOOR_BAND - 1;
  return { key: `${from}-${to}`, label: `${from}–${to}层`, labelEn: `F${from}–${to}`, order: from };
}

/**
 * Subscriptions per minute on the latest sales day (in the project's zone): every minute from the
 * day's first subscription to its last, empty ones as 0, so the chart's time axis is even.
 */
export function perMinute(minutes: readonly { at: Date; count: number }[], timeZone: string): Dashboard['perMinute'] {
  if (minutes.length === 0) return { day: null, minutes: [] };
  const dayOf = (at: Date): string => {
    const w = wallClock(at, timeZone);
    return `${w.year}-${w.month}-${w.day}`;
  };
  const latest = minutes.reduce((a, b) => (b.at > a.at ? b : a));
  const day = dayOf(latest.at);
  const counts = new Map<number, number>();
  for (const m of minutes) {
    if (dayOf(m.at) !== day) continue;
    const minute = Math.floor(m.at.getTime() / 60_000) * 60_000;
    counts.set(minute, (counts.get(minute) ?? 0) + m.count);
  }
  const keys = [...counts.keys()];
  const first = Math.min(...keys);
  const last = Math.max(...keys);
  const out: { at: string; count: number }[] = [];
  for (let t = first; t <= last; t += 60_000) out.push({ at: new Date(t).toISOString(), count: counts.get(t) ?? 0 });
  return { day, minutes: out };
}

function rankings(rows: DashboardRows): Pick<Dashboard, 'consultants' | 'teams'> {
  const best = <T extends { units: number; amountFen: number; name: string }>(a: T, b: T): number =>
    b.units - a.units || b.amountFen - a.amountFen || a.name.localeCompare(b.name, 'zh-CN');
  const consultants = rows.consultants.filter((c) => c.units > 0).map((c) => ({ ...c }));
  const teamName = new Map(rows.teams.map((t) => [t.id, t.name]));
  const teams = new Map<string | null, { id: string | null; name: string; units: number; amountFen: number }>();
  for (const c of consultants) {
    const id = c.teamId !== null && teamName.has(c.teamId) ? c.teamId : null;
    const team = teams.get(id) ?? { id, name: id === null ? '' : (teamName.get(id) ?? ''), units: 0, amountFen: 0 };
    team.units += c.units;
    team.amountFen += c.amountFen;
    teams.set(id, team);
  }
  return { consultants: consultants.sort(best), teams: [...teams.values()].sort(best) };
}

function alerts(rows: DashboardRows): DashboardAlert[] {
  const out: DashboardAlert[] = [];
  for (const e of [...rows.lockExpiries].sort((a, b) => b.count - a.count)) {
    if (e.count < LOCK_EXPIRY_ALERT) continue;
    out.push({
      kind: 'LOCKS_EXPIRING',
      consultantId: e.consultantId,
      consultant: e.consultant,
      expiries: e.count,
      lastAt: e.lastAt.toISOString(),
    });
  }
  const waiting = [...rows.pendingApprovals].sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime());
  for (const a of waiting.slice(0, MAX_APPROVAL_ALERTS)) {
    out.push({
      kind: 'APPROVAL_WAITING',
      approvalId: a.id,
      unitCode: a.unitCode,
      consultant: a.consultant,
      since: a.requestedAt.toISOString(),
    });
  }
  const overdue = rows.overdueDeposits;
  if (overdue.count > 0 && overdue.oldestDueAt) {
    out.push({
      kind: 'DEPOSITS_OVERDUE',
      subscriptions: overdue.count,
      oldestDueAt: overdue.oldestDueAt.toISOString(),
    });
  }
  return out;
}

/** Slices by key, in the order first seen (or by `order`). */
class SliceSet {
  private readonly slices = new Map<string, DashboardSlice & { order: number }>();

  slice(key: string, label: string, labelEn: string, order = this.slices.size): DashboardSlice {
    let s = this.slices.get(key);
    if (!s) {
      s = { key, label, labelEn, released: 0, sold: 0, soldAmountFen: 0, order };
      this.slices.set(key, s);
    }
    return s;
  }

  list(): DashboardSlice[] {
    return [...this.slices.values()].sort((a, b) => a.order - b.order).map(({ order: _order, ...slice }) => slice);
  }
}
