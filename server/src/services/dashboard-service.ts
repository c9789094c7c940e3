/**
 * The live sales dashboard (docs/dashboard.md): a handful of aggregate queries, read in ONE
 * repeatable-read snapshot (a sale committed halfway through a read is either in every figure or in
 * none), shaped by shared/src/dashboard.ts. Never on the lock/confirm path: screens ask for it, debounced.
 * And the project's sales target it is measured against (managers set it; audited).
 */
import {
  AppError,
  LOCK_EXPIRY_WINDOW_MINUTES,
  MAX_APPROVAL_ALERTS,
  shapeDashboard,
  type Dashboard,
  type DashboardRows,
  type SalesTarget,
  type UnitStatus,
} from '@kaipan/shared';
import type { Db, Tx } from '../infra/db.js';
import { isAllowedIn, type Principal } from '../domain/principal.js';
import { toAuditRow } from './audit.js';
import { lockEditableProject } from './editable-project.js';
import type { ProjectDirectory } from './project-directory.js';

/** The sold statuses and the live deal statuses, as SQL sees them. */
const LIVE_DEAL = ['ACTIVE', 'CONTRACTED'];

export class DashboardService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
  ) {}

  /** The dashboard of a project now (managers, finance, viewers). */
  async read(principal: Principal, projectId: string): Promise<Dashboard> {
    await this.reader(principal, projectId);
    const rows = await this.db.$transaction((tx) => readRows(tx, projectId, new Date()), {
      isolationLevel: 'RepeatableRead',
      timeout: 30_000,
    });
    return shapeDashboard(rows);
  }

  async target(principal: Principal, projectId: string): Promise<SalesTarget> {
    await this.reader(principal, projectId);
    return readTarget(this.db, projectId);
  }

  /** Managers: set the target (each figure null = none). Audited as `project.sales_target`. */
  async updateTarget(principal: Principal, projectId: string, target: SalesTarget): Promise<SalesTarget> {
    await this.directory.assertAccess(principal, projectId);
    if (principal.kind !== 'user' || !isAllowedIn(principal, 'manage', projectId))
      throw new AppError('FORBIDDEN', 'Only a manager sets the sales target.');
    const user = principal;
    return this.db.$transaction(async (tx) => {
      await lockEditableProject(tx, projectId);
      const before = await readTarget(tx, projectId);
      await tx.project.update({
        where: { id: projectId },
        data: {
          salesTargetUnits: target.units,
          salesTargetArea: target.area === null ? null : target.area.toFixed(2),
          salesTargetFen: target.amountFen === null ? null : BigInt(target.amountFen),
        },
      });
      const after = await readTarget(tx, projectId);
      const audited = (t: SalesTarget) => ({ targetUnits: t.units, targetArea: t.area, targetFen: t.amountFen });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: user,
          action: 'project.sales_target',
          entity: 'project',
          entityId: projectId,
          before: audited(before),
          after: audited(after),
        }),
      });
      return after;
    });
  }

  private async reader(principal: Principal, projectId: string): Promise<void> {
    await this.directory.assertAccess(principal, projectId);
    if (principal.kind !== 'user' || !isAllowedIn(principal, 'readDashboard', projectId))
      throw new AppError('FORBIDDEN', 'Only managers, finance and viewers read the dashboard.');
  }
}

async function readTarget(db: Db | Tx, projectId: string): Promise<SalesTarget> {
  const p = await db.project.findUnique({
    where: { id: projectId },
    select: { salesTargetUnits: true, salesTargetArea: true, salesTargetFen: true },
  });
  if (!p) throw new AppError('NOT_FOUND', 'Project not found.');
  return {
    units: p.salesTargetUnits,
    area: p.salesTargetArea === null ? null : Number(p.salesTargetArea),
    amountFen: p.salesTargetFen === null ? null : Number(p.salesTargetFen),
  };
}

/**
 * The dashboard's rows at `now`, each an aggregate (no per-unit loop here): call inside one
 * repeatable-read transaction so they all describe the same moment.
 */
