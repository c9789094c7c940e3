/**
 * The one four-eyes workflow 审批: request → decide (approve / reject) → withdraw, for every kind of
 * request (below-floor price approvals, change requests, receipt voids, price-list versions).
 * docs/approvals.md is the specification; ./README.md maps it to the files.
 *
 * Every step is one conditional update — the state the step starts from is in the WHERE clause — plus
 * its audit event in the same transaction, then the kind's announcement after the commit. So when
 * many people press at once exactly one update matches, and every other caller is answered exactly as
 * if they had pressed a moment later: the same decision again → the current state (a double press),
 * anything else → INVALID_TRANSITION {reason: 'ALREADY_DECIDED', status}.
 *
 * What approval does is the kind's executor (`ApprovalKind.execute`), run in the decision's
 * transaction: if it refuses, the decision rolls back and the request stays pending.
 */
import {
  ALREADY_DECIDED,
  AppError,
  decisionRefusal,
  withdrawalRefusal,
  type ApprovalRefusal,
  type DecisionBody,
} from '@kaipan/shared';
import type { Db, Tx } from '../infra/db.js';
import { Prisma, pgErrorCode } from '../infra/db.js';
import type { Principal, UserPrincipal } from '../domain/principal.js';
import { toAuditRow } from '../services/audit.js';
import type { ProjectDirectory } from '../services/project-directory.js';

/** Decisions wait for the row locks of a racing decision or executor (a connection: db.ts's default wait). */
const TX_OPTIONS = { timeout: 30_000 } as const;

/** The request as the workflow sees it: every kind has these, whatever its table calls them. */
export interface ApprovalRequest {
  id: string;
  projectId: string;
  /** The kind's status name (PENDING, APPROVED, ACTIVE, WITHDRAWN, …). */
  status: string;
  /** Who asked; null for a request nobody asked for by hand (the first price list). */
  requestedById: string | null;
  /** What the kind's audit events say about the request besides its status (see `ApprovalKind.detail`). */
  detail: Record<string, unknown>;
}

/** What an executor adds to the decision's audit event (e.g. the price version before and after). */
export interface ExecutorAudit {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/**
 * One kind of four-eyes request: where it is stored, what its states are called, how it is audited,
 * and what approving it does. `R` is what the executor hands to `afterApproval`.
 */
export interface ApprovalKind<R = void> {
  /** The audit trail's entity, e.g. 'void_request'. */
  entity: string;
  /** How a message names it: 'void request'. */
  noun: string;
  /** Table, its status enum type, and the column of whoever asked (SQL identifiers). */
  table: string;
  statusType: string;
  requesterColumn: string;
  /** A jsonb SQL expression over the request's row: what its audit events repeat besides the status. */
  detail?: string;
  /** The status an approval sets (APPROVED; a price list: ACTIVE). */
  approved: string;
  /** States in which a second approve answers the current state (APPROVED then USED, EXECUTED, …). */
  approvedLike: readonly string[];
  /** The status a withdrawal sets, and the states it may be taken from. */
  withdrawn: string;
  withdrawableFrom: readonly string[];
  /** Audit actions. */
  actions: { request: string; approve: string; reject: string; withdraw: string };
  /** Extra audit `after` of a withdrawal (kept from the kind's earlier events). */
  withdrawDetail?: Record<string, unknown>;
  /** Checked after the caller's right and the pending state, before the decision (may refuse). */
  precheck?(request: ApprovalRequest): Promise<void>;
  /** First in the decision's transaction: row locks other writers take in this order (no deadlock). */
  lockFirst?(tx: Tx, request: ApprovalRequest, approve: boolean): Promise<void>;
  /** What approval does, in the decision's transaction after the claim; throwing rolls the decision back. */
  execute?(
    tx: Tx,
    request: ApprovalRequest,
    actor: UserPrincipal,
    at: Date,
  ): Promise<{ result: R; audit?: ExecutorAudit }>;
  /** After an approval this call committed (jobs, caches, lock holds); `result` is the executor's. */
  afterApproval?(request: ApprovalRequest, result: R | undefined, actor: UserPrincipal): Promise<void>;
  /** After any change this call committed (decision or withdrawal): tell the screens. */
  announce?(request: ApprovalRequest): Promise<void>;
}

/** A step's outcome: `changed` false when it was already so (the same press twice). */
export interface ApprovalOutcome {
  request: ApprovalRequest;
  changed: boolean;
  /** The acting user (checked). */
  actor: UserPrincipal;
}

const REFUSALS: Record<ApprovalRefusal, string> = {
  MANAGER_REQUIRED: 'Only a manager of the project decides this request.',
  FOUR_EYES: 'Four-eyes rule: someone other than the requester must decide this request.',
  NOT_REQUESTER: 'Only the person who asked can withdraw this request.',
};

/** The one answer to a step on a request that is no longer in the state the step needs. */
export function alreadyDecided(kind: Pick<ApprovalKind<unknown>, 'noun'>, status: string): AppError {
  return new AppError('INVALID_TRANSITION', `This ${kind.noun} is already ${status.toLowerCase()}.`, {
    reason: ALREADY_DECIDED,
    status,
  });
}

function refused(reason: ApprovalRefusal): AppError {
  return new AppError('FORBIDDEN', REFUSALS[reason], { reason });
}

function isUniqueViolation(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code === '23505' || code === 'P2002';
}

/** The claim's conditional update matched nothing: another step got there first. */
class ClaimLost extends Error {}

export class ApprovalWorkflow {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
  ) {}

