/**
 * Sessions: one row per sign-in, its id in the token (server/src/domain/session-token.ts), so a
 * session ends at once — sign-out, "sign out this phone", an admin ending a user's sessions,
 * deactivation — although its token stays well signed until it expires.
 *
 * The hot path (every HTTP request and hub command) never reads PostgreSQL: `isEnded(sid)` is a
 * lookup in this process's set of ended sessions. Every process learns of an ended session
 *  1. at once: the process that ended it publishes the ids on Redis (`<prefix>sessions:ended`); every
 *     process applies them on receipt and hangs up that session's sockets (listeners, hub.ts);
 *  2. within `pollMs` from PostgreSQL: each process reads the rows ended since its last poll, so an
 *     end whose message was lost (Redis or the subscription down) still takes effect;
 *  3. at start: every ended session that has not expired yet.
 *
 * Chosen behaviour while Redis (pub/sub) is unavailable: ending a session still commits — PostgreSQL
 * is the record — and takes effect at once on the process that ended it and within `pollMs` (5 s) on
 * the others. Requests keep being served meanwhile: refusing every request on a Redis blip would stop
 * the launch. While PostgreSQL is down a session cannot be ended (the call fails; clients forget
 * their token anyway).
 *
 * "Last used" is kept in memory and written in one statement per `flushMs` (no write per request).
 * The pub/sub, the poll's timer and the batch writer are revocation-feed.ts (shared with devices).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SessionEndReason, SessionInfo } from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { SqlPool } from '../infra/sql.js';
import type { Principal } from '../domain/principal.js';
import { toAuditRow, type AuditInput } from './audit.js';
import type { Logger } from './logger.js';
import { LastSeenBatch, Listeners, RevocationFeed } from './revocation-feed.js';

/** How often every process reads the sessions ended since its last look (the safety net of pub/sub), ms. */
export const SESSION_POLL_MS = 5_000;
/** How often "last used" times are written, ms. */
export const SESSION_FLUSH_MS = 30_000;
/**
 * The poll re-reads this far back: `revoked_at` is the ending transaction's start time, and a
 * transaction may commit a little after a poll that already looked past it.
 */
const POLL_OVERLAP_MS = 60_000;

/** Sessions that ended together (one call, one user or one poll). */
export interface EndedSessions {
  sessions: { id: string; userId: string }[];
  reason: SessionEndReason;
}

/** What ends: one session of a user, or all of a user's sessions. */
export type SessionFilter = { userId: string; sessionId?: string };

export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export interface EndedRow {
  id: string;
  user_id: string;
  expires_at: Date;
  revoked_at: Date;
  revoked_reason: string | null;
}

interface Message {
  reason: SessionEndReason;
  sessions: { id: string; userId: string; exp: number }[];
}

/**
 * End sessions in a transaction of the caller: marks the rows and audits each. Without a running
 * server (the admin CLI) nothing is announced: every server process still sees the end within
 * SESSION_POLL_MS from PostgreSQL.
 */
export async function endSessionsInTransaction(
  tx: Tx,
  actor: AuditInput['actor'],
  filter: SessionFilter,
  reason: SessionEndReason,
): Promise<EndedSessions & { rows: EndedRow[] }> {
  const rows = await tx.$queryRaw<EndedRow[]>`
    UPDATE sessions SET revoked_at = now(), revoked_reason = ${reason}
    WHERE user_id = ${filter.userId}::uuid
      AND (${filter.sessionId ?? null}::uuid IS NULL OR id = ${filter.sessionId ?? null}::uuid)
      AND revoked_at IS NULL AND expires_at > now()
    RETURNING id, user_id, expires_at, revoked_at, revoked_reason`;
  if (rows.length > 0) {
    await tx.auditEvent.createMany({
      data: rows.map((r) =>
        toAuditRow({
          projectId: null,
          actor,
          action: 'session.ended',
          entity: 'session',
          entityId: r.id,
          before: { userId: r.user_id },
          after: { reason },
        }),
      ),
    });
  }
  return { rows, reason, sessions: rows.map((r) => ({ id: r.id, userId: r.user_id })) };
}

