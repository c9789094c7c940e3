/**
 * Selling a unit: lock (Redis script), release (compare-and-delete), confirm (PostgreSQL
 * transaction guarded by the unit's status and a partial unique index, then the mirror).
 * DESIGN.md "The lock protocol" is the specification.
 */
import {
  AppError,
  maskName,
  type Buyer,
  type ConfirmResult,
  type DealInfo,
  type LockResult,
  type UnitRef,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { SqlPool } from '../infra/sql.js';
import { pgErrorCode } from '../infra/db.js';
import type { MirrorFailure, MirrorResult, UnitMirror } from '../infra/mirror.js';
import { canManage, canSell, type Principal, type UserPrincipal } from '../domain/principal.js';
import type { AuditWriter } from './audit.js';
import type { MirrorKeeper } from './mirror-keeper.js';
import type { ProjectDirectory } from './project-directory.js';

/**
 * How long a lock may stay "confirming" while PostgreSQL commits, ms: longer than the pool's
 * connection wait (10 s) plus the statement timeout (PG_STATEMENT_TIMEOUT_MS, default 8 s).
 */
const CONFIRM_GRACE_MS = 30_000;

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
  ) {}

  private async authorize(principal: Principal, unitId: string) {
    if (!canSell(principal)) throw new AppError('FORBIDDEN', 'Only sales staff can lock and confirm units.');
    const resolved = await this.directory.resolveUnit(unitId);
    await this.directory.assertAccess(principal, resolved.projectId);
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

  async lock(principal: Principal, unitId: string): Promise<LockResult> {
    const { projectId, project, unit, user } = await this.authorize(principal, unitId);
    const grant = await this.withMirror(projectId, () =>
      this.mirror.lock(projectId, unitId, { id: user.id, name: user.displayName }, project.lockTtlSeconds * 1000, project.maxLocksPerConsultant),
    );
    if (grant.isNew) {
      this.audit.record({
        projectId, actor: user, action: 'unit.lock', entity: 'unit', entityId: unitId,
        before: { status: 'AVAILABLE' },
        after: { status: 'LOCKED', token: grant.token, unitCode: unit.code, expiresAt: new Date(grant.expiresAt).toISOString() },
      });
    }
    return { unitId, token: grant.token, expiresAt: new Date(grant.expiresAt).toISOString(), ttlMs: grant.ttlMs };
  }

  async release(principal: Principal, unitId: string, token: string): Promise<UnitRef> {
    const { projectId, unit, user } = await this.authorize(principal, unitId);
    const outcome = await this.withMirror(projectId, () =>
      this.mirror.release(projectId, unitId, token, user.id, canManage(user)),
    );
    if (outcome.released) {
      this.audit.record({
        projectId, actor: user, action: 'unit.release', entity: 'unit', entityId: unitId,
        before: { status: 'LOCKED', token, holderId: outcome.holderId, unitCode: unit.code },
        after: { status: 'AVAILABLE' },
      });
    }
    return { unitId };
  }

  async confirm(principal: Principal, unitId: string, token: string, buyer: Buyer): Promise<ConfirmResult> {
    return this.track(() => this.doConfirm(principal, unitId, token, buyer));
  }

  private async doConfirm(principal: Principal, unitId: string, token: string, buyer: Buyer): Promise<ConfirmResult> {
    const { projectId, unit, user } = await this.authorize(principal, unitId);
    const begun = await this.mirror.confirmBegin(projectId, unitId, token, user.id, CONFIRM_GRACE_MS);
    if (!begun.ok) {
      // A retry of a confirm that already succeeded finds its subscription instead of an error,
      // and makes sure the mirror shows the sale (the first attempt may have died before that).
      const previous = await this.findConfirmed(unitId, token, user.id);
      if (previous) {
        await this.keeper.reconcileUnit(projectId, unitId);
        return { subscriptionId: previous };
      }
      fail(begun.code);
    }
    let row: ConfirmRow | undefined;
    try {
      row = await this.commitConfirm(projectId, unitId, token, buyer, user);
    } catch (error) {
      // The commit may have happened even though we saw an error (connection lost on the way back):
      // PostgreSQL decides.
      const committed = await this.findConfirmed(unitId, token, user.id).catch(() => null);
      if (committed) {
        await this.keeper.reconcileUnit(projectId, unitId);
        return { subscriptionId: committed };
      }
      await this.mirror.confirmAbort(projectId, unitId, token).catch(() => undefined);
      if (pgErrorCode(error) !== '23505') throw error;
    }
    if (!row) {
      await this.mirror.confirmAbort(projectId, unitId, token).catch(() => undefined);
      // Sold or withdrawn meanwhile: make sure the screens show why.
      await this.keeper.reconcileUnit(projectId, unitId);
      throw new AppError('UNIT_NOT_AVAILABLE', 'The unit was sold or withdrawn meanwhile.');
    }
    const deal: DealInfo = {
      subscriptionId: row.subscription_id,
      unitId,
      unitCode: unit.code,
      buyer: maskName(buyer.name),
      consultant: user.displayName,
      price: Number(row.price),
      at: row.created_at.toISOString(),
    };
    await this.keeper.applyCommitted(projectId, [
      { unitId, status: 'SUBSCRIBED', version: row.version, price: deal.price, deal, token },
    ]);
    return { subscriptionId: row.subscription_id };
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

  private async findConfirmed(unitId: string, token: string, consultantId: string): Promise<string | null> {
    const found = await this.db.subscription.findFirst({
      where: { unitId, lockToken: BigInt(token), consultantId, status: { in: ['ACTIVE', 'CONTRACTED'] } },
      select: { id: true },
    });
    return found?.id ?? null;
  }

  /**
   * One statement, one round trip: the conditional update (only an AVAILABLE unit), the
   * subscription insert (the partial unique index allows one live subscription per unit) and the
   * audit event. A named statement: PostgreSQL parses and plans it once per connection.
   */
  private async commitConfirm(
    projectId: string,
    unitId: string,
    token: string,
    buyer: Buyer,
    user: UserPrincipal,
  ): Promise<ConfirmRow | undefined> {
    const result = await this.sql.query<RawConfirmRow>({
      name: 'kaipan_confirm_v2',
      text: CONFIRM_SQL,
      values: [unitId, projectId, token, user.id, buyer.name, buyer.phone, user.username, user.device],
    });
    const row = result.rows[0];
    return row && { subscription_id: row.subscription_id, version: row.version, price: BigInt(row.price), created_at: row.created_at };
  }
}

/** $1 unit, $2 project, $3 token, $4 consultant, $5 buyer name, $6 buyer phone, $7 username, $8 device. */
const CONFIRM_SQL = `
  WITH u AS (
    UPDATE units SET status = 'SUBSCRIBED', version = version + 1, lock_token = $3::bigint, updated_at = now()
    -- The primary key only: with stale statistics (right after an import) a project_id term let
    -- PostgreSQL pick the (project_id, status) index and filter every available unit of the project.
    -- The unit's project is known (resolveUnit) and never changes.
    WHERE id = $1::uuid AND status = 'AVAILABLE'
    RETURNING id, version, list_price, code
  ), s AS (
    INSERT INTO subscriptions (id, project_id, unit_id, consultant_id, buyer_name, buyer_phone, price, lock_token, status, created_at)
    SELECT gen_random_uuid(), $2::uuid, u.id, $4::uuid, $5::text, $6::text, u.list_price, $3::bigint, 'ACTIVE', now()
    FROM u
    RETURNING id, price, created_at
  ), a AS (
    INSERT INTO audit_events (project_id, actor_id, actor_kind, actor_name, action, entity, entity_id, before, after, device, created_at)
    SELECT $2::uuid, $4::text, 'user', $7::text, 'unit.confirm', 'unit', u.id::text,
           jsonb_build_object('status', 'LOCKED', 'token', $3::text, 'unitCode', u.code),
           jsonb_build_object('status', 'SUBSCRIBED', 'subscriptionId', s.id, 'price', s.price, 'buyerName', $5::text),
           $8::text, now()
    FROM u, s
  )
  SELECT s.id::text AS subscription_id, u.version, s.price::text AS price, s.created_at FROM u, s`;

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
