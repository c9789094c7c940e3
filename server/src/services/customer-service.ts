/**
 * Customer registry 客户: one customer per phone per project (the unique index decides races),
 * owned by a consultant or in the public pool. Follow-ups, the ranked shortlist 意向房源 with live
 * unit status, reassignment, idle customers to the pool, claims from the pool.
 *
 * Who opens which customer (mayOpenPersonRecord) and what they see in it (personView) is the one
 * privacy rule of shared/src/privacy.ts (docs/privacy.md):
 * - managers (ADMIN, MANAGER): every customer of their projects; only they read a clear ID number.
 * - cashiers: read every customer (they take deposits from anyone); change nothing.
 * - consultants: their own customers and the pool (pool phones masked and no ID number until
 *   claimed). Another consultant's customer answers FORBIDDEN — not NOT_FOUND: the duplicate rule
 *   names the owner of a phone anyway, so hiding existence would protect nothing and only confuse.
 * A customer's status is never written here: registrations and subscriptions move it.
 */
import { randomUUID } from 'node:crypto';
import {
  AppError,
  SELLER_ROLES,
  formatRegistrationNo,
  maskIdNumber,
  mayOpenPersonRecord,
  personView,
  phoneDigits,
  showCoBuyers,
  showIdNumber,
  showName,
  showPhone,
  type CoBuyer,
  type CreateCustomerBody,
  type CreateFollowUpBody,
  type CustomerDetail,
  type CustomerInfo,
  type CustomerListQuery,
  type CustomerOwner,
  type CustomerPage,
  type CustomerShortlist,
  type DuplicateCustomerDetails,
  type FollowUpInfo,
  type IdNumberReveal,
  type MoveIdleResult,
  type ReassignResult,
  type ShortlistEntry,
  type UpdateCustomerBody,
} from '@kaipan/shared';
import type { Db, Prisma } from '../infra/db.js';
import { pgErrorCode } from '../infra/db.js';
import { canManage, canSell, roleOfRow, type Principal, type UserPrincipal } from '../domain/principal.js';
import type { IdCipher } from '../domain/id-cipher.js';
import { toAuditRow } from './audit.js';
import type { ProjectDirectory } from './project-directory.js';
import type { QueryService } from './query-service.js';
import { SINCERITY_HELD_WHERE } from './registration-service.js';

const customerInclude = {
  owner: { select: { id: true, displayName: true } },
  registration: {
    select: {
      id: true,
      number: true,
      status: true,
      unitsAllowed: true,
      unitsUsed: true,
      _count: { select: { payments: { where: SINCERITY_HELD_WHERE } } },
    },
  },
} as const;

type CustomerRow = Prisma.CustomerGetPayload<{ include: typeof customerInclude }>;
type Tx = Prisma.TransactionClient;

/** How long ahead of the server clock a follow-up time may be (phones' clocks drift). */
const FOLLOW_UP_FUTURE_SLACK_MS = 5 * 60_000;
const FOLLOW_UPS_SHOWN = 100;
const DAY_MS = 86_400_000;

/** The fields a PATCH may change, as stored. */
type EditableFields = Pick<
  Prisma.CustomerUncheckedUpdateInput,
  | 'name'
  | 'phone'
  | 'idNumberCipher'
  | 'idNumberMasked'
  | 'coBuyers'
  | 'intent'
  | 'demand'
  | 'budgetMin'
  | 'budgetMax'
  | 'preferredLayouts'
  | 'channel'
>;

/** Role checks on a known user (canManage/canSell are type guards over any principal). */
function isManager(user: UserPrincipal): boolean {
  return canManage(user);
}
function isSeller(user: UserPrincipal): boolean {
  return canSell(user);
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === 'P2002' || pgErrorCode(error) === '23505';
}

function toNumber(v: bigint | null): number | null {
  return v === null ? null : Number(v);
}

