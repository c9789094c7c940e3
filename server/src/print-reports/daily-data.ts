/**
 * The 日报's numbers for one project-local day, read from PostgreSQL. Definitions (docs/reports-print.md):
 * - the day = [00:00, 24:00) of the date in the project's time zone (zonedDayWindow);
 * - subscribed that day = subscriptions created in the day that are not a 换房 replacement
 *   (`replacesId` null), whatever became of them later — a same-day 退房 is also counted as cancelled;
 * - cancelled / changed that day = subscriptions closed (`closedAt`) in the day as CANCELLED / CHANGED;
 * - cumulative = subscriptions live at the end of the day: created before it ended and not closed by then;
 * - money = payment lines of payments made in the day and not voided; REFUND payments counted apart;
 *   received = every line but 诚意金转入 CONVERSION (no money moves: it was received as 诚意金).
 */
import { auditSentence, PAYMENT_METHOD_LABELS, personView, zonedDayWindow } from '@kaipan/shared';
import type { UserPrincipal } from '../domain/principal.js';
import type { Db } from '../infra/db.js';
import type { BreakdownLine, DailyReport, Tally } from '../documents/daily-report.js';
import { toAuditEntries } from '../services/audit-entries.js';
import type { ProjectDirectory } from '../services/project-directory.js';

const toNumber = (v: { toString(): string } | number | bigint): number => Number(v.toString());

/** Audit actions a director wants to read about in the evening. */
export const NOTABLE_ACTIONS = [
  'sales.pause',
  'sales.resume',
  'batch.release',
  'batch.cancel',
  'price_list.activate',
  'price_approval.approve',
  'price_approval.reject',
  'change.execute',
  'lottery.draw',
  'receipt.void_approve',
  'day.close',
] as const;
/** Most notable events the report lists. */
export const NOTABLE_MAX = 60;

const empty = (): Tally => ({ count: 0, area: 0, amount: 0 });

/** Adds one subscription (area in m², amount in fen) to a tally; area kept exact in hundredths. */
function add(t: Tally, area: number, amount: number): void {
  t.count += 1;
  t.area = Math.round(t.area * 100 + Math.round(area * 100)) / 100;
  t.amount += amount;
}

interface Sub {
  createdAt: Date;
  closedAt: Date | null;
  replacesId: string | null;
  price: bigint;
  consultantId: string;
  consultant: { displayName: string };
  unit: { code: string; grossArea: { toString(): string }; layoutName: string; buildingId: string };
}

