/**
 * Audit trail: every state change records who, what, before/after, when and from which device.
 * Changes committed in PostgreSQL write their event in the same transaction. Changes that live only
 * in Redis (lock, release, expiry) go through AuditWriter, which batches inserts off the hot path.
 * Writers only ever INSERT: the table refuses changes, and the sealer chains each event into its
 * project's hash chain after it committed (server/src/audit-chain/, docs/audit.md).
 */
import type { Tx } from '../infra/db.js';
import type { SqlPool } from '../infra/sql.js';
import { actorName, type Principal } from '../domain/principal.js';
import type { Logger } from './logger.js';

/** Someone not signed in (a failed sign-in): only the device they came from is known. */
export interface AnonymousActor {
  kind: 'anonymous';
  device: string | null;
}

/** Someone at the server's console: the admin CLI (scripts/admin.ts); `device` names the OS user and host. */
export interface CommandLineActor {
  kind: 'cli';
  device: string;
}

export interface AuditInput {
  projectId: string | null;
  /**
   * The acting principal, 'system' for the server itself (e.g. lock expiry), an anonymous caller, or
   * the admin CLI.
   */
  actor: Principal | AnonymousActor | CommandLineActor | 'system';
  action: string;
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  at?: Date;
}

export interface AuditRow {
  projectId: string | null;
  actorId: string | null;
  actorKind: string;
  actorName: string;
  action: string;
  entity: string;
  entityId: string;
  before: object | undefined;
  after: object | undefined;
  device: string | null;
  createdAt: Date;
}

export function toAuditRow(input: AuditInput): AuditRow {
  const actor = input.actor;
  return {
    projectId: input.projectId,
    actorId: actor === 'system' || actor.kind === 'anonymous' || actor.kind === 'cli' ? null : actor.id,
    actorKind: actor === 'system' ? 'system' : actor.kind,
    actorName:
      actor === 'system'
        ? 'system'
        : actor.kind === 'anonymous'
          ? 'anonymous'
          : actor.kind === 'cli'
            ? 'admin-cli'
            : actorName(actor),
    action: input.action,
    entity: input.entity,
    entityId: input.entityId,
    before: (input.before ?? undefined) as object | undefined,
    after: (input.after ?? undefined) as object | undefined,
    device: actor === 'system' ? null : actor.device,
    createdAt: input.at ?? new Date(),
  };
}

/**
 * One statement per batch, column arrays unnested: hundreds of lock/release events a second cost
 * one named statement, not an ORM query per flush (Prisma's query compiler was ~20 % of server CPU).
 */
const INSERT_AUDIT_SQL = `
  INSERT INTO audit_events (project_id, actor_id, actor_kind, actor_name, action, entity, entity_id, before, after, device, created_at)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::jsonb[], $9::jsonb[], $10::text[], $11::timestamptz[])`;

export async function insertAuditRows(sql: SqlPool, rows: AuditRow[]): Promise<void> {
  const json = (v: object | undefined): string | null => (v === undefined ? null : JSON.stringify(v));
  await sql.query({
    name: 'kaipan_audit_insert_v1',
    text: INSERT_AUDIT_SQL,
    values: [
      rows.map((r) => r.projectId),
      rows.map((r) => r.actorId),
      rows.map((r) => r.actorKind),
      rows.map((r) => r.actorName),
      rows.map((r) => r.action),
      rows.map((r) => r.entity),
      rows.map((r) => r.entityId),
      rows.map((r) => json(r.before)),
      rows.map((r) => json(r.after)),
      rows.map((r) => r.device),
      rows.map((r) => r.createdAt),
    ],
  });
}

/**
 * Audit rows in one statement (column arrays unnested), inside the caller's transaction: the events
 * of a bulk change (an import, a generated building) commit or roll back with it.
 */
export async function insertAuditInTx(tx: Tx, rows: AuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  const json = (v: object | undefined): string | null => (v === undefined ? null : JSON.stringify(v));
  await tx.$executeRaw`
    INSERT INTO audit_events (project_id, actor_id, actor_kind, actor_name, action, entity, entity_id, before, after, device, created_at)
    SELECT * FROM unnest(
      ${rows.map((r) => r.projectId)}::uuid[], ${rows.map((r) => r.actorId)}::text[], ${rows.map((r) => r.actorKind)}::text[],
      ${rows.map((r) => r.actorName)}::text[], ${rows.map((r) => r.action)}::text[], ${rows.map((r) => r.entity)}::text[],
      ${rows.map((r) => r.entityId)}::text[], ${rows.map((r) => json(r.before))}::jsonb[], ${rows.map((r) => json(r.after))}::jsonb[],
      ${rows.map((r) => r.device)}::text[], ${rows.map((r) => r.createdAt)}::timestamptz[])`;
}

/** Buffered writer for events of Redis-only changes. Flushes every `intervalMs` and on close. */
/** Most events kept in memory while PostgreSQL is unreachable; beyond that the oldest are dropped (and counted). */
const MAX_BUFFERED = 50_000;

export class AuditWriter {
  private buffer: AuditRow[] = [];
  private dropped = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly sql: SqlPool,
    private readonly log: Logger,
    private readonly intervalMs = 250,
    private readonly maxBatch = 500,
  ) {}

  record(input: AuditInput): void {
    this.buffer.push(toAuditRow(input));
    if (this.buffer.length > MAX_BUFFERED) {
      this.dropped += this.buffer.length - MAX_BUFFERED;
      this.buffer = this.buffer.slice(-MAX_BUFFERED);
      this.log.error({ dropped: this.dropped }, 'audit buffer full: oldest events dropped');
    }
    this.timer ??= setTimeout(() => void this.flush(), this.buffer.length >= this.maxBatch ? 0 : this.intervalMs);
  }

  /** Write everything buffered so far. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushing = this.flushing.then(async () => {
      while (this.buffer.length > 0) {
        const rows = this.buffer.slice(0, 5_000);
        try {
          await insertAuditRows(this.sql, rows);
          this.buffer = this.buffer.slice(rows.length);
        } catch (error) {
          // Keep the events for a later flush rather than lose them while PostgreSQL blips.
          this.log.error({ err: error, count: this.buffer.length }, 'audit flush failed; will retry');
          this.timer ??= setTimeout(() => void this.flush(), 1_000);
          return;
        }
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
