/**
 * Queue numbers 排号 and calling 叫号. PostgreSQL is the record: numbers come from the category's
 * counter row inside the issuing transaction (gapless: a failed issue rolls the counter back), the
 * unique (project, phone) index makes taking a number idempotent per phone, and calls pick waiting
 * tickets with FOR UPDATE SKIP LOCKED so two managers never call the same ticket. Each change
 * commits with its audit events, then listeners (the hub) broadcast it.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  AppError,
  NEXT_LIST_SIZE,
  NOW_SERVING_SIZE,
  CALL_RATE_WINDOW,
  callingRatePerMinute,
  formatRegistrationNo,
  formatTicketLabel,
  initialSortKey,
  atMost,
  maskPhone,
  parseRegistrationNo,
  personView,
  showPhone,
  planNoShow,
  requeueKey,
  type BuyerView,
  type CallNextBody,
  type CallResult,
  type CreateQueueCategoryBody,
  type LayoutAvailability,
  type ListTicketsQuery,
  type QueueBoardTicket,
  type QueueCategoryInfo,
  type QueueCategoryState,
  type QueueState,
  type QueueTicketView,
  type TakeTicketBody,
  type TakeTicketResult,
  type TicketStatus,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import { pgErrorCode } from '../infra/db.js';
import { Turns } from '../infra/turns.js';
import { canManage, type Principal } from '../domain/principal.js';
import type { DocumentJobs, DocumentStore, StoredPdf } from '../jobs/documents.js';
import { toAuditRow, type AuditInput } from './audit.js';
import { QueueBuyerPage } from './queue-buyer-page.js';
import { countWaitingAhead, ticketInclude, type TicketRow } from './queue-tickets.js';
import type { Logger } from './logger.js';
import type { ProjectDirectory } from './project-directory.js';
import type { QueryService } from './query-service.js';

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** A committed queue change: the project, and the tickets whose status changed (their buyers are told). */
export interface QueueChange {
  projectId: string;
  ticketIds: string[];
}

/** How long an idempotency key remembers its first result, seconds. */
const IDEMPOTENCY_TTL_SECONDS = 600;

