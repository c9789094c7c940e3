/**
 * Day-end 日结 per cashier and business day: totals (server/src/domain/day-end.ts), closing (one
 * transaction: the DayClose row with the totals, every payment of the day stamped with it — frozen
 * from then on), and the CSV export. docs/cashier.md "Day-end".
 */
import {
  AppError,
  formatRegistrationNo,
  personView,
  showName,
  type DayEndTotals,
  type UserViewer,
} from '@kaipan/shared';
import type { Db, Prisma } from '../infra/db.js';
import type { Principal } from '../domain/principal.js';
import { dayEndCsv, dayEndSums, type DayEndCsvRow } from '../domain/day-end.js';
import { toAuditRow } from '../services/audit.js';
import { dbDate, lockDay, projectMoneySettings, todayIn } from './business-day.js';
import { TX_OPTIONS, type Client, isUniqueViolation, json, moneyStaff } from './common.js';
import { sortedLines, userNames } from './payment-views.js';
import type { ProjectDirectory } from '../services/project-directory.js';

export interface DayEndQuery {
  date?: string | undefined;
  cashierId?: string | undefined;
}

const dayInclude = {
  lines: true,
  receipt: { select: { label: true, number: true, status: true, issuedAt: true } },
  subscription: { select: { consultantId: true, unit: { select: { code: true } } } },
  registration: { select: { number: true, customer: { select: { ownerId: true } } } },
} satisfies Prisma.PaymentInclude;

type DayRow = Prisma.PaymentGetPayload<{ include: typeof dayInclude }>;

