/**
 * Reading subscriptions and their change requests: sales staff only; managers see every deal of the
 * project, consultants their own (without floor prices). docs/change-requests.md.
 */
import {
  AppError,
  type ChangeRequestInfo,
  type ChangeStatus,
  type SubscriptionDetail,
  type SubscriptionInfo,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import { canManage, canSell, type Principal, type UserPrincipal } from '../domain/principal.js';
import type { ProjectDirectory } from '../services/project-directory.js';
import {
  redactRequest,
  redactSubscription,
  requestFor,
  requestInclude,
  subscriptionInclude,
  toRequestInfo,
  toSubscriptionInfo,
  type RequestRow,
} from './views.js';

export type SubscriptionStatusFilter = SubscriptionInfo['status'];

export interface SubscriptionQuery {
  status?: SubscriptionStatusFilter | undefined;
  /** Unit code, buyer name or phone (contains, case-insensitive). */
  q?: string | undefined;
  limit: number;
}

/** A request as `principal` may see it: the buyer per the privacy rule; the floor price for managers. */
export function requestAs(principal: Principal, info: ChangeRequestInfo): ChangeRequestInfo {
  // Every path here passed a staff check already; a device never gets this far.
  if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Only staff can act on change requests.');
  const personal = requestFor(principal, info);
  return canManage(principal) ? personal : redactRequest(personal);
}

export class ChangeReads {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
  ) {}

  /** Sales staff only; managers see every deal of the project, consultants their own. */
  private async reader(principal: Principal, projectId: string): Promise<{ user: UserPrincipal; all: boolean }> {
    await this.directory.assertAccess(principal, projectId);
    if (!canSell(principal)) throw new AppError('FORBIDDEN', 'Only sales staff can see subscriptions.');
    return { user: principal, all: canManage(principal) };
  }

  async listSubscriptions(
    principal: Principal,
    projectId: string,
    query: SubscriptionQuery,
  ): Promise<SubscriptionInfo[]> {
    const { user, all } = await this.reader(principal, projectId);
    const q = query.q?.trim();
    const digits = q ? q.replace(/[\s-]/g, '') : '';
    const rows = await this.db.subscription.findMany({
      where: {
        projectId,
        ...(all ? {} : { consultantId: user.id }),
        ...(query.status ? { status: query.status } : {}),
        ...(q
          ? {
              OR: [
                { unit: { code: { contains: q, mode: 'insensitive' } } },
                { buyerName: { contains: q, mode: 'insensitive' } },
                ...(/^\+?[0-9]{3,}$/.test(digits) ? [{ buyerPhone: { contains: digits } }] : []),
              ],
            }
          : {}),
      },
      include: subscriptionInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: query.limit,
    });
    return rows.map((r) => (all ? toSubscriptionInfo(user, r) : redactSubscription(toSubscriptionInfo(user, r))));
  }

  async getSubscription(principal: Principal, subscriptionId: string): Promise<SubscriptionDetail> {
    const row = await this.db.subscription.findUnique({ where: { id: subscriptionId }, include: subscriptionInclude });
    if (!row) throw new AppError('NOT_FOUND', 'No such subscription.');
    const { user, all } = await this.reader(principal, row.projectId);
    if (!all && row.consultantId !== user.id) throw new AppError('FORBIDDEN', 'This is another consultant’s deal.');
    // The deal's history spans its 换房 chain: requests on the subscriptions it replaced or was replaced by.
    const chain = await this.db.$queryRaw<{ id: string }[]>`
      WITH RECURSIVE back(id, replaces_id, depth) AS (
        SELECT id, replaces_id, 0 FROM subscriptions WHERE id = ${subscriptionId}::uuid
        UNION ALL
        SELECT s.id, s.replaces_id, b.depth + 1 FROM subscriptions s JOIN back b ON s.id = b.replaces_id WHERE b.depth < 50
      ), fwd(id, depth) AS (
        SELECT id, 0 FROM subscriptions WHERE id = ${subscriptionId}::uuid
        UNION ALL
        SELECT s.id, f.depth + 1 FROM subscriptions s JOIN fwd f ON s.replaces_id = f.id WHERE f.depth < 50
      )
      SELECT id::text AS id FROM back UNION SELECT id::text FROM fwd`;
    const changes = await this.db.changeRequest.findMany({
      where: { subscriptionId: { in: chain.map((c) => c.id) } },
      include: requestInclude,
      orderBy: { requestedAt: 'desc' },
    });
    const detail = {
      ...toSubscriptionInfo(user, row),
      changes: (await this.toInfos(changes)).map((c) => requestFor(user, c)),
    };
    return all ? detail : { ...redactSubscription(detail), changes: detail.changes.map(redactRequest) };
  }

  /** Managers: every request of the project; consultants: the ones they made or on their deals. Open ones first. */
  async listRequests(principal: Principal, projectId: string, status?: ChangeStatus): Promise<ChangeRequestInfo[]> {
    const { user, all } = await this.reader(principal, projectId);
    const rows = await this.db.changeRequest.findMany({
      where: {
        projectId,
        ...(all ? {} : { OR: [{ requestedById: user.id }, { subscription: { consultantId: user.id } }] }),
        ...(status ? { status } : {}),
      },
      include: requestInclude,
      orderBy: { requestedAt: 'desc' },
      take: 500,
    });
    const rank: Record<ChangeStatus, number> = { PENDING: 0, APPROVED: 1, EXECUTED: 2, REJECTED: 2, WITHDRAWN: 2 };
    const infos = (await this.toInfos(rows))
      .sort((a, b) => rank[a.status] - rank[b.status])
      .map((i) => requestFor(user, i));
    return all ? infos : infos.map(redactRequest);
  }

  /** One request, unredacted (callers show it with `requestAs`). */
  async info(id: string): Promise<ChangeRequestInfo> {
    const row = await this.db.changeRequest.findUnique({ where: { id }, include: requestInclude });
    if (!row) throw new AppError('NOT_FOUND', 'No such change request.');
    const [info] = await this.toInfos([row]);
    return info!;
  }

  private async toInfos(rows: RequestRow[]): Promise<ChangeRequestInfo[]> {
    const ids = new Set<string>();
    for (const r of rows) for (const id of [r.requestedById, r.decidedById, r.executedById]) if (id) ids.add(id);
    const users = ids.size
      ? await this.db.user.findMany({ where: { id: { in: [...ids] } }, select: { id: true, displayName: true } })
      : [];
    const names = new Map(users.map((u) => [u.id, u.displayName]));
    const name = (id: string | null): string | null => (id ? (names.get(id) ?? '?') : null);
    return rows.map((r) => toRequestInfo(r, name));
  }
}