export async function loadDailyReport(
  db: Db,
  directory: ProjectDirectory,
  viewer: UserPrincipal,
  projectId: string,
  date: string,
  timeZone: string,
): Promise<Omit<DailyReport, 'chainHead'>> {
  const { from, to } = zonedDayWindow(date, timeZone);
  const inDay = { gte: from, lt: to };
  const subSelect = {
    createdAt: true,
    closedAt: true,
    replacesId: true,
    price: true,
    consultantId: true,
    consultant: { select: { displayName: true } },
    unit: { select: { code: true, grossArea: true, layoutName: true, buildingId: true } },
  } as const;
  const [
    live,
    closed,
    buildings,
    units,
    members,
    payments,
    registrationsDay,
    registrationsTotal,
    customersDay,
    events,
  ] = await Promise.all([
    // Every subscription that counts for the day or the cumulative: created before the day ended.
    db.subscription.findMany({
      where: { projectId, createdAt: { lt: to }, OR: [{ closedAt: null }, { closedAt: { gte: from } }] },
      select: subSelect,
    }) as Promise<Sub[]>,
    db.subscription.findMany({
      where: { projectId, status: { in: ['CANCELLED', 'CHANGED'] }, closedAt: inDay },
      orderBy: { closedAt: 'asc' },
      select: { ...subSelect, status: true, closeReason: true },
    }),
    db.building.findMany({
      where: { projectId },
      orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }],
      select: { id: true, name: true },
    }),
    db.unit.groupBy({
      by: ['buildingId', 'layoutName'],
      where: { projectId, status: { not: 'NOT_RELEASED' } },
      _count: { _all: true },
    }),
    db.projectMember.findMany({ where: { projectId }, select: { userId: true, team: { select: { name: true } } } }),
    db.payment.findMany({
      where: { projectId, createdAt: inDay, status: { not: 'VOIDED' } },
      select: { kind: true, amount: true, lines: { select: { method: true, amount: true } } },
    }),
    db.registration.count({ where: { projectId, createdAt: inDay } }),
    db.registration.count({ where: { projectId, createdAt: { lt: to } } }),
    db.customer.count({ where: { projectId, createdAt: inDay } }),
    db.auditEvent.findMany({
      where: { projectId, createdAt: inDay, action: { in: [...NOTABLE_ACTIONS] } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: NOTABLE_MAX + 1,
    }),
  ]);

  const isDay = (s: Sub): boolean => s.createdAt >= from && s.replacesId === null;
  const isLiveAtEnd = (s: Sub): boolean => s.closedAt === null || s.closedAt >= to;
  const day = empty();
  const cumulative = empty();
  const buildingName = new Map(buildings.map((b) => [b.id, b.name]));
  const teamOf = new Map(members.map((m) => [m.userId, m.team?.name ?? null]));
  const lines = {
    building: new Map<string, BreakdownLine>(),
    layout: new Map<string, BreakdownLine>(),
    consultant: new Map<string, BreakdownLine & { team: string | null }>(),
    team: new Map<string, BreakdownLine>(),
  };
  const line = <L extends BreakdownLine>(map: Map<string, L>, key: string, make: () => L): L => {
    let l = map.get(key);
    if (!l) map.set(key, (l = make()));
    return l;
  };
  const fresh = (name: string, released: number | null): BreakdownLine => ({
    name,
    day: empty(),
    cumulative: empty(),
    released,
  });
  const releasedIn = (pick: (u: (typeof units)[number]) => boolean): number =>
    units.filter(pick).reduce((n, u) => n + u._count._all, 0);
  for (const b of buildings)
    line(lines.building, b.id, () =>
      fresh(
        b.name,
        releasedIn((u) => u.buildingId === b.id),
      ),
    );
  for (const s of live) {
    const area = toNumber(s.unit.grossArea);
    const price = toNumber(s.price);
    const team = teamOf.get(s.consultantId) ?? null;
    const targets = [
      line(lines.building, s.unit.buildingId, () =>
        fresh(
          buildingName.get(s.unit.buildingId) ?? '—',
          releasedIn((u) => u.buildingId === s.unit.buildingId),
        ),
      ),
      line(lines.layout, s.unit.layoutName, () =>
        fresh(
          s.unit.layoutName,
          releasedIn((u) => u.layoutName === s.unit.layoutName),
        ),
      ),
      line(lines.consultant, s.consultantId, () => ({ ...fresh(s.consultant.displayName, null), team })),
      ...(team ? [line(lines.team, team, () => fresh(team, null))] : []),
    ];
    if (isDay(s)) {
      add(day, area, price);
      for (const t of targets) add(t.day, area, price);
    }
    if (isLiveAtEnd(s)) {
      add(cumulative, area, price);
      for (const t of targets) add(t.cumulative, area, price);
    }
  }

  const cancelled = empty();
  const changed = empty();
  for (const c of closed)
    add(c.status === 'CANCELLED' ? cancelled : changed, toNumber(c.unit.grossArea), toNumber(c.price));

  const byMethod = new Map<string, { count: number; amount: number }>();
  let received = 0;
  let refunds = 0;
  for (const p of payments) {
    if (p.kind === 'REFUND') {
      refunds += toNumber(p.amount);
      continue;
    }
    for (const l of p.lines) {
      // 诚意金转入 moves no money: the sincerity deposit was received when it was paid.
      if (l.method !== 'CONVERSION') received += toNumber(l.amount);
      const m = byMethod.get(l.method) ?? { count: 0, amount: 0 };
      m.count += 1;
      m.amount += toNumber(l.amount);
      byMethod.set(l.method, m);
    }
  }

  const entries = await toAuditEntries(db, directory, projectId, events.slice(0, NOTABLE_MAX), personView(viewer, {}));
  const active = (l: BreakdownLine): boolean => l.day.count > 0 || l.cumulative.count > 0;
  const byAmount = (a: BreakdownLine, b: BreakdownLine): number =>
    b.day.amount - a.day.amount || b.cumulative.amount - a.cumulative.amount;
  return {
    date,
    from: from.toISOString(),
    to: to.toISOString(),
    day,
    cancelled,
    changed,
    cumulative,
    released: units.reduce((n, u) => n + u._count._all, 0),
    byBuilding: [...lines.building.values()],
    byLayout: [...lines.layout.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
    byConsultant: [...lines.consultant.values()].filter(active).sort(byAmount),
    byTeam: [...lines.team.values()].filter(active).sort(byAmount),
    money: {
      byMethod: [...byMethod.entries()].map(([method, m]) => ({
        method,
        zh: PAYMENT_METHOD_LABELS[method as keyof typeof PAYMENT_METHOD_LABELS]?.zh ?? method,
        en: PAYMENT_METHOD_LABELS[method as keyof typeof PAYMENT_METHOD_LABELS]?.en ?? method,
        ...m,
      })),
      received,
      refunds,
    },
    closed: closed.map((c) => ({
      at: c.closedAt!.toISOString(),
      unit: c.unit.code,
      kind: c.status as 'CANCELLED' | 'CHANGED',
      consultant: c.consultant.displayName,
      price: toNumber(c.price),
      reason: c.closeReason,
    })),
    registrations: { day: registrationsDay, total: registrationsTotal },
    customers: { day: customersDay },
    events: entries.map((e) => ({ at: e.at, zh: auditSentence(e, 'zh-CN'), en: auditSentence(e, 'en') })),
    eventsTruncated: events.length > NOTABLE_MAX,
  };
}