/** A CSV row as `viewer` may see it: the payer's name per the privacy rule (no viewer: for sums, no name). */
function toCsvRow(p: DayRow, viewer: UserViewer | null): DayEndCsvRow {
  return {
    id: p.id,
    kind: p.kind,
    status: p.status,
    amount: Number(p.amount),
    lines: sortedLines(p.lines.map((l) => ({ method: l.method, amount: Number(l.amount), reference: l.reference }))),
    convertedFromId: p.convertedFromId,
    createdAt: p.createdAt.toISOString(),
    receipt: p.receipt
      ? {
          label: p.receipt.label,
          number: p.receipt.number,
          status: p.receipt.status,
          issuedAt: p.receipt.issuedAt.toISOString(),
        }
      : null,
    payerName: viewer
      ? showName(
          personView(viewer, { consultantId: p.subscription?.consultantId, ownerId: p.registration?.customer.ownerId })
            .name,
          p.payerName,
        )
      : '',
    subject: p.subscription?.unit.code ?? (p.registration ? formatRegistrationNo(p.registration.number) : ''),
  };
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export class DayEndService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
  ) {}

  /** Whose day and which day: a cashier their own; managers anyone's. Default: today, the caller. */
  private async scope(principal: Principal, projectId: string, query: DayEndQuery) {
    const { user, readsAll: manager } = await moneyStaff(this.directory, principal, projectId, 'read');
    const cashierId = query.cashierId ?? user.id;
    if (!manager && cashierId !== user.id) throw new AppError('FORBIDDEN', 'A cashier sees and closes their own day.');
    if (cashierId !== user.id && !(await this.db.user.count({ where: { id: cashierId } })))
      throw new AppError('NOT_FOUND', 'No such cashier.');
    const project = await projectMoneySettings(this.db, projectId);
    const today = todayIn(project.timezone);
    const date = query.date ?? today;
    if (
      !DATE_RE.test(date) ||
      Number.isNaN(Date.parse(`${date}T00:00:00Z`)) ||
      new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date
    ) {
      throw new AppError('VALIDATION_FAILED', 'The date must be YYYY-MM-DD.', [
        { path: 'date', message: 'not a date' },
      ]);
    }
    return { user, cashierId, date, today, timezone: project.timezone };
  }

  private rows(client: Client, projectId: string, cashierId: string, date: string): Promise<DayRow[]> {
    return client.payment.findMany({
      where: { projectId, cashierId, businessDate: dbDate(date) },
      include: dayInclude,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  private async compute(client: Client, cashierId: string, date: string, rows: DayRow[]): Promise<DayEndTotals> {
    const names = await userNames(client, [cashierId]);
    return {
      businessDate: date,
      cashierId,
      cashier: names.get(cashierId) ?? '?',
      ...dayEndSums(rows.map((r) => toCsvRow(r, null))),
      closed: false,
      closedAt: null,
      closedBy: null,
      dayCloseId: null,
    };
  }

  private async stored(
    client: Client,
    projectId: string,
    cashierId: string,
    date: string,
  ): Promise<DayEndTotals | null> {
    const row = await client.dayClose.findUnique({
      where: { projectId_cashierId_businessDate: { projectId, cashierId, businessDate: dbDate(date) } },
      select: { id: true, totals: true },
    });
    return row ? { ...(row.totals as unknown as DayEndTotals), dayCloseId: row.id } : null;
  }

  /** The day's totals: the frozen ones once closed, else computed now. */
  async totals(principal: Principal, projectId: string, query: DayEndQuery): Promise<DayEndTotals> {
    const { cashierId, date } = await this.scope(principal, projectId, query);
    const closed = await this.stored(this.db, projectId, cashierId, date);
    if (closed) return closed;
    return this.compute(this.db, cashierId, date, await this.rows(this.db, projectId, cashierId, date));
  }

  /**
   * Close 日结 a cashier's day (today or earlier). Under the day's exclusive lock — payments being
   * recorded on that day finish first, later ones are refused — the totals are computed from the
   * locked rows, stored, and every payment of the day is stamped: frozen. Voids pending on the day
   * must be decided first. Closing twice returns the closed totals.
   */
  async close(principal: Principal, projectId: string, query: DayEndQuery): Promise<DayEndTotals> {
    const { user, cashierId, date, today } = await this.scope(principal, projectId, query);
    if (date > today)
      throw new AppError('VALIDATION_FAILED', 'A day that has not begun cannot be closed.', [
        { path: 'date', message: 'in the future' },
      ]);
    const existing = await this.stored(this.db, projectId, cashierId, date);
    if (existing) return existing;
    try {
      return await this.db.$transaction(async (tx) => {
        await lockDay(tx, projectId, cashierId, date, true);
        const again = await this.stored(tx, projectId, cashierId, date);
        if (again) return again;
        const pending = await tx.voidRequest.count({
          where: { projectId, status: 'PENDING', receipt: { payment: { cashierId, businessDate: dbDate(date) } } },
        });
        if (pending > 0) {
          throw new AppError(
            'CONFLICT',
            `${pending} void request(s) of this day wait for a manager; decide them before closing the day.`,
            { reason: 'VOIDS_PENDING', pending },
          );
        }
        await tx.$queryRaw`
          SELECT id::text AS id FROM payments
          WHERE project_id = ${projectId}::uuid AND cashier_id = ${cashierId}::uuid AND business_date = ${date}::date
          FOR UPDATE`;
        const rows = await this.rows(tx, projectId, cashierId, date);
        const at = new Date();
        const totals: DayEndTotals = {
          ...(await this.compute(tx, cashierId, date, rows)),
          closed: true,
          closedAt: at.toISOString(),
          closedBy: user.displayName,
        };
        const close = await tx.dayClose.create({
          data: {
            projectId,
            cashierId,
            businessDate: dbDate(date),
            totals: json(totals),
            closedById: user.id,
            closedAt: at,
          },
        });
        if (rows.length > 0)
          await tx.payment.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { dayCloseId: close.id } });
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId,
            actor: user,
            action: 'day.close',
            entity: 'day_close',
            entityId: close.id,
            at,
            before: null,
            after: {
              cashierId,
              businessDate: date,
              net: totals.net,
              payments: rows.length,
              receiptsIssued: totals.receiptsIssued,
              receiptsVoided: totals.receiptsVoided,
              firstReceipt: totals.firstReceipt,
              lastReceipt: totals.lastReceipt,
            },
          }),
        });
        return { ...totals, dayCloseId: close.id };
      }, TX_OPTIONS);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.stored(this.db, projectId, cashierId, date);
      if (!winner) throw error;
      return winner;
    }
  }

  /** The day as CSV (UTF-8 BOM, CRLF): a row per payment, then the totals. */
  async csv(principal: Principal, projectId: string, query: DayEndQuery): Promise<{ filename: string; body: string }> {
    const { user, cashierId, date, timezone } = await this.scope(principal, projectId, query);
    const rows = await this.rows(this.db, projectId, cashierId, date);
    const totals =
      (await this.stored(this.db, projectId, cashierId, date)) ?? (await this.compute(this.db, cashierId, date, rows));
    const who = await this.db.user.findUnique({ where: { id: cashierId }, select: { username: true } });
    return {
      filename: `day-end-${date}-${who?.username ?? cashierId}.csv`,
      body: dayEndCsv(
        totals,
        rows.map((r) => toCsvRow(r, user)),
        timezone,
      ),
    };
  }
}