function toBoardTicket(t: {
  id: string;
  label: string;
  status: TicketStatus;
  calledAt: Date | null;
  missedCount: number;
}): QueueBoardTicket {
  return {
    id: t.id,
    label: t.label,
    status: t.status,
    calledAt: t.calledAt?.toISOString() ?? null,
    missedCount: t.missedCount,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === 'P2002' || pgErrorCode(error) === '23505';
}

/** The kiosk (a KIOSK device), managers and cashiers: they issue numbers and see ticket lists. */
function isQueueStaff(p: Principal): boolean {
  if (p.kind === 'device') return p.deviceKind === 'KIOSK';
  return p.role === 'CASHIER' || canManage(p);
}

/**
 * Create a queue category 排号类别 (audited `queue.category.create`) in the caller's transaction: the
 * setup route through `QueueService.createCategory`, and the demo seed. A code the project has is a
 * unique violation the caller turns into CONFLICT.
 */
export async function insertQueueCategory(
  tx: Pick<Tx, 'queueCategory' | 'auditEvent'>,
  actor: AuditInput['actor'],
  projectId: string,
  body: CreateQueueCategoryBody,
) {
  const c = await tx.queueCategory.create({ data: { projectId, ...body } });
  await tx.auditEvent.create({
    data: toAuditRow({
      projectId,
      actor,
      action: 'queue.category.create',
      entity: 'queue_category',
      entityId: c.id,
      after: body,
    }),
  });
  return c;
}

export class QueueService {
  private readonly listeners: ((change: QueueChange) => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly directory: ProjectDirectory,
    query: QueryService,
    private readonly documents: { jobs: DocumentJobs; store: DocumentStore },
    private readonly log: Logger,
  ) {
    this.buyerPage = new QueueBuyerPage(db, directory, query, documents);
  }

  private readonly buyerPage: QueueBuyerPage;
  /** One issuing transaction per queue category at a time in this process (see take). */
  private readonly issueTurns = new Turns();

  /** Called after every committed change (the hub broadcasts `queue:changed`). */
  onChange(listener: (change: QueueChange) => void): void {
    this.listeners.push(listener);
  }

  private changed(projectId: string, ticketIds: string[]): void {
    for (const listener of this.listeners) {
      try {
        listener({ projectId, ticketIds });
      } catch (error) {
        this.log.error({ err: error }, 'queue change listener failed');
      }
    }
  }

  // ── Permissions ──────────────────────────────────────────────────────────────────────────

  /** Issuing numbers: the project's kiosk devices, managers and cashiers. */
  private async authorizeIssue(principal: Principal, projectId: string): Promise<void> {
    await this.directory.assertAccess(principal, projectId);
    if (!isQueueStaff(principal))
      throw new AppError('FORBIDDEN', 'Only the queue kiosk, managers and cashiers issue numbers.');
  }

  private async authorizeManage(principal: Principal, projectId: string): Promise<Principal> {
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers call numbers.');
    return principal;
  }

  // ── Categories ───────────────────────────────────────────────────────────────────────────

  async listCategories(principal: Principal, projectId: string): Promise<QueueCategoryInfo[]> {
    await this.directory.assertAccess(principal, projectId);
    const rows = await this.db.queueCategory.findMany({
      where: { projectId },
      orderBy: [{ priority: 'asc' }, { code: 'asc' }],
    });
    return rows.map((c) => ({
      id: c.id,
      code: c.code,
      name: c.name,
      nameEn: c.nameEn,
      prefix: c.prefix,
      priority: c.priority,
      issued: c.counter,
    }));
  }

  async createCategory(
    principal: Principal,
    projectId: string,
    body: CreateQueueCategoryBody,
  ): Promise<QueueCategoryInfo> {
    const actor = await this.authorizeManage(principal, projectId);
    try {
      const created = await this.db.$transaction((tx) => insertQueueCategory(tx, actor, projectId, body));
      this.changed(projectId, []);
      return {
        id: created.id,
        code: created.code,
        name: created.name,
        nameEn: created.nameEn,
        prefix: created.prefix,
        priority: created.priority,
        issued: 0,
      };
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('CONFLICT', `Queue category ${body.code} already exists.`);
      throw error;
    }
  }

  // ── Taking a number ──────────────────────────────────────────────────────────────────────

  /**
   * Issue a number, or return the buyer's existing ticket (`created: false`): one ticket per phone
   * per project, whichever category was asked for the second time. `origin`: absolute base URL of
   * the buyer page printed as the ticket's QR.
   */
  async take(principal: Principal, projectId: string, body: TakeTicketBody, origin: string): Promise<TakeTicketResult> {
    await this.authorizeIssue(principal, projectId);
    const category = await this.db.queueCategory.findUnique({
      where: { projectId_code: { projectId, code: body.category } },
    });
    if (!category) throw new AppError('NOT_FOUND', `No queue category ${body.category} in this project.`);
    const buyer = await this.resolveBuyer(projectId, body);

    const idemKey = body.idempotencyKey ? `${this.prefix}queue:idem:take:${projectId}:${body.idempotencyKey}` : null;
    if (idemKey) {
      const ticketId = await this.redis.get(idemKey);
      if (ticketId) {
        const prior = await this.db.queueTicket.findUnique({ where: { id: ticketId }, include: ticketInclude });
        if (prior && prior.phone !== buyer.phone)
          throw new AppError('CONFLICT', 'This idempotency key was used for another buyer.');
        if (prior) return this.takeResult(principal, prior, false);
      }
    }

    const existing = await this.db.queueTicket.findUnique({
      where: { projectId_phone: { projectId, phone: buyer.phone } },
      include: ticketInclude,
    });
    if (existing) return this.takeResult(principal, await this.linkLate(principal, existing, buyer), false);

    let ticket: TicketRow;
    try {
      // Issues of one category take turns here first: the ones waiting for the counter's row lock
      // wait in memory, not on pooled connections (50 kiosk takes once held the whole pool).
      ticket = await this.issueTurns.run(category.id, () =>
        this.db.$transaction(async (tx) => {
          // Row lock on the counter: issues in one category commit one after another; a rollback
          // (e.g. the same phone won a race) gives the number back, so numbers have no gaps.
          const rows = await tx.$queryRaw<{ counter: number }[]>`
          UPDATE queue_categories SET counter = counter + 1 WHERE id = ${category.id}::uuid RETURNING counter`;
          const number = rows[0]!.counter;
          const created = await tx.queueTicket.create({
            data: {
              projectId,
              categoryId: category.id,
              number,
              label: formatTicketLabel(category.prefix, number),
              phone: buyer.phone,
              customerId: buyer.customerId,
              registrationId: buyer.registrationId,
              token: randomBytes(16).toString('base64url'),
              sortKey: initialSortKey(number),
            },
            include: ticketInclude,
          });
          await tx.auditEvent.create({
            data: toAuditRow({
              projectId,
              actor: principal,
              action: 'queue.ticket.issue',
              entity: 'queue_ticket',
              entityId: created.id,
              after: {
                label: created.label,
                category: category.code,
                phone: maskPhone(buyer.phone),
                customerId: buyer.customerId,
                registrationId: buyer.registrationId,
                via: body.phone ? 'phone' : 'registration',
              },
            }),
          });
          return created;
        }),
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // The same phone was issued a number by a concurrent request: that ticket is the answer.
      const winner = await this.db.queueTicket.findUnique({
        where: { projectId_phone: { projectId, phone: buyer.phone } },
        include: ticketInclude,
      });
      if (!winner) throw error;
      return this.takeResult(principal, winner, false);
    }
    if (idemKey) await this.redis.set(idemKey, ticket.id, 'EX', IDEMPOTENCY_TTL_SECONDS, 'NX').catch(() => undefined);
    this.changed(projectId, []);
    const result = await this.takeResult(principal, ticket, true);
    // The ticket exists whatever happens to the print job: the PDF is rendered on demand anyway.
    await this.documents.jobs
      .enqueueTicketPdf({
        ticketId: ticket.id,
        origin,
        ...(result.ticket.peopleAhead === null ? {} : { peopleAhead: result.ticket.peopleAhead }),
      })
      .catch((error: unknown) => this.log.error({ err: error, ticketId: ticket.id }, 'could not queue the ticket PDF'));
    return result;
  }

  /** Phone, customer and active registration behind a take-a-number request. */
  private async resolveBuyer(
    projectId: string,
    body: TakeTicketBody,
  ): Promise<{ phone: string; customerId: string | null; registrationId: string | null }> {
    if (body.phone !== undefined) {
      const customer = await this.db.customer.findUnique({
        where: { projectId_phone: { projectId, phone: body.phone } },
        select: { id: true, registration: { select: { id: true, status: true } } },
      });
      const registrationId = customer?.registration?.status === 'ACTIVE' ? customer.registration.id : null;
      return { phone: body.phone, customerId: customer?.id ?? null, registrationId };
    }
    const number = parseRegistrationNo(body.registrationNo ?? '');
    if (number === null)
      throw new AppError('VALIDATION_FAILED', 'Not a registration number.', [
        { path: 'registrationNo', message: 'expected R0001' },
      ]);
    const registration = await this.db.registration.findUnique({
      where: { projectId_number: { projectId, number } },
      select: { id: true, status: true, customer: { select: { id: true, phone: true } } },
    });
    if (!registration || registration.status !== 'ACTIVE')
      throw new AppError('NOT_FOUND', 'No active registration with this number.');
    return {
      phone: registration.customer.phone,
      customerId: registration.customer.id,
      registrationId: registration.id,
    };
  }

  /** A buyer who registered after taking a number: link the ticket on their next visit to the kiosk. */
  private async linkLate(
    principal: Principal,
    ticket: TicketRow,
    buyer: { customerId: string | null; registrationId: string | null },
  ): Promise<TicketRow> {
    const data: { customerId?: string; registrationId?: string } = {};
    if (!ticket.customerId && buyer.customerId) data.customerId = buyer.customerId;
    if (!ticket.registrationId && buyer.registrationId) data.registrationId = buyer.registrationId;
    if (Object.keys(data).length === 0) return ticket;
    return this.db.$transaction(async (tx) => {
      const updated = await tx.queueTicket.update({ where: { id: ticket.id }, data, include: ticketInclude });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId: ticket.projectId,
          actor: principal,
          action: 'queue.ticket.link',
          entity: 'queue_ticket',
          entityId: ticket.id,
          before: { customerId: ticket.customerId, registrationId: ticket.registrationId },
          after: { customerId: updated.customerId, registrationId: updated.registrationId },
        }),
      });
      return updated;
    });
  }

  private async takeResult(viewer: Principal, ticket: TicketRow, created: boolean): Promise<TakeTicketResult> {
    return {
      ticket: await this.view(viewer, ticket),
      created,
      token: ticket.token,
      buyerPath: `/q/${ticket.token}`,
      pdfPath: `/api/queue/tickets/${ticket.id}/pdf?token=${ticket.token}`,
    };
  }

  // ── Reading ──────────────────────────────────────────────────────────────────────────────

  /**
   * A ticket as `viewer` may see it. Calling numbers needs no phone: a masked one at most (to tell
   * two buyers apart at the desk), and none for the kiosk device (privacy rule: devices never).
   */
  private async view(viewer: Principal, t: TicketRow): Promise<QueueTicketView> {
    const phone = atMost(personView(viewer, { ownerId: t.customer?.ownerId }).phone, 'masked');
    return {
      id: t.id,
      projectId: t.projectId,
      category: { id: t.category.id, code: t.category.code, name: t.category.name, nameEn: t.category.nameEn },
      number: t.number,
      label: t.label,
      status: t.status,
      phoneMasked: showPhone(phone, t.phone),
      customerId: t.customerId,
      registrationId: t.registrationId,
      registrationNo: t.registration ? formatRegistrationNo(t.registration.number) : null,
      missedCount: t.missedCount,
      issuedAt: t.issuedAt.toISOString(),
      calledAt: t.calledAt?.toISOString() ?? null,
      doneAt: t.doneAt?.toISOString() ?? null,
      peopleAhead: t.status === 'WAITING' ? await countWaitingAhead(this.db, t) : null,
    };
  }

  async state(principal: Principal, projectId: string): Promise<QueueState> {
    await this.directory.assertAccess(principal, projectId);
    return this.buildState(projectId);
  }

  /** The board state of a project (no personal data). */
  async buildState(projectId: string): Promise<QueueState> {
    const now = Date.now();
    const categories = await this.db.queueCategory.findMany({
      where: { projectId },
      orderBy: [{ priority: 'asc' }, { code: 'asc' }],
    });
    const [waiting, projectCalls, perCategory] = await Promise.all([
      this.db.queueTicket.groupBy({
        by: ['categoryId'],
        where: { projectId, status: 'WAITING' },
        _count: { _all: true },
      }),
      this.db.queueTicket.findMany({
        where: { projectId, calledAt: { not: null } },
        orderBy: { calledAt: 'desc' },
        take: CALL_RATE_WINDOW,
        select: { calledAt: true },
      }),
      Promise.all(
        categories.map((c) =>
          Promise.all([
            this.db.queueTicket.findMany({
              where: { categoryId: c.id, status: 'CALLED' },
              orderBy: [{ calledAt: 'desc' }, { number: 'desc' }],
              take: NOW_SERVING_SIZE,
            }),
            this.db.queueTicket.findMany({
              where: { categoryId: c.id, status: 'WAITING' },
              orderBy: [{ sortKey: 'asc' }, { number: 'asc' }],
              take: NEXT_LIST_SIZE,
            }),
            this.db.queueTicket.findMany({
              where: { categoryId: c.id, calledAt: { not: null } },
              orderBy: { calledAt: 'desc' },
              take: CALL_RATE_WINDOW,
              select: { calledAt: true },
            }),
          ]),
        ),
      ),
    ]);
    const waitingBy = new Map(waiting.map((w) => [w.categoryId, w._count._all]));
    const times = (rows: { calledAt: Date | null }[]): number[] =>
      rows.flatMap((r) => (r.calledAt ? [r.calledAt.getTime()] : []));
    const states: QueueCategoryState[] = categories.map((c, i) => {
      const [serving, next, calls] = perCategory[i]!;
      return {
        id: c.id,
        code: c.code,
        name: c.name,
        nameEn: c.nameEn,
        prefix: c.prefix,
        priority: c.priority,
        issued: c.counter,
        nowServing: serving.map(toBoardTicket),
        next: next.map(toBoardTicket),
        waitingCount: waitingBy.get(c.id) ?? 0,
        callsPerMinute: callingRatePerMinute(times(calls), now),
      };
    });
    return {
      projectId,
      categories: states,
      callsPerMinute: callingRatePerMinute(times(projectCalls), now),
      serverTime: new Date(now).toISOString(),
    };
  }

  async listTickets(principal: Principal, projectId: string, q: ListTicketsQuery): Promise<QueueTicketView[]> {
    if (!isQueueStaff(principal)) throw new AppError('FORBIDDEN', 'Only queue staff list tickets.');
    await this.directory.assertAccess(principal, projectId);
    const rows = await this.db.queueTicket.findMany({
      where: {
        projectId,
        ...(q.status ? { status: q.status } : {}),
        ...(q.category ? { category: { code: q.category } } : {}),
      },
      include: ticketInclude,
      orderBy: [{ category: { priority: 'asc' } }, { sortKey: 'asc' }, { number: 'asc' }],
      take: q.limit,
    });
    return Promise.all(rows.map((r) => this.view(principal, r)));
  }

  // ── Calling ──────────────────────────────────────────────────────────────────────────────

  /**
   * Call the next `count` waiting tickets in calling order (one category, or all by priority).
   * Fewer (or none) are called when fewer wait. With an idempotency key, a repeated press returns
   * the first press's result (CONFLICT while the first is still running).
   */
  async callNext(principal: Principal, projectId: string, body: CallNextBody): Promise<CallResult> {
    const actor = await this.authorizeManage(principal, projectId);
    let categoryId: string | null = null;
    if (body.category) {
      const c = await this.db.queueCategory.findUnique({
        where: { projectId_code: { projectId, code: body.category } },
        select: { id: true },
      });
      if (!c) throw new AppError('NOT_FOUND', `No queue category ${body.category} in this project.`);
      categoryId = c.id;
    }
    const idemKey = body.idempotencyKey ? `${this.prefix}queue:idem:call:${projectId}:${body.idempotencyKey}` : null;
    if (idemKey) {
      const claimed = await this.redis.set(idemKey, 'pending', 'EX', IDEMPOTENCY_TTL_SECONDS, 'NX');
      if (claimed !== 'OK') {
        const prior = await this.redis.get(idemKey);
        if (!prior || prior === 'pending') throw new AppError('CONFLICT', 'This call is being made right now.');
        return this.callResult(principal, JSON.parse(prior) as string[]);
      }
    }
    try {
      const ids = await this.db.$transaction(async (tx) => {
        const picked = categoryId
          ? await tx.$queryRaw<{ id: string }[]>`
              SELECT t.id::text AS id FROM queue_tickets t JOIN queue_categories c ON c.id = t.category_id
              WHERE t.project_id = ${projectId}::uuid AND t.status = 'WAITING' AND t.category_id = ${categoryId}::uuid
              ORDER BY c.priority, t.sort_key, t.number LIMIT ${body.count}::int FOR UPDATE OF t SKIP LOCKED`
          : await tx.$queryRaw<{ id: string }[]>`
              SELECT t.id::text AS id FROM queue_tickets t JOIN queue_categories c ON c.id = t.category_id
              WHERE t.project_id = ${projectId}::uuid AND t.status = 'WAITING'
              ORDER BY c.priority, t.sort_key, t.number LIMIT ${body.count}::int FOR UPDATE OF t SKIP LOCKED`;
        return this.callInTx(
          tx,
          actor,
          projectId,
          picked.map((p) => p.id),
          'queue.ticket.call-next',
        );
      });
      if (idemKey) await this.redis.set(idemKey, JSON.stringify(ids), 'EX', IDEMPOTENCY_TTL_SECONDS);
      if (ids.length > 0) this.changed(projectId, ids);
      return this.callResult(principal, ids);
    } catch (error) {
      if (idemKey) await this.redis.del(idemKey).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Call specific tickets (all or nothing). Tickets already CALLED are left as they are (a repeated
   * press changes nothing); any other status is INVALID_TRANSITION with `details: [{ticketId, status}]`.
   */
  async callSpecific(principal: Principal, projectId: string, ticketIds: string[]): Promise<CallResult> {
    const actor = await this.authorizeManage(principal, projectId);
    const unique = [...new Set(ticketIds)];
    const ids = await this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string; status: TicketStatus }[]>`
        SELECT id::text AS id, status::text AS status FROM queue_tickets
        WHERE project_id = ${projectId}::uuid AND id = ANY(${unique}::uuid[]) ORDER BY id FOR UPDATE`;
      if (rows.length !== unique.length) throw new AppError('NOT_FOUND', 'Some tickets are not in this project.');
      const bad = rows.filter((r) => r.status !== 'WAITING' && r.status !== 'CALLED');
      if (bad.length > 0) {
        throw new AppError(
          'INVALID_TRANSITION',
          'Only waiting tickets can be called.',
          bad.map((b) => ({ ticketId: b.id, status: b.status })),
        );
      }
      return this.callInTx(
        tx,
        actor,
        projectId,
        rows.filter((r) => r.status === 'WAITING').map((r) => r.id),
        'queue.ticket.call',
      );
    });
    if (ids.length > 0) this.changed(projectId, ids);
    return this.callResult(principal, unique);
  }

  /**
   * WAITING → CALLED for locked rows; opens the selection window of linked registrations in the
   * same transaction. Returns the ids called, in calling order.
   */
  private async callInTx(
    tx: Tx,
    actor: Principal,
    projectId: string,
    ids: string[],
    action: string,
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    const now = new Date();
    const project = await tx.project.findUniqueOrThrow({
      where: { id: projectId },
      select: { selectionMinutes: true },
    });
    const ends = new Date(now.getTime() + project.selectionMinutes * 60_000);
    const called = await tx.$queryRaw<{ id: string; label: string; registration_id: string | null }[]>`
      UPDATE queue_tickets t SET status = 'CALLED', called_at = ${now}
      FROM queue_categories c
      WHERE c.id = t.category_id AND t.id = ANY(${ids}::uuid[]) AND t.status = 'WAITING'
      RETURNING t.id::text AS id, t.label, t.registration_id::text AS registration_id`;
    const registrations = called.flatMap((c) => (c.registration_id ? [c.registration_id] : []));
    if (registrations.length > 0) {
      await tx.$executeRaw`
        UPDATE registrations SET selection_starts_at = ${now}, selection_ends_at = ${ends}
        WHERE id = ANY(${registrations}::uuid[])`;
    }
    for (const c of called) {
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor,
          action,
          entity: 'queue_ticket',
          entityId: c.id,
          at: now,
          before: { status: 'WAITING', label: c.label },
          after: {
            status: 'CALLED',
            label: c.label,
            ...(c.registration_id ? { registrationId: c.registration_id, selectionEndsAt: ends.toISOString() } : {}),
          },
        }),
      });
    }
    const order = new Map(ids.map((id, i) => [id, i]));
    return called.map((c) => c.id).sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  }

  private async callResult(viewer: Principal, ids: string[]): Promise<CallResult> {
    if (ids.length === 0) return { called: [] };
    const rows = await this.db.queueTicket.findMany({ where: { id: { in: ids } }, include: ticketInclude });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const ordered = ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [row] : [];
    });
    return { called: await Promise.all(ordered.map((r) => this.view(viewer, r))) };
  }

  // ── Outcomes ─────────────────────────────────────────────────────────────────────────────

  /** CALLED → SERVED (the buyer came); repeated: returns the ticket unchanged. Closes the selection window. */
  async markServed(principal: Principal, projectId: string, ticketId: string): Promise<QueueTicketView> {
    const actor = await this.authorizeManage(principal, projectId);
    const now = new Date();
    const changed = await this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ label: string; registration_id: string | null }[]>`
        UPDATE queue_tickets SET status = 'SERVED', done_at = ${now}
        WHERE id = ${ticketId}::uuid AND project_id = ${projectId}::uuid AND status = 'CALLED'
        RETURNING label, registration_id::text AS registration_id`;
      const row = rows[0];
      if (!row) return false;
      await this.closeWindow(tx, row.registration_id, now);
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor,
          action: 'queue.ticket.served',
          entity: 'queue_ticket',
          entityId: ticketId,
          at: now,
          before: { status: 'CALLED', label: row.label },
          after: { status: 'SERVED', label: row.label },
        }),
      });
      return true;
    });
    const ticket = await this.loadTicket(projectId, ticketId);
    if (!changed && ticket.status !== 'SERVED') {
      throw new AppError(
        'INVALID_TRANSITION',
        `Only a called ticket can be served; ${ticket.label} is ${ticket.status}.`,
        { status: ticket.status },
      );
    }
    if (changed) this.changed(projectId, [ticketId]);
    return this.view(principal, ticket);
  }

  /**
   * 过号: the called buyer did not come. By the project's rule the ticket goes back in line after
   * `noShowRequeueAfter` waiting tickets of its category (first miss, REQUEUE) or is DROPPED.
   * Only a CALLED ticket can be missed (a repeat is INVALID_TRANSITION and changes nothing).
   */
  async markNoShow(principal: Principal, projectId: string, ticketId: string): Promise<QueueTicketView> {
    const actor = await this.authorizeManage(principal, projectId);
    await this.db.$transaction(async (tx) => {
      const ticket = await this.lockForReorder(tx, projectId, ticketId);
      if (ticket.status !== 'CALLED') {
        throw new AppError(
          'INVALID_TRANSITION',
          `Only a called ticket can be missed; ${ticket.label} is ${ticket.status}.`,
          { status: ticket.status },
        );
      }
      const project = await tx.project.findUniqueOrThrow({
        where: { id: projectId },
        select: { noShowRule: true, noShowRequeueAfter: true },
      });
      const { waitingKeys, endKey } = await this.categoryKeys(tx, ticket.categoryId);
      const outcome = planNoShow({
        rule: project.noShowRule,
        requeueAfter: project.noShowRequeueAfter,
        missedCount: ticket.missedCount,
        waitingKeys,
        endKey,
      });
      const now = new Date();
      await tx.queueTicket.update({
        where: { id: ticketId },
        data:
          outcome.status === 'WAITING'
            ? { status: 'WAITING', sortKey: outcome.sortKey, missedCount: outcome.missedCount }
            : { status: 'DROPPED', missedCount: outcome.missedCount, doneAt: now },
      });
      await this.closeWindow(tx, ticket.registrationId, now);
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor,
          action: 'queue.ticket.no-show',
          entity: 'queue_ticket',
          entityId: ticketId,
          at: now,
          before: { status: 'CALLED', label: ticket.label, sortKey: ticket.sortKey, missedCount: ticket.missedCount },
          after: { ...outcome, label: ticket.label, rule: project.noShowRule },
        }),
      });
    });
    this.changed(projectId, [ticketId]);
    return this.view(principal, await this.loadTicket(projectId, ticketId));
  }

  /**
   * A manager puts a called, missed or dropped ticket back in line (after `noShowRequeueAfter`
   * waiting tickets of its category), e.g. a dropped buyer who came back. WAITING: unchanged.
   */
  async requeue(principal: Principal, projectId: string, ticketId: string): Promise<QueueTicketView> {
    const actor = await this.authorizeManage(principal, projectId);
    const moved = await this.db.$transaction(async (tx) => {
      const ticket = await this.lockForReorder(tx, projectId, ticketId);
      if (ticket.status === 'WAITING') return false;
      if (ticket.status === 'SERVED')
        throw new AppError('INVALID_TRANSITION', `${ticket.label} was already served.`, { status: ticket.status });
      const project = await tx.project.findUniqueOrThrow({
        where: { id: projectId },
        select: { noShowRequeueAfter: true },
      });
      const { waitingKeys, endKey } = await this.categoryKeys(tx, ticket.categoryId);
      const sortKey = requeueKey(waitingKeys, project.noShowRequeueAfter, endKey);
      const now = new Date();
      await tx.queueTicket.update({ where: { id: ticketId }, data: { status: 'WAITING', sortKey, doneAt: null } });
      if (ticket.status === 'CALLED') await this.closeWindow(tx, ticket.registrationId, now);
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor,
          action: 'queue.ticket.requeue',
          entity: 'queue_ticket',
          entityId: ticketId,
          at: now,
          before: { status: ticket.status, label: ticket.label, sortKey: ticket.sortKey },
          after: { status: 'WAITING', label: ticket.label, sortKey },
        }),
      });
      return true;
    });
    if (moved) this.changed(projectId, [ticketId]);
    return this.view(principal, await this.loadTicket(projectId, ticketId));
  }

  /**
   * Locks the ticket's category row, then the ticket: re-orderings of one category happen one at a
   * time, so two re-queues never compute the same free key.
   */
  private async lockForReorder(tx: Tx, projectId: string, ticketId: string) {
    const owner = await tx.queueTicket.findFirst({ where: { id: ticketId, projectId }, select: { categoryId: true } });
    if (!owner) throw new AppError('NOT_FOUND', 'Ticket not found.');
    await tx.$queryRaw`SELECT id FROM queue_categories WHERE id = ${owner.categoryId}::uuid FOR UPDATE`;
    await tx.$queryRaw`SELECT id FROM queue_tickets WHERE id = ${ticketId}::uuid FOR UPDATE`;
    return tx.queueTicket.findUniqueOrThrow({ where: { id: ticketId } });
  }

  private async categoryKeys(tx: Tx, categoryId: string): Promise<{ waitingKeys: number[]; endKey: number }> {
    const waiting = await tx.queueTicket.findMany({
      where: { categoryId, status: 'WAITING' },
      select: { sortKey: true },
    });
    const max = await tx.queueTicket.aggregate({ where: { categoryId }, _max: { sortKey: true } });
    return { waitingKeys: waiting.map((w) => w.sortKey), endKey: max._max.sortKey ?? 0 };
  }

  /** End a called buyer's selection window now (never extends one that already ended). */
  private async closeWindow(tx: Tx, registrationId: string | null, now: Date): Promise<void> {
    if (!registrationId) return;
    await tx.$executeRaw`
      UPDATE registrations SET selection_ends_at = ${now}
      WHERE id = ${registrationId}::uuid AND (selection_ends_at IS NULL OR selection_ends_at > ${now})`;
  }

  private async loadTicket(projectId: string, ticketId: string): Promise<TicketRow> {
    const ticket = await this.db.queueTicket.findFirst({ where: { id: ticketId, projectId }, include: ticketInclude });
    if (!ticket) throw new AppError('NOT_FOUND', 'Ticket not found.');
    return ticket;
  }

  // ── Public: buyer page and ticket PDF (queue-buyer-page.ts) ───────────────────────────────

  /** The ticket behind a buyer-page token, or null (callers answer a bare NOT_FOUND). */
  resolveToken(token: string): Promise<{ ticketId: string; projectId: string } | null> {
    return this.buyerPage.resolveToken(token);
  }

  /** GET /api/public/tickets/:token (or by id, for `ticket:changed`). NOT_FOUND (nothing else) when unknown. */
  buyerView(where: { token: string } | { id: string }): Promise<BuyerView> {
    return this.buyerPage.view(where);
  }

  /** Live availability per layout of a project (for `availability:changed`). */
  availability(projectId: string): Promise<LayoutAvailability[]> {
    return this.buyerPage.availability(projectId);
  }

  /** The ticket's PDF when rendered, else `rendering` after making sure a render job is queued. */
  ticketPdf(
    ticketId: string,
    token: string,
    origin: string,
  ): Promise<({ state: 'ready' } & StoredPdf) | { state: 'rendering' }> {
    return this.buyerPage.ticketPdf(ticketId, token, origin);
  }
}
