/** Queue tickets as both the queue service and the buyer page read them. */
import type { Db, Prisma } from '../infra/db.js';

export const ticketInclude = {
  category: { select: { id: true, code: true, name: true, nameEn: true, priority: true } },
  registration: { select: { number: true } },
  customer: { select: { ownerId: true } },
} as const;
export type TicketRow = Prisma.QueueTicketGetPayload<{ include: typeof ticketInclude }>;

/**
 * People ahead of a waiting ticket: the rule of shared `countPeopleAhead` (waiting tickets of the
 * same category before it by sort key, then number), counted in SQL instead of loading the line.
 */
export async function countWaitingAhead(
  db: Db,
  t: { projectId: string; categoryId: string; sortKey: number; number: number },
): Promise<number> {
  const rows = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM queue_tickets t
    WHERE t.project_id = ${t.projectId}::uuid AND t.status = 'WAITING' AND t.category_id = ${t.categoryId}::uuid
      AND (t.sort_key, t.number) < (${t.sortKey}::int, ${t.number}::int)`;
  return rows[0]?.n ?? 0;
}
