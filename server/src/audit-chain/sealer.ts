/**
 * The sealer: gives every committed, unsealed audit event its place in its project's hash chain
 * (domain/audit-chain.ts), a moment after the transaction that wrote it committed.
 *
 * Why after, not in the writing transaction: sealing needs the previous event's hash, so sealing
 * inside a confirm would make every confirm of a project wait on one lock — the launch-morning hot
 * path would be serialised. Writers just INSERT (the confirm function, AuditWriter's batches, every
 * service); one sealer per install, on a short timer, orders what has committed:
 *
 * - Single writer: each pass holds a transaction-scoped advisory lock. Several processes may run a
 *   sealer (the `all` process, a worker, two hubs by mistake): the one that does not get the lock
 *   skips the pass. The unique index (project, chain position) would refuse a fork anyway.
 * - Order = the order events became visible: a pass seals what its snapshot sees, oldest id first. A
 *   transaction still open with a lower id commits later and is sealed by a later pass, after events
 *   with higher ids — chain order is commit-visible order, not id order, and nothing is skipped.
 * - A crash between commit and seal leaves events unsealed; the next pass (at the next start) seals
 *   them. Verification reports unsealed events apart from tampering.
 * - The UPDATE that seals is the one the append-only trigger allows: the seal columns of an unsealed
 *   row, once (sql/audit-append-only.sql).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type pg from 'pg';
import { type ChainEventContent, type ChainTip, EMPTY_TIP, sealEvents } from '../domain/audit-chain.js';
import { type AuditEventRow, EVENT_COLUMNS, eventContent } from './rows.js';
import { inClientTransaction, type SqlPool } from '../infra/sql.js';

/** Key of the advisory lock held by the pass that seals (one per install). */
const SEALER_LOCK_KEY = 'kaipan:audit-sealer';

/** Events sealed per transaction; a pass repeats until none is left. */
export const SEAL_BATCH = 5_000;

/**
 * Events hashed per event-loop turn. Hashing costs ~20 µs an event; a pass at 250 commands/s seals
 * a few hundred at once, which held the loop (and every hub command behind it) 3–6 ms twice a second.
 */
const SEAL_SLICE = 64;

/** How often the sealer looks for unsealed events (ms): events are sealed within about this long. */
export const SEAL_INTERVAL_MS = 500;

const UNSEALED_SQL = `
  SELECT ${EVENT_COLUMNS} FROM audit_events WHERE chain_seq IS NULL ORDER BY id LIMIT $1`;

/** The last sealed event of each given project (one index probe each). */
const PROJECT_TIPS_SQL = `
  SELECT p.project_id::text AS project_id, h.chain_seq::text AS seq, h.chain_hash AS hash, h.id::text AS id
  FROM unnest($1::uuid[]) AS p(project_id)
  JOIN LATERAL (
    SELECT chain_seq, chain_hash, id FROM audit_events e
    WHERE e.project_id = p.project_id AND e.chain_seq IS NOT NULL
    ORDER BY e.chain_seq DESC LIMIT 1
  ) h ON true`;

const INSTALL_TIP_SQL = `
  SELECT chain_seq::text AS seq, chain_hash AS hash, id::text AS id FROM audit_events
  WHERE project_id IS NULL AND chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1`;

const SEAL_SQL = `
  UPDATE audit_events e
  SET chain_seq = s.seq, chain_hash = s.hash, chain_prev_id = s.prev_id, sealed_at = $5
  FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bigint[]) AS s(id, seq, hash, prev_id)
  WHERE e.id = s.id AND e.chain_seq IS NULL`;

interface TipRow {
  seq: string;
  hash: Buffer;
  id: string;
}

const tipOf = (row: TipRow | undefined): ChainTip =>
  row ? { seq: BigInt(row.seq), hash: new Uint8Array(row.hash), id: row.id } : EMPTY_TIP;

/**
 * One transaction: seal up to `batch` events. Returns how many were sealed, or null when another
 * process holds the sealer's lock.
 */
export async function sealOnce(sql: SqlPool, batch = SEAL_BATCH): Promise<number | null> {
  return inClientTransaction(sql, 'BEGIN', async (client) => {
    const locked = await client.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok',
      [SEALER_LOCK_KEY],
    );
    // Another process seals: nothing was written, the COMMIT ends an empty transaction.
    if (!locked.rows[0]?.ok) return null;
    return sealBatch(client, batch);
  });
}

async function sealBatch(client: pg.PoolClient, batch: number): Promise<number> {
  const { rows } = await client.query<AuditEventRow>(UNSEALED_SQL, [batch]);
  if (rows.length === 0) return 0;

  const byChain = new Map<string | null, ChainEventContent[]>();
  for (const row of rows) {
    const chain = byChain.get(row.project_id);
    if (chain) chain.push(eventContent(row));
    else byChain.set(row.project_id, [eventContent(row)]);
  }
  const projectIds = [...byChain.keys()].filter((p): p is string => p !== null);
  const tips = new Map<string | null, ChainTip>();
  if (projectIds.length > 0) {
    const found = await client.query<TipRow & { project_id: string }>(PROJECT_TIPS_SQL, [projectIds]);
    for (const row of found.rows) tips.set(row.project_id, tipOf(row));
  }
  if (byChain.has(null)) tips.set(null, tipOf((await client.query<TipRow>(INSTALL_TIP_SQL)).rows[0]));

  // One timestamp per pass, at ms precision (the column's), hashed with each event it seals.
  const sealedAt = new Date();
  const ids: string[] = [];
  const seqs: string[] = [];
  const hashes: Buffer[] = [];
  const prevIds: (string | null)[] = [];
  for (const [projectId, events] of byChain) {
    let tip = tips.get(projectId) ?? EMPTY_TIP;
    for (let i = 0; i < events.length; i += SEAL_SLICE) {
      if (i > 0) await nextTurn();
      const slice = sealEvents(tip, events.slice(i, i + SEAL_SLICE), sealedAt);
      tip = slice.tip;
      for (const s of slice.sealed) {
        ids.push(s.id);
        seqs.push(s.seal.seq.toString());
        hashes.push(Buffer.from(s.hash));
        prevIds.push(s.seal.prevId);
      }
    }
  }
  const updated = await client.query(SEAL_SQL, [ids, seqs, hashes, prevIds, sealedAt]);
  if (updated.rowCount !== ids.length)
    throw new Error(`audit sealer: sealed ${updated.rowCount} of ${ids.length} events; pass rolled back`);
  return ids.length;
}

/** Seal until nothing is left (or another process holds the lock). Returns how many were sealed. */
export async function sealAll(sql: SqlPool, batch = SEAL_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const sealed = await sealOnce(sql, batch);
    if (sealed === null) return total;
    total += sealed;
    if (sealed < batch) return total;
  }
}
