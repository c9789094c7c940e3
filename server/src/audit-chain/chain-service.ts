/**
 * Reading a project's audit chain: its head (for the 日报, the dispute pack and managers) and its
 * verification (`npm run audit:verify`, scripts/audit-verify.ts). Both read only; sealing is
 * ./sealer.ts. A chain is named by its project's id, or null for the install's chain (the events of
 * no project: sign-in failures, accounts).
 */
import { AppError, type ChainHead, chainReference, SHORT_HASH_LENGTH } from '@kaipan/shared';
import { type ChainProblem, ChainWalker, toHex } from '../domain/audit-chain.js';
import { canManage, type Principal } from '../domain/principal.js';
import type { SqlPool } from '../infra/sql.js';
import type { ProjectDirectory } from '../services/project-directory.js';
import { type AuditEventRow, EVENT_COLUMNS, eventContent } from './rows.js';
import { sealOnce } from './sealer.js';

/**
 * The rows of one chain: `$1` is the project's id, or null for the install's chain (each branch can
 * use its own partial index: audit_events_chain, audit_events_install_chain).
 */
const IN_CHAIN = '(project_id = $1::uuid OR ($1::uuid IS NULL AND project_id IS NULL))';

const HEAD_SQL = `
  SELECT id::text AS id, chain_seq::text AS seq, chain_hash AS hash, sealed_at FROM audit_events
  WHERE ${IN_CHAIN} AND chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1`;

const UNSEALED_COUNT_SQL = `
  SELECT count(*)::int AS n, min(id)::text AS first, max(id)::text AS last FROM audit_events
  WHERE chain_seq IS NULL AND ${IN_CHAIN}`;

const CHAIN_PAGE_SQL = `
  SELECT ${EVENT_COLUMNS}, chain_seq::text AS seq, chain_hash AS hash, chain_prev_id::text AS prev_id, sealed_at
  FROM audit_events
  WHERE ${IN_CHAIN} AND chain_seq > $2::bigint
  ORDER BY chain_seq LIMIT $3`;

/** The head of a project's chain (one index probe, plus a count of the few events not sealed yet). */
export async function readChainHead(sql: SqlPool, projectId: string | null): Promise<ChainHead> {
  const [head, unsealed] = await Promise.all([
    sql.query<{ id: string; seq: string; hash: Buffer; sealed_at: Date }>(HEAD_SQL, [projectId]),
    sql.query<{ n: number }>(UNSEALED_COUNT_SQL, [projectId]),
  ]);
  const row = head.rows[0];
  return toChainHead(
    projectId,
    row && { seq: BigInt(row.seq), hash: row.hash, id: row.id, sealedAt: row.sealed_at },
    unsealed.rows[0]?.n ?? 0,
  );
}

function toChainHead(
  projectId: string | null,
  head: { seq: bigint; hash: Uint8Array; id: string; sealedAt: Date } | null | undefined,
  unsealed: number,
): ChainHead {
  const hash = head ? toHex(head.hash) : null;
  return {
    projectId,
    events: head ? Number(head.seq) : 0,
    hash,
    shortHash: hash ? hash.slice(0, SHORT_HASH_LENGTH) : null,
    reference: head && hash ? chainReference(head.seq, hash) : null,
    headEventId: head?.id ?? null,
    sealedAt: head ? head.sealedAt.toISOString() : null,
    unsealed,
  };
}

/** What verifying a project's chain found. */
export interface ChainVerification {
  /** Every break found, in chain order; the first is the one to name. Empty: intact. */
  problems: ChainProblem[];
  /** The head as stored at the end of the walk (what a printed head is compared with). */
  head: ChainHead;
  /** Events not sealed yet — not tampering: sealed within a second while a server runs, else at its next start. */
  unsealed: { count: number; firstId: string | null; lastId: string | null };
}

/**
 * Walk a project's chain from its first event to its head, page by page in chain order (constant
 * memory), recomputing every hash.
 */
export async function verifyProjectChain(
  sql: SqlPool,
  projectId: string | null,
  pageSize = 5_000,
): Promise<ChainVerification> {
  const walker = new ChainWalker();
  let after = '0';
  for (;;) {
    const page = await sql.query<
      AuditEventRow & { seq: string; hash: Buffer | null; prev_id: string | null; sealed_at: Date | null }
    >(CHAIN_PAGE_SQL, [projectId, after, pageSize]);
    for (const row of page.rows) {
      walker.push({
        ...eventContent(row),
        seq: BigInt(row.seq),
        prevId: row.prev_id,
        // A seal stripped of its hash or time cannot match: the walker names the event.
        sealedAt: row.sealed_at ?? new Date(0),
        hash: row.hash ? new Uint8Array(row.hash) : new Uint8Array(0),
      });
    }
    if (page.rows.length < pageSize) break;
    after = page.rows[page.rows.length - 1]!.seq;
  }
  const unsealed = (
    await sql.query<{ n: number; first: string | null; last: string | null }>(UNSEALED_COUNT_SQL, [projectId])
  ).rows[0];
  return {
    problems: walker.problems,
    head: toChainHead(projectId, walker.head, unsealed?.n ?? 0),
    unsealed: { count: unsealed?.n ?? 0, firstId: unsealed?.first ?? null, lastId: unsealed?.last ?? null },
  };
}

/** The chain head for the API: managers of the project (and administrators). */
export class AuditChainService {
  constructor(
    private readonly sql: SqlPool,
    private readonly directory: ProjectDirectory,
  ) {}

  /** The head of the project's chain, for managers (GET /api/projects/:projectId/audit/chain-head). */
  async head(principal: Principal, projectId: string): Promise<ChainHead> {
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers can read the audit chain.');
    return readChainHead(this.sql, projectId);
  }

  /**
   * The head of the project's chain with no access check: for services that print it on what they
   * produce after checking access themselves (the 日报, the dispute pack). It seals what is committed
   * first (unless another process is sealing right now), so the printed head covers the events that
   * led to the print, not only those the background sealer reached.
   */
  async headForPrint(projectId: string): Promise<ChainHead> {
    await sealOnce(this.sql);
    return readChainHead(this.sql, projectId);
  }
}

/** The hash of the event at a chain position (hex), or null when the chain is shorter. */
export async function chainHashAt(sql: SqlPool, projectId: string | null, seq: number): Promise<string | null> {
  const { rows } = await sql.query<{ hash: Buffer | null }>(
    `SELECT chain_hash AS hash FROM audit_events WHERE ${IN_CHAIN} AND chain_seq = $2::bigint`,
    [projectId, seq],
  );
  const hash = rows[0]?.hash;
  return hash ? toHex(hash) : null;
}