function reasonOf(value: string | null): SessionEndReason {
  return value === 'logout' || value === 'deactivated' ? value : 'revoked';
}

export class SessionService {
  /** Ended sessions not yet expired: id → expiry (ms). */
  private readonly ended = new Map<string, number>();
  /** Last use not yet written. */
  private readonly used: LastSeenBatch;
  private readonly listeners: Listeners<EndedSessions>;
  private readonly feed: RevocationFeed;
  /** Latest `revoked_at` seen (PostgreSQL's clock). */
  private seenUntil: Date | null = null;

  constructor(
    private readonly db: Db,
    sql: SqlPool,
    /** Publishes (any non-subscribed connection). */
    redis: Redis,
    redisUrl: string,
    prefix: string,
    log: Logger,
    opts: { pollMs: number; flushMs: number } = { pollMs: SESSION_POLL_MS, flushMs: SESSION_FLUSH_MS },
  ) {
    this.listeners = new Listeners('sessions', log);
    this.used = new LastSeenBatch({
      name: 'sessions',
      everyMs: opts.flushMs,
      log,
      write: (ids, ats) =>
        sql.query({
          name: 'kaipan_sessions_touch_v1',
          text: `UPDATE sessions AS s SET last_used_at = v.at
                 FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)
                 WHERE s.id = v.id AND s.last_used_at < v.at`,
          values: [ids, ats],
        }),
    });
    this.feed = new RevocationFeed({
      name: 'sessions',
      channel: `${prefix}sessions:ended`,
      redis,
      redisUrl,
      log,
      net: 'the poll',
      receive: (received) => {
        const message = received as Message;
        if (Array.isArray(message.sessions)) this.apply(message.sessions, reasonOf(message.reason));
      },
      poll: { everyMs: opts.pollMs, read: () => this.poll() },
    });
  }

