/**
 * Pre-registration 认筹 and entitlement 机会数. A registration links a customer (household) to a
 * number and to the most units it may buy; the lock script and the confirm function enforce that
 * limit atomically (server/src/selling/lua/lock.lua, server/src/selling/sql/kaipan_confirm.sql).
 */
import {
  AppError,
  SINCERITY_HELD_STATUSES,
  canSelectFor,
  formatRegistrationNo,
  isOversubscribed,
  mayOpenPersonRecord,
  personView,
  showName,
  showPhone,
  type CreateRegistrationBody,
  type RegistrationInfo,
  type RegistrationOverview,
} from '@kaipan/shared';
import type { Db, Prisma } from '../infra/db.js';
import { pgErrorCode } from '../infra/db.js';
import type { SqlPool } from '../infra/sql.js';
import type { UnitMirror } from '../selling/mirror.js';
import { canManage, type Principal, type UserPrincipal } from '../domain/principal.js';
import { toAuditRow } from './audit.js';
import type { ProjectDirectory } from './project-directory.js';

/**
 * The SINCERITY payments under which a household holds its sincerity deposit 诚意金 (recorded, or
 * converted into its subscription deposit). `depositPaid` is derived from them in every read — there
 * is no stored flag a client could set.
 */
export const SINCERITY_HELD_WHERE = {
  kind: 'SINCERITY',
  status: { in: [...SINCERITY_HELD_STATUSES] },
} as const satisfies Prisma.PaymentWhereInput;

const registrationInclude = {
  customer: {
    select: {
      id: true,
      name: true,
      phone: true,
      status: true,
      ownerId: true,
      owner: { select: { displayName: true } },
    },
  },
  _count: { select: { payments: { where: SINCERITY_HELD_WHERE } } },
} as const;

type RegistrationRow = Prisma.RegistrationGetPayload<{ include: typeof registrationInclude }>;