  /**
   * Ask: `insert` writes the kind's row (PENDING) and returns its id and what the audit records; the
   * `request` audit event is written in the same transaction, the kind announces it after the commit.
   * null when a unique index of the kind (one open request per lock, receipt, subscription) refused
   * a simultaneous twin: the caller answers with the open one.
   */
  async request(
    kind: ApprovalKind<unknown>,
    actor: UserPrincipal,
    insert: (tx: Tx) => Promise<{ id: string; projectId: string; after: Record<string, unknown> }>,
  ): Promise<ApprovalRequest | null> {
    let id: string;
    try {
      id = await this.db.$transaction(async (tx) => {
        const row = await insert(tx);
        await this.recordRequest(tx, kind, actor, row);
        return row.id;
      }, TX_OPTIONS);
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    const request = await this.load(kind, id);
    await kind.announce?.(request);
    return request;
  }

  /** The `request` audit event of a request written inside the caller's transaction (a price list proposed by an import). */
  async recordRequest(
    tx: Tx,
    kind: ApprovalKind<unknown>,
    actor: UserPrincipal,
    row: { id: string; projectId: string; after: Record<string, unknown> },
  ): Promise<void> {
    await tx.auditEvent.create({
      data: toAuditRow({
        projectId: row.projectId,
        actor,
        action: kind.actions.request,
        entity: kind.entity,
        entityId: row.id,
        before: null,
        after: row.after,
      }),
    });
  }

  /** The request (NOT_FOUND when there is none). `client`: a transaction to read inside. */
  async load(kind: ApprovalKind<unknown>, id: string, client: Db | Tx = this.db): Promise<ApprovalRequest> {
    const detail = Prisma.raw(kind.detail ?? `'{}'::jsonb`);
    const rows = await client.$queryRaw<
      { id: string; project_id: string; status: string; requested_by: string | null; detail: Record<string, unknown> }[]
    >`
      SELECT id::text AS id, project_id::text AS project_id, status::text AS status,
             ${Prisma.raw(kind.requesterColumn)}::text AS requested_by, ${detail} AS detail
      FROM ${Prisma.raw(kind.table)} WHERE id = ${id}::uuid`;
    const row = rows[0];
    if (!row) throw new AppError('NOT_FOUND', `No such ${kind.noun}.`);
    return {
      id: row.id,
      projectId: row.project_id,
      status: row.status,
      requestedById: row.requested_by,
      detail: row.detail ?? {},
    };
  }

  /** A staff member of the request's project (FORBIDDEN otherwise). */
  private async member(principal: Principal, request: ApprovalRequest): Promise<UserPrincipal> {
    if (principal.kind !== 'user') throw refused('MANAGER_REQUIRED');
    await this.directory.assertAccess(principal, request.projectId);
    return principal;
  }

  /** The caller may decide `request` (a manager of its project, not whoever asked), else FORBIDDEN. */
  async assertMayDecide(principal: Principal, request: ApprovalRequest): Promise<UserPrincipal> {
    const actor = await this.member(principal, request);
    const refusal = decisionRefusal(actor, request);
    if (refusal) throw refused(refusal);
    return actor;
  }

  /**
   * Approve or reject. Checks, in this order: NOT_FOUND, FORBIDDEN (not a manager of the project;
   * four-eyes), then the state: the same decision again → unchanged; not pending → INVALID_TRANSITION.
   */
  async decide<R>(
    principal: Principal,
    kind: ApprovalKind<R>,
    id: string,
    body: DecisionBody,
  ): Promise<ApprovalOutcome> {
    const request = await this.load(kind, id);
    const actor = await this.assertMayDecide(principal, request);
    const wanted = body.approve ? kind.approved : 'REJECTED';
    const settled = (status: string): ApprovalOutcome => {
      if (status === wanted || (body.approve && kind.approvedLike.includes(status)))
        return { request: { ...request, status }, changed: false, actor };
      throw alreadyDecided(kind, status);
    };
    if (request.status !== 'PENDING') return settled(request.status);
    await kind.precheck?.(request);

    const note = body.note?.trim() || null;
    let executed: { result: R } | null = null;
    try {
      executed = await this.db.$transaction(async (tx) => {
        await kind.lockFirst?.(tx, request, body.approve);
        const at = new Date();
        const claimed = await tx.$executeRaw`
          UPDATE ${Prisma.raw(kind.table)}
          SET status = ${wanted}::${Prisma.raw(`"${kind.statusType}"`)}, decided_by_id = ${actor.id}::uuid, decided_at = ${at}, decision_note = ${note}
          WHERE id = ${id}::uuid AND status = 'PENDING'`;
        if (claimed === 0) throw new ClaimLost();
        const done = body.approve && kind.execute ? await kind.execute(tx, request, actor, at) : null;
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId: request.projectId,
            actor,
            at,
            action: body.approve ? kind.actions.approve : kind.actions.reject,
            entity: kind.entity,
            entityId: id,
            before: { status: 'PENDING', ...request.detail, ...done?.audit?.before },
            after: { status: wanted, note, ...request.detail, ...done?.audit?.after },
          }),
        });
        return done ? { result: done.result } : null;
      }, TX_OPTIONS);
    } catch (error) {
      if (!(error instanceof ClaimLost)) throw error;
      // Decided a moment ago by someone else: answered as if pressed after it.
      return settled((await this.load(kind, id)).status);
    }
    const now = { ...request, status: wanted };
    if (body.approve) await kind.afterApproval?.(now, executed?.result, actor);
    await kind.announce?.(now);
    return { request: now, changed: true, actor };
  }

  /**
   * Whoever asked takes the request back while it is in one of `withdrawableFrom`: FORBIDDEN for
   * anyone else; withdrawn already → unchanged; any other state → INVALID_TRANSITION.
   */
  async withdraw(principal: Principal, kind: ApprovalKind<unknown>, id: string): Promise<ApprovalOutcome> {
    let request = await this.load(kind, id);
    const actor = await this.member(principal, request);
    const refusal = withdrawalRefusal(actor, request);
    if (refusal) throw refused(refusal);
    // Compare-and-set on the state seen: a decision in between (PENDING → APPROVED of a change
    // request, still withdrawable) is read again so the audit says what was withdrawn.
    for (;;) {
      if (request.status === kind.withdrawn) return { request, changed: false, actor };
      if (!kind.withdrawableFrom.includes(request.status)) throw alreadyDecided(kind, request.status);
      const from = request;
      const done = await this.db.$transaction(async (tx) => {
        const claimed = await tx.$executeRaw`
          UPDATE ${Prisma.raw(kind.table)} SET status = ${kind.withdrawn}::${Prisma.raw(`"${kind.statusType}"`)}
          WHERE id = ${id}::uuid AND status = ${from.status}::${Prisma.raw(`"${kind.statusType}"`)}`;
        if (claimed === 0) return false;
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId: from.projectId,
            actor,
            action: kind.actions.withdraw,
            entity: kind.entity,
            entityId: id,
            before: { status: from.status, ...from.detail },
            after: { status: kind.withdrawn, ...from.detail, ...kind.withdrawDetail },
          }),
        });
        return true;
      }, TX_OPTIONS);
      if (done) {
        const now = { ...from, status: kind.withdrawn };
        await kind.announce?.(now);
        return { request: now, changed: true, actor };
      }
      request = await this.load(kind, id);
    }
  }

  /**
   * Claim an approved request for its execution (change requests execute in a step of their own):
   * the first statement of the executor's transaction, so racing executors serialise on the row and
   * exactly one wins. false: it was not APPROVED any more.
   */
  async claimExecution(
    tx: Tx,
    kind: ApprovalKind<unknown>,
    id: string,
    actor: UserPrincipal,
    executedStatus: string,
  ): Promise<boolean> {
    const claimed = await tx.$executeRaw`
      UPDATE ${Prisma.raw(kind.table)}
      SET status = ${executedStatus}::${Prisma.raw(`"${kind.statusType}"`)}, executed_by_id = ${actor.id}::uuid, executed_at = now()
      WHERE id = ${id}::uuid AND status = ${kind.approved}::${Prisma.raw(`"${kind.statusType}"`)}`;
    return claimed > 0;
  }
}