export async function readRows(tx: Tx, projectId: string, now: Date): Promise<DashboardRows> {
  const id = projectId;
  const [project] = await tx.$queryRaw<{ name: string; nameEn: string; rehearsal: boolean; timezone: string }[]>`
    SELECT name, name_en AS "nameEn", rehearsal_of_id IS NOT NULL AS rehearsal, timezone
      FROM projects WHERE id = ${id}::uuid`;
  if (!project) throw new AppError('NOT_FOUND', 'Project not found.');
  const target = await readTarget(tx, id);
  const buildings = await tx.$queryRaw<{ id: string; name: string; nameEn: string }[]>`
    SELECT id::text, name, name_en AS "nameEn" FROM buildings WHERE project_id = ${id}::uuid ORDER BY sort_order, code`;
  // A sold unit's amount: its live deal's price (the list price where none is known, as shared/stats.ts).
  const units = await tx.$queryRaw<
    {
      buildingId: string;
      layout: string;
      layoutName: string;
      floor: number;
      status: UnitStatus;
      units: number;
      areaCenti: bigint;
      amountFen: bigint;
    }[]
  >`
    SELECT u.building_id::text AS "buildingId", u.layout, u.layout_name AS "layoutName", u.floor,
           u.status::text AS status, count(*)::int AS units,
           round(sum(u.gross_area) * 100)::bigint AS "areaCenti",
           coalesce(sum(CASE WHEN u.status IN ('SUBSCRIBED', 'CONTRACTED') THEN coalesce(d.price, u.list_price) END), 0)::bigint AS "amountFen"
      FROM units u
      LEFT JOIN LATERAL (
        SELECT s.price FROM subscriptions s
         WHERE s.unit_id = u.id AND s.status::text = ANY(${LIVE_DEAL}) ORDER BY s.created_at DESC LIMIT 1
      ) d ON true
     WHERE u.project_id = ${id}::uuid
     GROUP BY 1, 2, 3, 4, 5`;
  // New subscriptions only (a 换房 replacement is the same sale), over the day before the latest one.
  const minutes = await tx.$queryRaw<{ at: Date; count: number }[]>`
    SELECT date_trunc('minute', created_at) AS at, count(*)::int AS count
      FROM subscriptions
     WHERE project_id = ${id}::uuid AND replaces_id IS NULL
       AND created_at > (SELECT max(created_at) FROM subscriptions WHERE project_id = ${id}::uuid) - interval '1 day'
     GROUP BY 1`;
  const consultants = await tx.$queryRaw<
    { id: string; name: string; teamId: string | null; units: number; amountFen: bigint }[]
  >`
    SELECT s.consultant_id::text AS id, u.display_name AS name, m.team_id::text AS "teamId",
           count(*)::int AS units, sum(s.price)::bigint AS "amountFen"
      FROM subscriptions s
      JOIN users u ON u.id = s.consultant_id
      LEFT JOIN project_members m ON m.project_id = s.project_id AND m.user_id = s.consultant_id
     WHERE s.project_id = ${id}::uuid AND s.status::text = ANY(${LIVE_DEAL})
     GROUP BY 1, 2, 3`;
  const teams = await tx.$queryRaw<{ id: string; name: string }[]>`
    SELECT id::text, name FROM teams WHERE project_id = ${id}::uuid`;
  const deposits = await tx.$queryRaw<{ method: string; payments: number; amountFen: bigint }[]>`
    SELECT l.method::text AS method, count(DISTINCT p.id)::int AS payments, sum(l.amount)::bigint AS "amountFen"
      FROM payments p JOIN payment_lines l ON l.payment_id = p.id
     WHERE p.project_id = ${id}::uuid AND p.kind = 'DEPOSIT' AND p.status = 'RECORDED'
     GROUP BY 1`;
  const [counts] = await tx.$queryRaw<{ depositPayments: number; registrations: number }[]>`
    SELECT (SELECT count(*)::int FROM payments
             WHERE project_id = ${id}::uuid AND kind = 'DEPOSIT' AND status = 'RECORDED') AS "depositPayments",
           (SELECT count(*)::int FROM registrations
             WHERE project_id = ${id}::uuid AND status = 'ACTIVE') AS registrations`;
  const tickets = await tx.$queryRaw<{ status: string; count: number; avgSelectionSeconds: number | null }[]>`
    SELECT status::text AS status, count(*)::int AS count,
           (avg(extract(epoch FROM done_at - called_at)) FILTER (WHERE status = 'SERVED' AND called_at IS NOT NULL AND done_at IS NOT NULL))::float8 AS "avgSelectionSeconds"
      FROM queue_tickets WHERE project_id = ${id}::uuid
     GROUP BY 1`;
  const since = new Date(now.getTime() - LOCK_EXPIRY_WINDOW_MINUTES * 60_000);
  // The lock sweeper audits each expiry with the holder in `before` (selling/lock-sweeper.ts).
  const lockExpiries = await tx.$queryRaw<{ consultantId: string; consultant: string; count: number; lastAt: Date }[]>`
    SELECT e.before->>'holderId' AS "consultantId", coalesce(u.display_name, e.before->>'holderId') AS consultant,
           count(*)::int AS count, max(e.created_at) AS "lastAt"
      FROM audit_events e
      LEFT JOIN users u ON u.id::text = e.before->>'holderId'
     WHERE e.project_id = ${id}::uuid AND e.action = 'unit.lock_expired'
       AND e.created_at > ${since} AND e.created_at <= ${now} AND e.before->>'holderId' IS NOT NULL
     GROUP BY 1, 2`;
  const pendingApprovals = await tx.$queryRaw<
    { id: string; unitCode: string; consultant: string; requestedAt: Date }[]
  >`
    SELECT a.id::text, un.code AS "unitCode", coalesce(u.display_name, '') AS consultant, a.requested_at AS "requestedAt"
      FROM price_approvals a
      JOIN units un ON un.id = a.unit_id
      LEFT JOIN users u ON u.id = a.consultant_id
     WHERE a.project_id = ${id}::uuid AND a.status = 'PENDING'
     ORDER BY a.requested_at LIMIT ${MAX_APPROVAL_ALERTS}`;
  const [overdue] = await tx.$queryRaw<{ count: number; oldestDueAt: Date | null }[]>`
    SELECT count(*)::int AS count, min(deposit_due_at) AS "oldestDueAt"
      FROM subscriptions
     WHERE project_id = ${id}::uuid AND status = 'ACTIVE' AND deposit_paid_at IS NULL AND deposit_due_at < ${now}`;
  return {
    now,
    project: { name: project.name, nameEn: project.nameEn, rehearsal: project.rehearsal },
    timeZone: project.timezone,
    target,
    buildings,
    units: units.map((u) => ({ ...u, areaCenti: Number(u.areaCenti), amountFen: Number(u.amountFen) })),
    minutes,
    consultants: consultants.map((c) => ({ ...c, amountFen: Number(c.amountFen) })),
    teams,
    deposits: deposits.map((d) => ({ ...d, amountFen: Number(d.amountFen) })),
    depositPayments: counts?.depositPayments ?? 0,
    activeRegistrations: counts?.registrations ?? 0,
    tickets,
    lockExpiries,
    pendingApprovals,
    overdueDeposits: { count: overdue?.count ?? 0, oldestDueAt: overdue?.oldestDueAt ?? null },
  };
}