/** A registration as `viewer` may see it: the buyer's contact per the privacy rule (shared/src/privacy.ts). */
export function toRegistrationInfo(viewer: UserPrincipal, r: RegistrationRow): RegistrationInfo {
  const view = personView(viewer, { ownerId: r.customer.ownerId });
  return {
    id: r.id,
    projectId: r.projectId,
    number: r.number,
    label: formatRegistrationNo(r.number),
    status: r.status,
    customer: {
      id: r.customer.id,
      name: showName(view.name, r.customer.name),
      phone: showPhone(view.phone, r.customer.phone),
      ownerId: r.customer.ownerId,
      ownerName: r.customer.owner?.displayName ?? null,
      status: r.customer.status,
    },
    depositPaid: r._count.payments > 0,
    unitsAllowed: r.unitsAllowed,
    unitsUsed: r.unitsUsed,
    selectionStartsAt: r.selectionStartsAt?.toISOString() ?? null,
    selectionEndsAt: r.selectionEndsAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

/** What a lock needs to know about the buyer it is for. */
export interface BuyerEntitlement {
  registrationId: string;
  /** Units the registration may still buy (allowed − live subscriptions). */
  remaining: number;
  /** Set when a manager selects for another consultant's (or the pool's) buyer: audited with the lock. */
  actingFor: { ownerId: string | null } | null;
}

interface EntitlementRow {
  project_id: string;
  status: 'ACTIVE' | 'CANCELLED';
  units_allowed: number;
  units_used: number;
  window_open: boolean;
  owner_id: string | null;
}

/**
 * Only the buyer's owner consultant or a manager selects units for a registered buyer (shared
 * canSelectFor); FORBIDDEN otherwise. Returns whether a manager is acting for the owner.
 */
export function assertCanSelectFor(user: UserPrincipal, ownerId: string | null): { actingFor: boolean } {
  const decision = canSelectFor({ id: user.id, manager: canManage(user) }, ownerId);
  if (decision.allowed) return { actingFor: decision.actingFor };
  throw new AppError(
    'FORBIDDEN',
    decision.reason === 'POOL'
      ? 'This buyer is in the public pool: claim the customer first, then select units for them.'
      : 'This buyer belongs to another consultant: only their consultant or a manager can select units for them.',
  );
}

export class RegistrationService {
  constructor(
    private readonly db: Db,
    private readonly sql: SqlPool,
    private readonly mirror: UnitMirror,
    private readonly directory: ProjectDirectory,
  ) {}

  private async authorize(principal: Principal, projectId: string): Promise<UserPrincipal> {
    // Sales staff register their customers; cashiers and managers read them; devices never.
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Only staff handle registrations.');
    await this.directory.assertAccess(principal, projectId);
    return principal;
  }

  async create(principal: Principal, projectId: string, body: CreateRegistrationBody): Promise<RegistrationInfo> {
    const user = await this.authorize(principal, projectId);
    if (body.unitsAllowed !== undefined && !canManage(user)) {
      throw new AppError('FORBIDDEN', 'Only managers set a registration’s entitlement.');
    }
    const customer = await this.db.customer.findUnique({
      where: { id: body.customerId },
      select: { projectId: true, ownerId: true, status: true },
    });
    if (!customer || customer.projectId !== projectId)
      throw new AppError('NOT_FOUND', 'Customer not found in this project.');
    if (user.role === 'CONSULTANT' && customer.ownerId !== null && customer.ownerId !== user.id) {
      throw new AppError('FORBIDDEN', 'This customer belongs to another consultant.');
    }
    try {
      const row = await this.db.$transaction(async (tx) => {
        // The per-project counter row serialises numbering: gapless, never reused.
        const project = await tx.project.update({
          where: { id: projectId },
          data: { registrationCounter: { increment: 1 } },
          select: { registrationCounter: true, entitlementPerRegistration: true },
        });
        const created = await tx.registration.create({
          data: {
            projectId,
            customerId: body.customerId,
            number: project.registrationCounter,
            unitsAllowed: body.unitsAllowed ?? project.entitlementPerRegistration,
            createdById: user.id,
          },
          include: registrationInclude,
        });
        const statusChange = customer.status === 'POTENTIAL';
        if (statusChange) {
          await tx.customer.update({
            where: { id: body.customerId },
            data: { status: 'INTERESTED', version: { increment: 1 }, lastActivityAt: new Date() },
          });
        }
        await tx.auditEvent.createMany({
          data: [
            toAuditRow({
              projectId,
              actor: user,
              action: 'registration.create',
              entity: 'registration',
              entityId: created.id,
              after: { number: created.number, customerId: body.customerId, unitsAllowed: created.unitsAllowed },
            }),
            ...(statusChange
              ? [
                  toAuditRow({
                    projectId,
                    actor: user,
                    action: 'customer.status',
                    entity: 'customer',
                    entityId: body.customerId,
                    before: { status: 'POTENTIAL' },
                    after: { status: 'INTERESTED', registrationId: created.id },
                  }),
                ]
              : []),
          ],
        });
        return created;
      });
      return toRegistrationInfo(user, row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('ALREADY_REGISTERED');
      throw error;
    }
  }

  /**
   * The project's registrations with the oversubscription figures. A consultant gets the
   * registrations of the customers they own (their "selecting for" bar) — another consultant's
   * buyers are theirs to select for, not this one's, so listing them would only show who is
   * registered with whom. The figures (active registrations, entitlement, units on sale) stay
   * project-wide: aggregates name nobody.
   */
  async overview(principal: Principal, projectId: string): Promise<RegistrationOverview> {
    const user = await this.authorize(principal, projectId);
    const rows = await this.db.registration.findMany({
      where: { projectId },
      include: registrationInclude,
      orderBy: { number: 'asc' },
    });
    const snapshot = await this.mirror.snapshot(projectId);
    let availableUnits = 0;
    for (const unit of snapshot.units.values()) if (unit.status === 'AVAILABLE') availableUnits += 1;
    const active = rows.filter((r) => r.status === 'ACTIVE');
    const listed = user.role === 'CONSULTANT' ? rows.filter((r) => r.customer.ownerId === user.id) : rows;
    return {
      registrations: listed.map((r) => toRegistrationInfo(user, r)),
      activeCount: active.length,
      entitledUnits: active.reduce((sum, r) => sum + Math.max(0, r.unitsAllowed - r.unitsUsed), 0),
      availableUnits,
      oversubscribed: isOversubscribed(active.length, availableUnits),
    };
  }

  async get(principal: Principal, registrationId: string): Promise<RegistrationInfo> {
    const row = await this.db.registration.findUnique({ where: { id: registrationId }, include: registrationInclude });
    if (!row) throw new AppError('NOT_FOUND', 'Registration not found.');
    const user = await this.authorize(principal, row.projectId);
    // As for the customer itself (GET /api/customers/:id): another consultant's buyer is FORBIDDEN.
    if (!mayOpenPersonRecord(user, { ownerId: row.customer.ownerId })) {
      throw new AppError('FORBIDDEN', 'This registration belongs to another consultant’s customer.');
    }
    return toRegistrationInfo(user, row);
  }

  /** Cancel (managers): the household loses its place; subscriptions already made stay. */
  async cancel(principal: Principal, registrationId: string): Promise<RegistrationInfo> {
    return this.update(principal, registrationId, 'registration.cancel', (r) =>
      r.status === 'CANCELLED' ? null : { status: 'CANCELLED' },
    );
  }

  /** Change the entitlement (managers); never below what the household already bought. */
  async setEntitlement(principal: Principal, registrationId: string, unitsAllowed: number): Promise<RegistrationInfo> {
    return this.update(principal, registrationId, 'registration.entitlement', (r) => {
      if (unitsAllowed < r.unitsUsed) {
        throw new AppError('INVALID_TRANSITION', `The household already bought ${r.unitsUsed} unit(s).`);
      }
      return r.unitsAllowed === unitsAllowed ? null : { unitsAllowed };
    });
  }

  /**
   * Row-locked read-modify-write by a manager, with its audit event. `change` returns the fields to
   * set, or null when nothing changes (a repeated press answers the current state).
   */
  private async update(
    principal: Principal,
    registrationId: string,
    action: string,
    change: (r: RegistrationRow) => Prisma.RegistrationUpdateInput | null,
  ): Promise<RegistrationInfo> {
    const found = await this.db.registration.findUnique({ where: { id: registrationId }, select: { projectId: true } });
    if (!found) throw new AppError('NOT_FOUND', 'Registration not found.');
    const user = await this.authorize(principal, found.projectId);
    if (!canManage(user)) throw new AppError('FORBIDDEN', 'Only managers can do this.');
    const row = await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM registrations WHERE id = ${registrationId}::uuid FOR UPDATE`;
      const current = await tx.registration.findUniqueOrThrow({
        where: { id: registrationId },
        include: registrationInclude,
      });
      const data = change(current);
      if (!data) return current;
      const updated = await tx.registration.update({
        where: { id: registrationId },
        data,
        include: registrationInclude,
      });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId: found.projectId,
          actor: user,
          action,
          entity: 'registration',
          entityId: registrationId,
          before: pick(current, data),
          after: pick(updated, data),
        }),
      });
      return updated;
    });
    return toRegistrationInfo(user, row);
  }

  /**
   * The buyer a lock is for: exists in the project, active, selectable by this user (their own
   * customer, or a manager acting for the owner: canSelectFor), (when required) called and inside
   * the selection window, and with entitlement left. One indexed read (the registration and its
   * customer by primary key); the lock script then counts the buyer's live locks atomically.
   */
  async entitlementFor(
    user: UserPrincipal,
    projectId: string,
    registrationId: string,
    requireCalled: boolean,
  ): Promise<BuyerEntitlement> {
    const { rows } = await this.sql.query<EntitlementRow>({
      name: 'kaipan_entitlement_v2',
      text: `SELECT r.project_id::text, r.status, r.units_allowed, r.units_used,
                    (r.selection_starts_at <= now() AND r.selection_ends_at > now()) IS TRUE AS window_open,
                    c.owner_id::text AS owner_id
             FROM registrations r JOIN customers c ON c.id = r.customer_id WHERE r.id = $1::uuid`,
      values: [registrationId],
    });
    const r = rows[0];
    if (!r || r.project_id !== projectId || r.status !== 'ACTIVE')
      throw new AppError('NOT_FOUND', 'Registration not found or cancelled.');
    const { actingFor } = assertCanSelectFor(user, r.owner_id);
    if (requireCalled && !r.window_open) throw new AppError('SELECTION_NOT_OPEN');
    const remaining = r.units_allowed - r.units_used;
    if (remaining <= 0) throw new AppError('ENTITLEMENT_EXCEEDED');
    return { registrationId, remaining, actingFor: actingFor ? { ownerId: r.owner_id } : null };
  }

  /**
   * Name and phone of the registered buyer (confirm and the below-floor request record them), for a
   * user who may select for them: the buyer may have been handed to another consultant since the lock.
   */
  async buyerFor(user: UserPrincipal, registrationId: string): Promise<{ name: string; phone: string }> {
    const row = await this.db.registration.findUnique({
      where: { id: registrationId },
      select: { customer: { select: { name: true, phone: true, ownerId: true } } },
    });
    if (!row) throw new AppError('NOT_FOUND', 'Registration not found.');
    assertCanSelectFor(user, row.customer.ownerId);
    return { name: row.customer.name, phone: row.customer.phone };
  }

  /**
   * A quote with a registered buyer's identity discounts: only for who may select for them (the
   * caller checked the user's access to the project).
   */
  async assertSelectable(user: UserPrincipal, projectId: string, registrationId: string): Promise<void> {
    const row = await this.db.registration.findUnique({
      where: { id: registrationId },
      select: { projectId: true, customer: { select: { ownerId: true } } },
    });
    if (!row || row.projectId !== projectId) throw new AppError('NOT_FOUND', 'Registration not found.');
    assertCanSelectFor(user, row.customer.ownerId);
  }
}

function pick(row: object, fields: object): Record<string, unknown> {
  const source = row as Record<string, unknown>;
  return Object.fromEntries(Object.keys(fields).map((k) => [k, source[k]]));
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === 'P2002' || pgErrorCode(error) === '23505';
}
