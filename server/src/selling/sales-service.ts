/**
 * Selling a unit: lock (Redis script), release (compare-and-delete), confirm (PostgreSQL
 * transaction guarded by the unit's status and a partial unique index, then the mirror).
 * DESIGN.md "The lock protocol" is the specification.
 */
import {
  AppError,
  broadcastName,
  type Buyer,
  type ConfirmResult,
  type DealInfo,
  type DealTerms,
  type LockResult,
  type UnitRef,
  transitionOf,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { SqlPool } from '../infra/sql.js';
import { pgErrorCode } from '../infra/db.js';
import type { MirrorFailure, MirrorResult, UnitMirror } from './mirror.js';
import { canManage, canSell, type Principal, type UserPrincipal } from '../domain/principal.js';
import type { AuditWriter } from '../services/audit.js';
import type { DependencyHealth } from '../services/dependency-health.js';
import type { MirrorKeeper } from './mirror-keeper.js';
import type { ProjectDirectory } from '../services/project-directory.js';
import type { RegistrationService } from '../services/registration-service.js';
import type { DealQuote, PricingService } from '../services/pricing-service.js';

/**
 * How long a lock may stay "confirming" while PostgreSQL commits, ms: longer than the pool's
 * connection wait (10 s) plus the statement timeout (PG_STATEMENT_TIMEOUT_MS, default 8 s).
 */
const CONFIRM_GRACE_MS = 30_000;

/** The steps lock.lua and release.lua make (test/lua-transitions.test.ts), as their audit events tell them. */
const LOCK = transitionOf('lock');
const UNLOCK = transitionOf('unlock');

function fail(code: MirrorFailure): never {
  if (code === 'MIRROR_MISSING') throw new AppError('SERVICE_UNAVAILABLE', 'Sales state is being rebuilt; try again.');
  throw new AppError(code);
}

export class SalesService {
  constructor(
    private readonly db: Db,
    private readonly sql: SqlPool,
    private readonly mirror: UnitMirror,
    private readonly keeper: MirrorKeeper,
    private readonly directory: ProjectDirectory,
    private readonly audit: AuditWriter,
    private readonly registrations: RegistrationService,
    private readonly pricing: PricingService,
    /** Locks and confirms are refused at once while PostgreSQL or Redis is down (sellingBlockedBy). */
    private readonly health: Pick<DependencyHealth, 'assertSelling' | 'assertUp'>,
    /**
     * Told about every new subscription after it committed; answers the deposit deadline (定金时限)
     * when the project has one, else null (cached: no wait for projects without). Must not throw.
     */
    private readonly onConfirmed?: (
      projectId: string,
      subscriptionId: string,
      at: Date,
    ) => Promise<Date | null> | Date | null,
  ) {}

  /** A seller in the unit's project (their role there, from the cached memberships: no PostgreSQL). */
  private async authorize(principal: Principal, unitId: string) {
    const resolved = await this.directory.resolveUnit(unitId);
    await this.directory.assertAccess(principal, resolved.projectId);
    if (!canSell(principal)) throw new AppError('FORBIDDEN', 'Only sales staff can lock and confirm units.');
    return { ...resolved, user: principal };
  }

  /** Run a mirror operation; when the mirror is missing, rebuild it once and retry. */
  private async withMirror<T>(projectId: string, op: () => Promise<MirrorResult<T>>): Promise<T> {
    let result = await op();
    if (!result.ok && result.code === 'MIRROR_MISSING') {
      await this.keeper.rebuild(projectId);
      result = await op();
    }
    if (!result.ok) fail(result.code);
    return result.value;
  }

  /**
   * Lock a unit, for a registered buyer when `registrationId` is given (required when the project
   * says so): only the buyer's owner consultant or a manager (audited as acting for the owner) may;
   * the buyer's entitlement counts their live locks atomically in the lock script.
   */
  async lock(principal: Principal, unitId: string, registrationId?: string): Promise<LockResult> {
    // While PostgreSQL is down a lock could never be confirmed: refuse it rather than mislead the
    // buyer and keep the unit from the next one (docs/deploy.md "Faults").
    this.health.assertSelling();
    const { projectId, project, unit, user } = await this.authorize(principal, unitId);
    if (project.requireRegistration && !registrationId) throw new AppError('REGISTRATION_REQUIRED');
    const buyer = registrationId
      ? await this.registrations.entitlementFor(user, projectId, registrationId, project.requireCalled)
      : undefined;
    const grant = await this.withMirror(projectId, () =>
      this.mirror.lock(
        projectId,
        unitId,
        { id: user.id, name: user.displayName },
        project.lockTtlSeconds * 1000,
        project.maxLocksPerConsultant,
        buyer,
      ),
    );
    if (grant.isNew) {
      this.audit.record({
        projectId,
        actor: user,
        action: 'unit.lock',
        entity: 'unit',
        entityId: unitId,
        before: { status: LOCK.from },
        after: {
          status: LOCK.to,
          token: grant.token,
          unitCode: unit.code,
          expiresAt: new Date(grant.expiresAt).toISOString(),
          ...(registrationId ? { registrationId } : {}),
          ...(buyer?.actingFor ? { actingFor: buyer.actingFor } : {}),
        },
      });
    }
    return { unitId, token: grant.token, expiresAt: new Date(grant.expiresAt).toISOString(), ttlMs: grant.ttlMs };
  }

  async release(principal: Principal, unitId: string, token: string): Promise<UnitRef> {
    // Releasing needs Redis only (its audit event waits in the AuditWriter while PostgreSQL is down).
    this.health.assertUp('redis');
    const { projectId, unit, user } = await this.authorize(principal, unitId);
    const outcome = await this.withMirror(projectId, () =>
      this.mirror.release(projectId, unitId, token, user.id, canManage(user)),
    );
    if (outcome.released) {
      this.audit.record({
        projectId,
        actor: user,
        action: 'unit.release',
        entity: 'unit',
        entityId: unitId,
        before: { status: UNLOCK.from, token, holderId: outcome.holderId, unitCode: unit.code },
        after: { status: UNLOCK.to },
      });
    }
    return { unitId };
  }

  /**
   * `buyer` may be omitted for a lock taken for a registered buyer (their customer record is used).
   * `terms` choose the payment plan and discounts; the server prices the deal (shared quoteDeal) and
   * kaipan_confirm checks, in the sale's transaction, that the prices and version are still current
   * and that a below-floor price carries an approval.
   */
  async confirm(
    principal: Principal,
    unitId: string,
    token: string,
    buyer: Buyer | undefined,
    terms: DealTerms = {},
  ): Promise<ConfirmResult> {
    return this.track(() => this.doConfirm(principal, unitId, token, buyer, terms));
  }

  private async doConfirm(
    principal: Principal,
    unitId: string,
    token: string,
    given: Buyer | undefined,
    terms: DealTerms,
  ): Promise<ConfirmResult> {
    this.health.assertSelling();
    const { projectId, project, unit, user } = await this.authorize(principal, unitId);
    const begun = await this.mirror.confirmBegin(projectId, unitId, token, user.id, CONFIRM_GRACE_MS);
    if (!begun.ok) {
      // A retry of a confirm that already succeeded finds its subscription instead of an error.
      const previous = await this.answerConfirmed(projectId, unit.code, unitId, token, user);
      if (previous) return previous;
      fail(begun.code);
    }
    // begun.value.state 'CONFIRMING': another press of this very lock is committing right now (a
    // double press, a second phone, another hub). This one goes on: kaipan_confirm waits for the
    // unit's row lock, finds the unit sold, and the press answers the subscription the other made.
    const registrationId = begun.value.registrationId;
    let row: ConfirmRow | undefined;
    let buyer: Buyer;
    try {
      // The registered buyer may have been handed to another consultant since the lock: asked again.
      buyer = registrationId ? await this.registrations.buyerFor(user, registrationId) : requireBuyer(given);
    } catch (error) {
      await this.mirror.confirmAbort(projectId, unitId, token).catch(() => undefined);
      throw error;
    }
    // Priced from the in-memory terms; when they prove stale (the client or kaipan_confirm knows a
    // newer version), read them again and price once more before refusing.
    let stale: number | undefined;
    for (;;) {
      const fresh = stale !== undefined;
      let quote: DealQuote;
      try {
        quote = await this.pricing.quote(unitId, terms, { registrationId, phone: buyer.phone }, new Date(), stale);
        if (terms.priceVersion !== undefined && terms.priceVersion !== quote.priceVersion) {
          stale = quote.snapshot;
          if (!fresh) continue;
          throw new AppError('PRICE_VERSION_STALE');
        }
        if (quote.breakdown.belowFloor && !terms.approvalId) throw new AppError('APPROVAL_REQUIRED');
      } catch (error) {
        await this.mirror.confirmAbort(projectId, unitId, token).catch(() => undefined);
        throw error;
      }
      try {
        row = await this.commitConfirm(
          projectId,
          unitId,
          token,
          buyer,
          user,
          registrationId,
          project.requireCalled,
          quote,
          terms.approvalId ?? null,
        );
      } catch (error) {
        const refusal = confirmRefusal(error);
        // A refusal rolled everything back: nothing was written, so pricing again is safe.
        if (refusal === 'PRICE_VERSION_STALE' && !fresh) {
          stale = quote.snapshot;
          continue;
        }
        // The commit may have happened even though we saw an error (connection lost on the way back):
        // PostgreSQL decides.
        const committed = refusal
          ? null
          : await this.answerConfirmed(projectId, unit.code, unitId, token, user).catch(() => null);
        if (committed) return committed;
        await this.mirror.confirmAbort(projectId, unitId, token).catch(() => undefined);
        if (refusal) throw new AppError(refusal, REFUSAL_MESSAGES[refusal]);
        if (pgErrorCode(error) !== '23505') throw error;
      }
      break;
    }
    if (!row) {
      // Sold by this very lock: another press of it committed first — the same sale, its answer.
      const other = await this.answerConfirmed(projectId, unit.code, unitId, token, user);
      if (other) return other;
      await this.mirror.confirmAbort(projectId, unitId, token).catch(() => undefined);
      // Sold or withdrawn meanwhile: make sure the screens show why.
      await this.keeper.reconcileUnit(projectId, unitId);
      throw new AppError('UNIT_NOT_AVAILABLE', 'The unit was sold or withdrawn meanwhile.');
    }
    const deal: DealInfo = {
      subscriptionId: row.subscription_id,
      unitId,
      unitCode: unit.code,
      buyer: broadcastName(buyer.name),
      consultant: user.displayName,
      price: Number(row.price),
      at: row.created_at.toISOString(),
    };
    await this.keeper.applyCommitted(projectId, [
      { unitId, status: 'SUBSCRIBED', version: row.version, price: deal.price, deal, token },
    ]);
    // The sale is committed: a deadline that cannot be read never turns it into an error.
    let depositDue: Date | null = null;
    try {
      depositDue = (await this.onConfirmed?.(projectId, row.subscription_id, row.created_at)) ?? null;
    } catch {
      depositDue = null;
    }
    return depositDue
      ? { subscriptionId: row.subscription_id, depositDueAt: depositDue.toISOString() }
      : { subscriptionId: row.subscription_id };
  }

  private inFlight = 0;
  private idle: (() => void)[] = [];

  /** Count a command that writes, so shutdown can wait for it. */
  private async track<T>(run: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await run();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const done of this.idle.splice(0)) done();
    }
  }

  /** Wait (at most `timeoutMs`) for writing commands in progress to finish. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * The answer to a confirm of a lock that was already confirmed (a retry, a double press, a second
   * phone, another hub process): the subscription this lock made, with its deposit deadline when it
   * has one — or null. The mirror is brought up to date with the same change the first press applies
   * (its token consumes the lock; whichever applies first wins, the other is a no-op), in case the
   * first press died before that.
   */
  private async answerConfirmed(
    projectId: string,
    unitCode: string,
    unitId: string,
    token: string,
    user: UserPrincipal,
  ): Promise<ConfirmResult | null> {
    const found = await this.db.subscription.findFirst({
      where: { unitId, lockToken: BigInt(token), consultantId: user.id, status: { in: ['ACTIVE', 'CONTRACTED'] } },
      select: {
        id: true,
        price: true,
        buyerName: true,
        createdAt: true,
        depositDueAt: true,
        unit: { select: { status: true, version: true } },
      },
    });
    if (!found) return null;
    const deal: DealInfo = {
      subscriptionId: found.id,
      unitId,
      unitCode,
      buyer: broadcastName(found.buyerName),
      consultant: user.displayName,
      price: Number(found.price),
      at: found.createdAt.toISOString(),
    };
    await this.keeper.applyCommitted(projectId, [
      { unitId, status: found.unit.status, version: found.unit.version, price: deal.price, deal, token },
    ]);
    return found.depositDueAt
      ? { subscriptionId: found.id, depositDueAt: found.depositDueAt.toISOString() }
      : { subscriptionId: found.id };
  }

  /**
   * One call, one round trip, one transaction: `kaipan_confirm` (sql/kaipan_confirm.sql, where each
   * step is explained) makes the conditional unit update, refuses while sales
   * are paused (the project row, read FOR KEY SHARE), checks and raises the buyer's entitlement, inserts the
   * subscription (the partial unique index allows one live subscription per unit) and the audit
   * event. A named statement: PostgreSQL parses and plans it once per connection.
   */
  private async commitConfirm(
    projectId: string,
    unitId: string,
    token: string,
    buyer: Buyer,
    user: UserPrincipal,
    registrationId: string | null,
    requireCalled: boolean,
    quote: DealQuote,
    approvalId: string | null,
  ): Promise<ConfirmRow | undefined> {
    const result = await this.sql.query<RawConfirmRow>({
      name: 'kaipan_confirm_v6',
      text:
        'SELECT * FROM kaipan_confirm($1::uuid, $2::uuid, $3::bigint, $4::uuid, $5::text, $6::text, $7::text, $8::text, $9::uuid, ' +
        '$10::boolean, $11::integer, $12::bigint, $13::bigint, $14::bigint, $15::uuid, $16::jsonb, $17::jsonb, $18::uuid, $19::integer)',
      values: [
        unitId,
        projectId,
        token,
        user.id,
        buyer.name,
        buyer.phone,
        user.username,
        user.device,
        registrationId,
        requireCalled,
        quote.priceVersion,
        quote.listPrice,
        quote.floorPrice,
        quote.breakdown.finalPrice,
        quote.plan?.id ?? null,
        JSON.stringify(quote.breakdown),
        quote.schedule ? JSON.stringify(quote.schedule) : null,
        approvalId,
        quote.termsVersion,
      ],
    });
    const row = result.rows[0];
    return (
      row && {
        subscription_id: row.subscription_id,
        version: row.version,
        price: BigInt(row.price),
        created_at: row.created_at,
      }
    );
  }
}

