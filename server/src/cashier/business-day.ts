/**
 * The business day 营业日 a payment belongs to (the project's time zone), and the day lock: payments
 * of a cashier's day take it shared, closing the day (日结) takes it exclusive. docs/cashier.md
 * "Day-end 日结 and freezing".
 */
import { AppError, calendarDateInZone } from '@kaipan/shared';
import type { Tx } from '../infra/db.js';
import type { Client } from './common.js';

/** Today's business date (YYYY-MM-DD) in the project's time zone. */
export function todayIn(timeZone: string, at: Date = new Date()): string {
  return calendarDateInZone(at.toISOString(), timeZone);
}

/** YYYY-MM-DD → the Date Prisma stores in a `date` column. */
export function dbDate(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

export function dateText(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export async function projectMoneySettings(client: Client, projectId: string) {
  const project = await client.project.findUnique({
    where: { id: projectId },
    select: { id: true, timezone: true, requiredDepositFen: true, depositWindowMinutes: true },
  });
  if (!project) throw new AppError('NOT_FOUND', 'Project not found.');
  return project;
}

// ── The day lock and the closed day ─────────────────────────────────────────────────────────────

/**
 * A transaction-scoped advisory lock on one cashier's business day. Everything that writes a payment
 * of that day takes it shared; closing the day takes it exclusive — so a close never misses a payment
 * committing at the same instant, and no payment lands on a day after it closed.
 */
export async function lockDay(
  tx: Tx,
  projectId: string,
  cashierId: string,
  date: string,
  exclusive: boolean,
): Promise<void> {
  const key = `kaipan:day:${projectId}:${cashierId}:${date}`;
  if (exclusive) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
  else await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(hashtextextended(${key}, 0))`;
}

/** Take the shared day lock and refuse when the day is closed (CONFLICT "day closed"). */
export async function openDay(tx: Tx, projectId: string, cashierId: string, date: string): Promise<void> {
  await lockDay(tx, projectId, cashierId, date, false);
  const closed = await tx.dayClose.findUnique({
    where: { projectId_cashierId_businessDate: { projectId, cashierId, businessDate: dbDate(date) } },
    select: { id: true },
  });
  if (closed) {
    throw new AppError('CONFLICT', `The day ${date} is closed (日结 done): nothing more can be recorded on it.`, {
      reason: 'DAY_CLOSED',
      date,
    });
  }
}