  /**
   * A new session for an active user, or null when the user is not (or no longer) active. The user
   * row is read `FOR SHARE`: a deactivation committing meanwhile either sees this session (and ends
   * it) or makes this insert see the user inactive. `audit(id)` is the sign-in's audit event: it is
   * written by the same statement, so it is committed before the token is handed out.
   */
  async create(
    userId: string,
    meta: { device: string | null; address: string | null },
    expiresAt: Date,
    audit: (sessionId: string) => AuditInput,
  ): Promise<string | null> {
    const id = randomUUID();
    const a = toAuditRow(audit(id));
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      WITH s AS (
        INSERT INTO sessions (id, user_id, device, address, expires_at)
        SELECT ${id}::uuid, u.id, ${meta.device}, ${meta.address}, ${expiresAt}
        FROM users AS u WHERE u.id = ${userId}::uuid AND u.active
        FOR SHARE
        RETURNING id)
      INSERT INTO audit_events (project_id, actor_id, actor_kind, actor_name, action, entity, entity_id, before, after, device, created_at)
      SELECT ${a.projectId}::uuid, ${a.actorId}::uuid, ${a.actorKind}, ${a.actorName}, ${a.action}, ${a.entity}, s.id::text,
             ${a.before === undefined ? null : JSON.stringify(a.before)}::jsonb, ${a.after === undefined ? null : JSON.stringify(a.after)}::jsonb,
             ${a.device}, ${a.createdAt}
      FROM s
      RETURNING entity_id AS id`;
    return rows.length === 1 ? id : null;
  }

  /** Hot path: has this session ended? (memory only) */
  isEnded(sessionId: string): boolean {
    return this.ended.has(sessionId);
  }

  /** Hot path: the session was used now (written in the next batch). */
  touch(sessionId: string): void {
    this.used.touch(sessionId);
  }

  /** Live sessions of a user, newest first; `currentId` is marked `current`. */
  async list(userId: string, currentId?: string): Promise<SessionInfo[]> {
    const rows = await this.db.session.findMany({
      where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: { createdAt: 'desc' },
      take: 200,
    });
    return rows.map((r) => {
      const pending = this.used.get(r.id);
      const lastUsed = pending && pending > r.lastUsedAt.getTime() ? new Date(pending) : r.lastUsedAt;
      return {
        id: r.id,
        device: r.device,
        address: r.address,
        createdAt: r.createdAt.toISOString(),
        lastUsedAt: lastUsed.toISOString(),
        expiresAt: r.expiresAt.toISOString(),
        current: r.id === currentId,
      };
    });
  }

  /**
   * End sessions in a transaction of the caller (e.g. deactivation, which also changes the user):
   * marks the rows and audits each. Call `announce` with the result after the commit.
   */
  endInTransaction(
    tx: Tx,
    actor: AuditInput['actor'],
    filter: SessionFilter,
    reason: SessionEndReason,
  ): Promise<EndedSessions & { rows: EndedRow[] }> {
    return endSessionsInTransaction(tx, actor, filter, reason);
  }

  /** End sessions (own transaction) and announce it to every process. Resolves with the sessions ended now. */
  async end(actor: Principal, filter: SessionFilter, reason: SessionEndReason): Promise<EndedSessions> {
    const result = await this.db.$transaction((tx) => this.endInTransaction(tx, actor, filter, reason));
    await this.announce(result);
    return { sessions: result.sessions, reason };
  }

  /** After the commit: apply here at once, then tell the other processes (best effort: they also poll). */
  async announce(result: EndedSessions & { rows: EndedRow[] }): Promise<void> {
    if (result.rows.length === 0) return;
    const message: Message = {
      reason: result.reason,
      sessions: result.rows.map((r) => ({ id: r.id, userId: r.user_id, exp: r.expires_at.getTime() })),
    };
    this.apply(message.sessions, message.reason);
    await this.feed.publish(message);
  }

  /** Called with every batch of sessions that ended (from this process, another one, or a poll). */
  onEnded(listener: (ended: EndedSessions) => void): void {
    this.listeners.add(listener);
  }

  /** Load the ended sessions, subscribe, start polling and the last-use writer. */
  async start(): Promise<void> {
    await this.feed.start();
    this.used.start();
  }

  async stop(): Promise<void> {
    await this.feed.stop();
    await this.used.stop();
  }

  /** Remember ended sessions; tell the listeners about those not known before. */
  private apply(sessions: { id: string; userId: string; exp: number }[], reason: SessionEndReason): void {
    const fresh = sessions.filter((s) => !this.ended.has(s.id));
    for (const s of fresh) {
      this.ended.set(s.id, s.exp);
      this.used.forget(s.id);
    }
    if (fresh.length > 0) this.listeners.emit({ sessions: fresh.map(({ id, userId }) => ({ id, userId })), reason });
  }

  /** Read the sessions ended since the last look (all live ended ones at start). */
  private async poll(): Promise<void> {
    const since = this.seenUntil ? new Date(this.seenUntil.getTime() - POLL_OVERLAP_MS) : null;
    const rows = since
      ? await this.db.$queryRaw<EndedRow[]>`
          SELECT id, user_id, expires_at, revoked_at, revoked_reason FROM sessions
          WHERE revoked_at > ${since} AND expires_at > now() ORDER BY revoked_at LIMIT 50000`
      : await this.db.$queryRaw<EndedRow[]>`
          SELECT id, user_id, expires_at, revoked_at, revoked_reason FROM sessions
          WHERE revoked_at IS NOT NULL AND expires_at > now() ORDER BY revoked_at LIMIT 50000`;
    for (const reason of ['logout', 'revoked', 'deactivated'] as const) {
      const mine = rows.filter((r) => reasonOf(r.revoked_reason) === reason);
      if (mine.length > 0)
        this.apply(
          mine.map((r) => ({ id: r.id, userId: r.user_id, exp: r.expires_at.getTime() })),
          reason,
        );
    }
    const latest = rows.at(-1)?.revoked_at;
    if (latest && (!this.seenUntil || latest > this.seenUntil)) this.seenUntil = latest;
    if (!this.seenUntil) {
      const [row] = await this.db.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
      this.seenUntil = row?.now ?? null;
    }
    this.prune();
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, exp] of this.ended) if (exp <= now) this.ended.delete(id);
  }
}