function requireBuyer(buyer: Buyer | undefined): Buyer {
  if (!buyer)
    throw new AppError('VALIDATION_FAILED', 'The buyer’s name and phone are required.', [
      { path: 'buyer', message: 'required' },
    ]);
  return buyer;
}

const CONFIRM_REFUSALS = [
  'SALES_PAUSED',
  'ENTITLEMENT_EXCEEDED',
  'SELECTION_NOT_OPEN',
  'NOT_FOUND',
  'PRICE_VERSION_STALE',
  'APPROVAL_REQUIRED',
] as const;
type ConfirmRefusal = (typeof CONFIRM_REFUSALS)[number];

/** What a refused confirm says where the code's default says too little (the lock is kept). */
const REFUSAL_MESSAGES: Partial<Record<ConfirmRefusal, string>> = {
  SALES_PAUSED:
    'Sales are paused: no subscriptions for now. Your lock stays until it expires; confirm after sales resume if you still hold it.',
  NOT_FOUND: 'The buyer’s registration was cancelled or withdrawn (sincerity deposit refunded).',
};

/** A refusal raised by kaipan_confirm (`RAISE EXCEPTION 'kaipan:<CODE>'`), or null. */
function confirmRefusal(error: unknown): ConfirmRefusal | null {
  if (pgErrorCode(error) !== 'P0001') return null;
  const code = /^kaipan:([A-Z_]+)$/.exec((error as Error).message ?? '')?.[1];
  return (CONFIRM_REFUSALS as readonly string[]).includes(code ?? '') ? (code as ConfirmRefusal) : null;
}

interface RawConfirmRow {
  subscription_id: string;
  version: number;
  price: string;
  created_at: Date;
}

interface ConfirmRow {
  subscription_id: string;
  version: number;
  price: bigint;
  created_at: Date;
}