/** Audit-friendly view of stored fields: never the cipher, budgets as numbers. */
function auditView(row: Partial<Record<string, unknown>>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (k === 'idNumberCipher') continue;
    const v = row[k];
    out[k] = typeof v === 'bigint' ? Number(v) : v;
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  return (
    JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)) ===
    JSON.stringify(b, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))
  );
}

interface Cursor {
  c: string;
  i: string;
}

function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify({ c: row.createdAt.toISOString(), i: row.id } satisfies Cursor)).toString(
    'base64url',
  );
}

function decodeCursor(text: string): Cursor {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (
      typeof v.c === 'string' &&
      typeof v.i === 'string' &&
      !Number.isNaN(Date.parse(v.c)) &&
      /^[0-9a-f-]{36}$/i.test(v.i)
    ) {
      return { c: v.c, i: v.i };
    }
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', 'Invalid cursor.', [{ path: 'cursor', message: 'invalid cursor' }]);
}

export class CustomerService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    private readonly query: QueryService,
    private readonly cipher: IdCipher,
  ) {}

  // -------------------------------------------------------------------------------------------
  // Access

  private async member(principal: Principal, projectId: string): Promise<UserPrincipal> {
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Customers are for staff.');
    await this.directory.assertAccess(principal, projectId);
    return principal;
  }

  /** Staff who sell (consultants, managers) may change customers; cashiers only read. */
  private async seller(principal: Principal, projectId: string): Promise<UserPrincipal> {
    const user = await this.member(principal, projectId);
    if (!canSell(user)) throw new AppError('FORBIDDEN', 'Only sales staff change customers.');
    return user;
  }

  private async manager(principal: Principal, projectId: string): Promise<UserPrincipal> {
    const user = await this.member(principal, projectId);
    if (!canManage(user)) throw new AppError('FORBIDDEN', 'Only managers can do this.');
    return user;
  }

  private assertCanRead(user: UserPrincipal, row: { ownerId: string | null }): void {
    if (!mayOpenPersonRecord(user, { ownerId: row.ownerId })) {
      throw new AppError('FORBIDDEN', 'This customer belongs to another consultant.');
    }
  }

  private assertCanEdit(user: UserPrincipal, row: { ownerId: string | null }): void {
    if (isManager(user)) return;
    if (!isSeller(user)) throw new AppError('FORBIDDEN', 'Only sales staff change customers.');
    if (row.ownerId === null) throw new AppError('FORBIDDEN', 'Claim this customer from the pool first.');
    if (row.ownerId !== user.id) throw new AppError('FORBIDDEN', 'This customer belongs to another consultant.');
  }

  /** A customer and the caller allowed to read it. */
  private async load(principal: Principal, customerId: string): Promise<{ user: UserPrincipal; row: CustomerRow }> {
    const row = await this.db.customer.findUnique({ where: { id: customerId }, include: customerInclude });
    if (!row) throw new AppError('NOT_FOUND', 'Customer not found.');
    const user = await this.member(principal, row.projectId);
    this.assertCanRead(user, row);
    return { user, row };
  }

  /** The consultant a customer may be given to: an active seller who is a member of the project. */
  private async assertOwnerCandidate(projectId: string, userId: string): Promise<CustomerOwner> {
    const user = await this.db.user.findUnique({
      where: { id: userId },
      select: {
        id: true,
        displayName: true,
        admin: true,
        active: true,
        memberships: { where: { projectId }, select: { role: true } },
      },
    });
    const role = user ? roleOfRow(user) : null;
    if (user === null || !user.active || role === null || !SELLER_ROLES.includes(role)) {
      throw new AppError('VALIDATION_FAILED', 'The new owner must be a sales member of this project.', [
        { path: 'ownerId', message: 'not a sales member of this project' },
      ]);
    }
    return { id: user.id, displayName: user.displayName };
  }

  // -------------------------------------------------------------------------------------------
  // Views

  /** A customer as `user` may see it (the privacy rule: e.g. a pool customer's phone masked for a consultant). */
  private toInfo(user: UserPrincipal, r: CustomerRow): CustomerInfo {
    const view = personView(user, { ownerId: r.ownerId });
    return {
      id: r.id,
      projectId: r.projectId,
      name: showName(view.name, r.name),
      phone: showPhone(view.phone, r.phone),
      idNumberMasked: showIdNumber(view.idNumber, r.idNumberMasked),
      coBuyers: showCoBuyers(view, (Array.isArray(r.coBuyers) ? r.coBuyers : []) as unknown as CoBuyer[]),
      intent: r.intent,
      demand: r.demand,
      budgetMin: toNumber(r.budgetMin),
      budgetMax: toNumber(r.budgetMax),
      preferredLayouts: r.preferredLayouts,
      channel: r.channel,
      status: r.status,
      owner: r.owner ? { id: r.owner.id, displayName: r.owner.displayName } : null,
      version: r.version,
      lastActivityAt: r.lastActivityAt.toISOString(),
      createdAt: r.createdAt.toISOString(),
      registration: r.registration
        ? {
            id: r.registration.id,
            number: r.registration.number,
            status: r.registration.status,
            unitsAllowed: r.registration.unitsAllowed,
            unitsUsed: r.registration.unitsUsed,
            label: formatRegistrationNo(r.registration.number),
            // Derived from the cashier's payments (registration-service SINCERITY_HELD_WHERE).
            depositPaid: r.registration._count.payments > 0,
          }
        : null,
    };
  }

  /** The shortlist with each unit's live status, from the same snapshot the board follows. */
  private async liveShortlist(
    principal: UserPrincipal,
    projectId: string,
    customerId: string,
  ): Promise<CustomerShortlist> {
    const [items, snapshot, catalog] = await Promise.all([
      this.db.shortlistItem.findMany({
        where: { customerId },
        orderBy: { rank: 'asc' },
        select: { unitId: true, rank: true },
      }),
      this.query.snapshot(principal, projectId),
      this.directory.getCatalog(projectId),
    ]);
    const states = new Map(snapshot.units.map((u) => [u.id, u]));
    const entries: ShortlistEntry[] = [];
    for (const item of items) {
      const unit = catalog.byId.get(item.unitId);
      const state = states.get(item.unitId);
      if (!unit || !state) continue;
      entries.push({
        unitId: unit.id,
        rank: item.rank,
        code: unit.code,
        buildingId: unit.buildingId,
        floor: unit.floor,
        layoutName: unit.layoutName,
        grossArea: unit.grossArea,
        listPrice: unit.listPrice,
        status: state.status,
        available: state.status === 'AVAILABLE',
        ...(state.lock
          ? { lock: { holderName: state.lock.holderName, expiresAt: state.lock.expiresAt, ttlMs: state.lock.ttlMs } }
          : {}),
      });
    }
    return {
      customerId,
      seq: snapshot.seq,
      serverTime: snapshot.serverTime,
      items: entries,
      availableCount: entries.filter((e) => e.available).length,
    };
  }

  private async duplicateError(projectId: string, phone: string): Promise<AppError> {
    const existing = await this.db.customer.findUnique({
      where: { projectId_phone: { projectId, phone } },
      select: { id: true, owner: { select: { id: true, displayName: true } } },
    });
    if (!existing) return new AppError('CONFLICT', 'The customer changed meanwhile; try again.');
    const details: DuplicateCustomerDetails = { customerId: existing.id, owner: existing.owner };
    const message = existing.owner
      ? `A customer with this phone number is already registered in this project, owned by ${existing.owner.displayName}.`
      : 'A customer with this phone number is already registered in this project (in the public pool).';
    return new AppError('DUPLICATE_CUSTOMER', message, details);
  }

  // -------------------------------------------------------------------------------------------
  // Commands and queries

  async list(principal: Principal, projectId: string, query: CustomerListQuery): Promise<CustomerPage> {
    const user = await this.member(principal, projectId);
    const and: Prisma.CustomerWhereInput[] = [{ projectId }];
    const owner = query.owner === 'me' ? user.id : query.owner;
    if (user.role === 'CONSULTANT') {
      if (owner === undefined) and.push({ OR: [{ ownerId: user.id }, { ownerId: null }] });
      else if (owner === 'pool') and.push({ ownerId: null });
      else if (owner === user.id) and.push({ ownerId: user.id });
      else throw new AppError('FORBIDDEN', 'Consultants see their own customers and the pool.');
    } else if (owner !== undefined) {
      and.push({ ownerId: owner === 'pool' ? null : owner });
    }
    if (query.status) and.push({ status: query.status });
    if (query.intent) and.push({ intent: query.intent });
    if (query.idleDays) and.push({ lastActivityAt: { lt: new Date(Date.now() - query.idleDays * DAY_MS) } });
    if (query.q) {
      const digits = phoneDigits(query.q);
      and.push({
        OR: [
          { name: { contains: query.q, mode: 'insensitive' } },
          ...(digits ? [{ phone: { contains: digits } }] : []),
        ],
      });
    }
    if (query.cursor) {
      const { c, i } = decodeCursor(query.cursor);
      const at = new Date(c);
      and.push({ OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: i } }] });
    }
    const rows = await this.db.customer.findMany({
      where: { AND: and },
      include: customerInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      customers: page.map((r) => this.toInfo(user, r)),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
    };
  }

  async get(principal: Principal, customerId: string): Promise<CustomerDetail> {
    const { user, row } = await this.load(principal, customerId);
    const [followUps, shortlist] = await Promise.all([
      this.db.followUp.findMany({
        where: { customerId },
        orderBy: [{ at: 'desc' }, { id: 'desc' }],
        take: FOLLOW_UPS_SHOWN,
        include: { consultant: { select: { id: true, displayName: true } } },
      }),
      this.liveShortlist(user, row.projectId, customerId),
    ]);
    return {
      ...this.toInfo(user, row),
      followUps: followUps.map((f) => ({
        id: f.id,
        kind: f.kind,
        note: f.note,
        at: f.at.toISOString(),
        consultant: f.consultant,
      })),
      shortlist,
    };
  }

  /**
   * Register a customer. A consultant becomes the owner; a manager may name another owner or the
   * pool. The same phone twice in one project is DUPLICATE_CUSTOMER naming the owner (decided by the
   * unique index, so concurrent creates cannot both win). Repeating a create with the same `id`
   * answers the customer it made (`created: false`).
   */
  async create(
    principal: Principal,
    projectId: string,
    body: CreateCustomerBody,
  ): Promise<{ customer: CustomerInfo; created: boolean }> {
    const user = await this.seller(principal, projectId);
    let ownerId: string | null = user.id;
    if (body.ownerId !== undefined && body.ownerId !== user.id) {
      if (!canManage(user)) throw new AppError('FORBIDDEN', 'Only managers choose another owner.');
      ownerId = body.ownerId;
      if (ownerId !== null) await this.assertOwnerCandidate(projectId, ownerId);
    }
    const id = body.id ?? randomUUID();
    const idNumber = body.idNumber ?? null;
    const data: Prisma.CustomerUncheckedCreateInput = {
      id,
      projectId,
      name: body.name,
      phone: body.phone,
      idNumberCipher: idNumber ? this.cipher.encrypt(idNumber, projectId) : null,
      idNumberMasked: idNumber ? maskIdNumber(idNumber) : null,
      coBuyers: body.coBuyers ?? [],
      intent: body.intent ?? null,
      demand: body.demand ?? null,
      budgetMin: body.budgetMin == null ? null : BigInt(body.budgetMin),
      budgetMax: body.budgetMax == null ? null : BigInt(body.budgetMax),
      preferredLayouts: body.preferredLayouts ?? [],
      channel: body.channel ?? 'WALK_IN',
      ownerId,
    };
    try {
      const row = await this.db.$transaction(async (tx) => {
        const created = await tx.customer.create({ data, include: customerInclude });
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId,
            actor: user,
            action: 'customer.create',
            entity: 'customer',
            entityId: id,
            after: auditView(created as unknown as Record<string, unknown>, [
              'name',
              'phone',
              'idNumberMasked',
              'coBuyers',
              'intent',
              'demand',
              'budgetMin',
              'budgetMax',
              'preferredLayouts',
              'channel',
              'ownerId',
              'status',
            ]),
          }),
        });
        return created;
      });
      return { customer: this.toInfo(user, row), created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (body.id) {
        const same = await this.db.customer.findUnique({ where: { id: body.id }, include: customerInclude });
        if (same && same.projectId === projectId && same.phone === body.phone) {
          this.assertCanRead(user, same);
          return { customer: this.toInfo(user, same), created: false };
        }
      }
      throw await this.duplicateError(projectId, body.phone);
    }
  }

  /** Edit fields (owner or manager) with the version the editor saw; a stale version is CONFLICT. */
  async update(principal: Principal, customerId: string, body: UpdateCustomerBody): Promise<CustomerInfo> {
    const { user, row: seen } = await this.load(principal, customerId);
    this.assertCanEdit(user, seen);
    const projectId = seen.projectId;
    const wanted: EditableFields = {};
    if (body.name !== undefined) wanted.name = body.name;
    if (body.phone !== undefined) wanted.phone = body.phone;
    if (body.idNumber !== undefined) {
      wanted.idNumberMasked = body.idNumber === null ? null : maskIdNumber(body.idNumber);
      wanted.idNumberCipher = body.idNumber === null ? null : this.cipher.encrypt(body.idNumber, projectId);
    }
    if (body.coBuyers !== undefined) wanted.coBuyers = body.coBuyers;
    if (body.intent !== undefined) wanted.intent = body.intent;
    if (body.demand !== undefined) wanted.demand = body.demand;
    if (body.budgetMin !== undefined) wanted.budgetMin = body.budgetMin === null ? null : BigInt(body.budgetMin);
    if (body.budgetMax !== undefined) wanted.budgetMax = body.budgetMax === null ? null : BigInt(body.budgetMax);
    if (body.preferredLayouts !== undefined) wanted.preferredLayouts = body.preferredLayouts;
    if (body.channel !== undefined) wanted.channel = body.channel;
    try {
      const row = await this.db.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT id FROM customers WHERE id = ${customerId}::uuid FOR UPDATE`;
        const current = await tx.customer.findUniqueOrThrow({ where: { id: customerId }, include: customerInclude });
        this.assertCanEdit(user, current);
        if (current.version !== body.version) {
          throw new AppError('CONFLICT', 'Someone else changed this customer; reload and try again.', {
            version: current.version,
          });
        }
        const source = current as unknown as Record<string, unknown>;
        // The masked ID decides whether the ID changed (a fresh cipher differs every time).
        const changedKeys = Object.keys(wanted).filter(
          (k) => k !== 'idNumberCipher' && !sameValue(source[k], (wanted as Record<string, unknown>)[k]),
        );
        if (body.idNumber !== undefined && body.idNumber !== null && current.idNumberCipher) {
          const clear = this.cipher.decrypt(current.idNumberCipher, projectId);
          if (clear !== body.idNumber && !changedKeys.includes('idNumberMasked')) changedKeys.push('idNumberMasked');
        }
        if (changedKeys.length === 0) return current;
        const data: Record<string, unknown> = {};
        for (const k of changedKeys) data[k] = (wanted as Record<string, unknown>)[k];
        if (changedKeys.includes('idNumberMasked')) data.idNumberCipher = wanted.idNumberCipher;
        // Budget order must hold for the merged record, not only within the PATCH.
        const min = (changedKeys.includes('budgetMin') ? wanted.budgetMin : current.budgetMin) as bigint | null;
        const max = (changedKeys.includes('budgetMax') ? wanted.budgetMax : current.budgetMax) as bigint | null;
        if (min !== null && max !== null && min > max) {
          throw new AppError('VALIDATION_FAILED', 'budgetMin must not exceed budgetMax.', [
            { path: 'budgetMax', message: 'budgetMin must not exceed budgetMax' },
          ]);
        }
        const updated = await tx.customer.update({
          where: { id: customerId },
          data: { ...(data as EditableFields), version: { increment: 1 }, lastActivityAt: new Date() },
          include: customerInclude,
        });
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId,
            actor: user,
            action: 'customer.update',
            entity: 'customer',
            entityId: customerId,
            before: auditView(source, changedKeys),
            after: auditView(updated as unknown as Record<string, unknown>, changedKeys),
          }),
        });
        return updated;
      });
      return this.toInfo(user, row);
    } catch (error) {
      if (isUniqueViolation(error) && body.phone !== undefined) throw await this.duplicateError(projectId, body.phone);
      throw error;
    }
  }

  /** Log a call, visit, message or note (owner or manager); the customer counts as active now. */
  async addFollowUp(
    principal: Principal,
    customerId: string,
    body: CreateFollowUpBody,
  ): Promise<{ followUp: FollowUpInfo; created: boolean }> {
    const { user, row } = await this.load(principal, customerId);
    this.assertCanEdit(user, row);
    const now = Date.now();
    const at = body.at ? new Date(body.at) : new Date(now);
    if (at.getTime() > now + FOLLOW_UP_FUTURE_SLACK_MS) {
      throw new AppError('VALIDATION_FAILED', 'A follow-up cannot be in the future.', [
        { path: 'at', message: 'in the future' },
      ]);
    }
    const id = body.id ?? randomUUID();
    try {
      const created = await this.db.$transaction(async (tx) => {
        const entry = await tx.followUp.create({
          data: { id, customerId, consultantId: user.id, kind: body.kind, note: body.note, at },
          include: { consultant: { select: { id: true, displayName: true } } },
        });
        await tx.customer.update({ where: { id: customerId }, data: { lastActivityAt: new Date(now) } });
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId: row.projectId,
            actor: user,
            action: 'customer.follow-up',
            entity: 'customer',
            entityId: customerId,
            after: { followUpId: id, kind: body.kind, at: at.toISOString() },
          }),
        });
        return entry;
      });
      return { followUp: this.toFollowUp(created), created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.db.followUp.findUnique({
        where: { id },
        include: { consultant: { select: { id: true, displayName: true } } },
      });
      if (!existing || existing.customerId !== customerId)
        throw new AppError('CONFLICT', 'This follow-up id is already used.');
      return { followUp: this.toFollowUp(existing), created: false };
    }
  }

  private toFollowUp(f: {
    id: string;
    kind: FollowUpInfo['kind'];
    note: string;
    at: Date;
    consultant: CustomerOwner;
  }): FollowUpInfo {
    return {
      id: f.id,
      kind: f.kind,
      note: f.note,
      at: f.at.toISOString(),
      consultant: { id: f.consultant.id, displayName: f.consultant.displayName },
    };
  }

  async shortlist(principal: Principal, customerId: string): Promise<CustomerShortlist> {
    const { user, row } = await this.load(principal, customerId);
    return this.liveShortlist(user, row.projectId, customerId);
  }

  /** Replace the ranked shortlist (first = rank 1) with units of the customer's project. */
  async setShortlist(principal: Principal, customerId: string, unitIds: string[]): Promise<CustomerShortlist> {
    const { user, row } = await this.load(principal, customerId);
    this.assertCanEdit(user, row);
    const projectId = row.projectId;
    const found = await this.db.unit.findMany({ where: { id: { in: unitIds }, projectId }, select: { id: true } });
    const known = new Set(found.map((u) => u.id));
    const missing = unitIds.filter((id) => !known.has(id));
    if (missing.length > 0) {
      throw new AppError(
        'VALIDATION_FAILED',
        'Some units are not units of this project.',
        missing.map((id) => ({ path: 'unitIds', message: `${id}: not a unit of this project` })),
      );
    }
    await this.db.$transaction(async (tx: Tx) => {
      await tx.$queryRaw`SELECT id FROM customers WHERE id = ${customerId}::uuid FOR UPDATE`;
      const current = await tx.customer.findUniqueOrThrow({ where: { id: customerId }, select: { ownerId: true } });
      this.assertCanEdit(user, current);
      const before = (
        await tx.shortlistItem.findMany({ where: { customerId }, orderBy: { rank: 'asc' }, select: { unitId: true } })
      ).map((i) => i.unitId);
      if (sameValue(before, unitIds)) return;
      await tx.shortlistItem.deleteMany({ where: { customerId } });
      if (unitIds.length > 0)
        await tx.shortlistItem.createMany({ data: unitIds.map((unitId, i) => ({ customerId, unitId, rank: i + 1 })) });
      await tx.customer.update({ where: { id: customerId }, data: { lastActivityAt: new Date() } });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: user,
          action: 'customer.shortlist',
          entity: 'customer',
          entityId: customerId,
          before: { unitIds: before },
          after: { unitIds },
        }),
      });
    });
    return this.liveShortlist(user, projectId, customerId);
  }

  /** Managers: give customers to a consultant (or the pool, `ownerId: null`). */
  async reassign(
    principal: Principal,
    projectId: string,
    customerIds: string[],
    ownerId: string | null,
  ): Promise<ReassignResult> {
    const user = await this.manager(principal, projectId);
    const owner = ownerId === null ? null : await this.assertOwnerCandidate(projectId, ownerId);
    const ids = [...new Set(customerIds)];
    await this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string; owner_id: string | null }[]>`
        SELECT id::text, owner_id::text FROM customers
        WHERE id = ANY(${ids}::uuid[]) AND project_id = ${projectId}::uuid
        ORDER BY id FOR UPDATE`;
      const found = new Set(rows.map((r) => r.id));
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length > 0) {
        throw new AppError(
          'VALIDATION_FAILED',
          'Some customers are not customers of this project.',
          missing.map((id) => ({ path: 'customerIds', message: `${id}: not found` })),
        );
      }
      const changing = rows.filter((r) => r.owner_id !== ownerId);
      if (changing.length === 0) return;
      await tx.customer.updateMany({
        where: { id: { in: changing.map((r) => r.id) } },
        data: { ownerId, version: { increment: 1 }, lastActivityAt: new Date() },
      });
      await tx.auditEvent.createMany({
        data: changing.map((r) =>
          toAuditRow({
            projectId,
            actor: user,
            action: 'customer.reassign',
            entity: 'customer',
            entityId: r.id,
            before: { ownerId: r.owner_id },
            after: { ownerId },
          }),
        ),
      });
    });
    return { customerIds: ids, owner };
  }

  /**
   * Managers: customers of consultants without activity for `days` days go to the public pool.
   * Customers who already subscribed or signed stay with their consultant.
   */
  async moveIdleToPool(principal: Principal, projectId: string, days: number): Promise<MoveIdleResult> {
    const user = await this.manager(principal, projectId);
    const cutoff = new Date(Date.now() - days * DAY_MS);
    const moved = await this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string; owner_id: string; last_activity_at: Date }[]>`
        UPDATE customers c SET owner_id = NULL, version = c.version + 1
        FROM (
          SELECT id, owner_id, last_activity_at FROM customers
          WHERE project_id = ${projectId}::uuid AND owner_id IS NOT NULL AND last_activity_at < ${cutoff}
            AND status IN ('POTENTIAL'::"CustomerStatus", 'INTERESTED'::"CustomerStatus")
          ORDER BY id FOR UPDATE
        ) old
        WHERE c.id = old.id
        RETURNING c.id::text AS id, old.owner_id::text AS owner_id, old.last_activity_at`;
      if (rows.length > 0) {
        await tx.auditEvent.createMany({
          data: rows.map((r) =>
            toAuditRow({
              projectId,
              actor: user,
              action: 'customer.to-pool',
              entity: 'customer',
              entityId: r.id,
              before: { ownerId: r.owner_id, lastActivityAt: r.last_activity_at.toISOString() },
              after: { ownerId: null, idleDays: days },
            }),
          ),
        });
      }
      return rows.map((r) => r.id);
    });
    return { days, customerIds: moved };
  }

  /** Consultants (and managers) take a customer from the pool. Two claims race: one wins, the other is CONFLICT. */
  async claim(principal: Principal, customerId: string): Promise<CustomerInfo> {
    const { user, row } = await this.load(principal, customerId);
    if (!canSell(user)) throw new AppError('FORBIDDEN', 'Only sales staff claim customers.');
    const claimed = await this.db.$transaction(async (tx) => {
      const { count } = await tx.customer.updateMany({
        where: { id: customerId, ownerId: null },
        data: { ownerId: user.id, version: { increment: 1 }, lastActivityAt: new Date() },
      });
      if (count === 0) return false;
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId: row.projectId,
          actor: user,
          action: 'customer.claim',
          entity: 'customer',
          entityId: customerId,
          before: { ownerId: null },
          after: { ownerId: user.id },
        }),
      });
      return true;
    });
    const current = await this.db.customer.findUniqueOrThrow({ where: { id: customerId }, include: customerInclude });
    // A repeated claim by the winner answers the same result.
    if (!claimed && current.ownerId !== user.id) {
      throw new AppError('CONFLICT', 'Another consultant has claimed this customer.', { owner: current.owner });
    }
    return this.toInfo(user, current);
  }

  /** Managers: the sales members a customer can be given to (for the reassign picker). */
  async owners(principal: Principal, projectId: string): Promise<CustomerOwner[]> {
    await this.manager(principal, projectId);
    const rows = await this.db.user.findMany({
      where: { active: true, memberships: { some: { projectId, role: { in: ['CONSULTANT', 'MANAGER'] } } } },
      select: { id: true, displayName: true, memberships: { where: { projectId }, select: { role: true } } },
      orderBy: [{ username: 'asc' }],
    });
    // Managers first, then consultants, each by username.
    const rank = (r: (typeof rows)[number]) => (r.memberships[0]?.role === 'MANAGER' ? 0 : 1);
    return rows.sort((a, b) => rank(a) - rank(b)).map(({ id, displayName }) => ({ id, displayName }));
  }

  /** Whoever the privacy rule gives the full ID number (managers): the clear number. Every reading is audited. */
  async revealIdNumber(principal: Principal, customerId: string): Promise<IdNumberReveal> {
    const { user, row } = await this.load(principal, customerId);
    if (personView(user, { ownerId: row.ownerId }).idNumber !== 'full')
      throw new AppError('FORBIDDEN', 'Only managers can read ID numbers.');
    const idNumber = row.idNumberCipher ? this.cipher.decrypt(row.idNumberCipher, row.projectId) : null;
    await this.db.auditEvent.create({
      data: toAuditRow({
        projectId: row.projectId,
        actor: user,
        action: 'customer.reveal-id',
        entity: 'customer',
        entityId: customerId,
        after: { idNumberMasked: row.idNumberMasked },
      }),
    });
    return { customerId, idNumber };
  }
}
