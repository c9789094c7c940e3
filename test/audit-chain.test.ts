/**
 * The tamper-evident audit trail (docs/audit.md) on real PostgreSQL: events written by many clients
 * at once seal into one intact chain per project; the database refuses to change or remove them;
 * a rewrite, a removal or a forged event made behind the rule (trigger disabled by the table's owner)
 * is named by `npm run audit:verify` — a real child process, its exit codes — and a rewrite that
 * recomputed every later hash is caught by a head printed before it.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainHead, ConfirmResult, LockResult } from '@kaipan/shared';
import { chainHashAt, readChainHead, verifyProjectChain } from '../server/src/audit-chain/chain-service.js';
import { type AuditEventRow, EVENT_COLUMNS, eventContent } from '../server/src/audit-chain/rows.js';
import { sealAll } from '../server/src/audit-chain/sealer.js';
import { sealEvents } from '../server/src/domain/audit-chain.js';
import { createSqlPool, type SqlPool } from '../server/src/infra/sql.js';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { behindTheAuditRule } from './support/audit-rule.js';
import { createTestDatabase, type TestDatabase } from './support/services.js';
import { waitFor } from './support/wait.js';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run audit:verify -- <args>` against a database, as an operator would run it. */
function auditVerify(args: string[], databaseUrl: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'scripts/audit-verify.ts', ...args],
      { env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** The project's events at chain positions, in chain order. */
async function sealedRows(sql: SqlPool, projectId: string): Promise<Array<{ id: string; seq: number }>> {
  const { rows } = await sql.query<{ id: string; seq: string }>(
    `SELECT id::text AS id, chain_seq::text AS seq FROM audit_events
     WHERE project_id = $1::uuid AND chain_seq IS NOT NULL ORDER BY chain_seq`,
    [projectId],
  );
  return rows.map((r) => ({ id: r.id, seq: Number(r.seq) }));
}

describe('the audit chain of a running server', () => {
  let server: TestServer;
  let sql: SqlPool;
  let sockets: HubClient[] = [];
  let projectId: string;
  let printed: ChainHead;

  beforeAll(async () => {
    server = await startTestServer({ units: 60, consultants: 60 });
    sql = createSqlPool(server.databaseUrl, 3, 0);
    projectId = server.fixture.projectId;
    const logins = await Promise.all(server.fixture.consultants.map((u) => server.login(u)));
    sockets = await Promise.all(logins.map((l) => server.connect({ token: l.token })));
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await server?.close();
  });

  it('a burst of locks, confirms and releases from 60 clients at once seals into one intact chain', async () => {
    const units = server.fixture.unitIds;
    const outcome = await Promise.all(
      sockets.map(async (s, i) => {
        const unitId = units[i % units.length]!;
        const lock = await emitAck<LockResult>(s, 'unit:lock', { unitId });
        if (!lock.ok) return 'refused';
        if (i % 3 === 0) {
          await emitAck(s, 'unit:release', { unitId, token: lock.data.token });
          return 'released';
        }
        const confirm = await emitAck<ConfirmResult>(s, 'unit:confirm', {
          unitId,
          token: lock.data.token,
          buyer: { name: `买家${i}`, phone: `139${String(i).padStart(8, '0')}` },
        });
        return confirm.ok ? 'confirmed' : 'refused';
      }),
    );
    expect(outcome.filter((o) => o === 'confirmed').length).toBeGreaterThan(30);

    // Every event of the project sealed (the sealer runs every ~0.5 s; lock events arrive in batches).
    const atLeast = 2 * outcome.filter((o) => o === 'confirmed' || o === 'released').length;
    const written = async () =>
      Number(
        (await sql.query<{ n: string }>('SELECT count(*) AS n FROM audit_events WHERE project_id = $1', [projectId]))
          .rows[0]!.n,
      );
    const head = await waitFor(
      async () => {
        const h = await readChainHead(sql, projectId);
        const n = await written();
        // Lock and release events reach the table in the AuditWriter's batches, after their acks: wait
        // for at least the lock + release/confirm of every acknowledged cycle before judging the seal.
        return n >= atLeast && h.unsealed === 0 && h.events === n ? h : undefined;
      },
      'every audit event sealed',
      30_000,
      200,
    );
    expect(head.events).toBeGreaterThan(100);

    // One position per event, 1…n, and every hash follows from the one before.
    const rows = await sealedRows(sql, projectId);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: head.events }, (_, i) => i + 1));
    const verified = await verifyProjectChain(sql, projectId);
    expect(verified.problems).toEqual([]);
    expect(verified.head).toEqual(head);
    expect(head).toMatchObject({
      projectId,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      shortHash: head.hash!.slice(0, 16),
      reference: `${head.events}:${head.hash!.slice(0, 16)}`,
      headEventId: rows.at(-1)!.id,
    });

    // What the 日报 and the dispute pack print: the same head.
    expect(await server.kaipan.services.auditChain.headForPrint(projectId)).toEqual(head);

    // The other project's chain is its own.
    const other = await readChainHead(sql, server.fixture.otherProjectId);
    expect(other.hash).not.toBe(head.hash);

    // Managers read the head through the API; a consultant may not.
    const manager = await server.login('manager');
    const answer = await http<ChainHead>(
      server.url,
      'GET',
      `/api/projects/${projectId}/audit/chain-head`,
      manager.token,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(head);
    const consultant = await server.login(server.fixture.consultants[0]!);
    const refused = await http<{ error: { code: string } }>(
      server.url,
      'GET',
      `/api/projects/${projectId}/audit/chain-head`,
      consultant.token,
    );
    expect(refused.status).toBe(403);
    printed = head;
  });

  it('the database refuses to change or remove an audit event — the application’s own role included', async () => {
    const [first] = await sealedRows(sql, projectId);
    const refusedWith = async (statement: string) => {
      const error = await sql.query(statement).then(
        () => null,
        (e: unknown) => e as pg.DatabaseError,
      );
      expect(error, statement).not.toBeNull();
      expect(error!.code).toBe('KA001');
      expect(error!.message).toContain('audit_events is append-only');
    };
    await refusedWith(`UPDATE audit_events SET action = 'unit.release' WHERE id = ${first!.id}`);
    await refusedWith(`UPDATE audit_events SET after = '{}'::jsonb WHERE project_id = '${projectId}'`);
    await refusedWith(`DELETE FROM audit_events WHERE id = ${first!.id}`);
    await refusedWith('DELETE FROM audit_events');
    await refusedWith('TRUNCATE audit_events');
    // A seal is set once: not changed, not removed.
    await refusedWith(`UPDATE audit_events SET chain_hash = '\\x00'::bytea WHERE id = ${first!.id}`);
    await refusedWith(
      `UPDATE audit_events SET chain_seq = NULL, chain_hash = NULL, sealed_at = NULL WHERE id = ${first!.id}`,
    );
    // Sealing an unsealed event may not change it (inserted and "sealed" in one transaction, out of the sealer's sight).
    const client = await sql.connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO audit_events (project_id, actor_kind, actor_name, action, entity, entity_id)
         VALUES ($1, 'system', 'system', 'test.event', 'test', 'x') RETURNING id::text AS id`,
        [projectId],
      );
      const error = await client
        .query(
          `UPDATE audit_events SET chain_seq = 999999, chain_hash = '\\x00'::bytea, sealed_at = now(), action = 'forged'
           WHERE id = $1`,
          [inserted.rows[0]!.id],
        )
        .then(
          () => null,
          (e: unknown) => e as pg.DatabaseError,
        );
      expect(error?.code).toBe('KA001');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(await verifyProjectChain(sql, projectId)).toMatchObject({ problems: [] });

    // The seal may change the seal columns only: the trigger compares every other column of the table.
    const { rows: columns } = await sql.query<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'audit_events' ORDER BY ordinal_position`,
    );
    const { rows: trigger } = await sql.query<{ def: string }>(
      `SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgname = 'audit_events_append_only'`,
    );
    const definition = trigger[0]!.def;
    const seal = ['chain_seq', 'chain_hash', 'chain_prev_id', 'sealed_at'];
    for (const { name } of columns.filter((c) => !seal.includes(c.name))) {
      expect(definition, `the seal trigger must compare ${name}`).toMatch(new RegExp(`\\bnew\\.${name}\\b`, 'i'));
      expect(definition, `the seal trigger must compare ${name}`).toMatch(new RegExp(`\\bold\\.${name}\\b`, 'i'));
    }
  });

  it('`npm run audit:verify`: 0 on the intact chain; a row rewritten in SQL → 1 naming it; restored → intact', async () => {
    const intact = await auditVerify(['--project', projectId, '--expect-head', printed.reference!], server.databaseUrl);
    expect(intact.stderr).not.toContain('TAMPERED');
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain(`head ${printed.reference}`);
    expect(intact.stdout).toContain('intact');

    // Behind the rule: the price of one confirm rewritten.
    const rows = await sealedRows(sql, projectId);
    const { rows: confirms } = await sql.query<{ id: string; after: unknown }>(
      `SELECT id::text AS id, after FROM audit_events WHERE project_id = $1 AND action = 'unit.confirm' ORDER BY chain_seq LIMIT 1 OFFSET 3`,
      [projectId],
    );
    const victim = confirms[0]!;
    expect(rows.findIndex((r) => r.id === victim.id)).toBeLessThan(rows.length - 1);
    await behindTheAuditRule(
      server.db,
      `UPDATE audit_events SET after = coalesce(after, '{}') || '{"buyer": "改名"}'::jsonb WHERE id = ${victim.id}`,
    );
    const tampered = await auditVerify(['--project', projectId], server.databaseUrl);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain(`TAMPERED: event ${victim.id} `);
    expect(tampered.stderr).toContain('was altered');
    // Only that event: put back as it was, the chain is intact again.
    expect((await verifyProjectChain(sql, projectId)).problems).toEqual([
      expect.objectContaining({ kind: 'altered', eventId: victim.id }),
    ]);
    await behindTheAuditRule(
      server.db,
      victim.after === null
        ? `UPDATE audit_events SET after = NULL WHERE id = ${victim.id}`
        : `UPDATE audit_events SET after = '${JSON.stringify(victim.after).replaceAll("'", "''")}'::jsonb WHERE id = ${victim.id}`,
    );
    expect((await verifyProjectChain(sql, projectId)).problems).toEqual([]);
  });

  it('a deleted event is named as missing; one slipped in with a forged seal is named', async () => {
    const rows = await sealedRows(sql, projectId);
    const gone = rows[Math.floor(rows.length / 2)]!;
    const { rows: saved } = await sql.query<{ cols: string }>(
      `SELECT row_to_json(e)::text AS cols FROM audit_events e WHERE id = $1`,
      [gone.id],
    );
    await behindTheAuditRule(server.db, `DELETE FROM audit_events WHERE id = ${gone.id}`);
    expect((await verifyProjectChain(sql, projectId)).problems).toEqual([
      { kind: 'missing', eventId: gone.id, seq: BigInt(gone.seq), count: 1n, lastMissingId: gone.id },
    ]);
    // Two in a row: both positions named, and the last one's id.
    const next = rows[Math.floor(rows.length / 2) + 1]!;
    const { rows: savedNext } = await sql.query<{ cols: string }>(
      `SELECT row_to_json(e)::text AS cols FROM audit_events e WHERE id = $1`,
      [next.id],
    );
    await behindTheAuditRule(server.db, `DELETE FROM audit_events WHERE id = ${next.id}`);
    expect((await verifyProjectChain(sql, projectId)).problems).toEqual([
      { kind: 'missing', eventId: null, seq: BigInt(gone.seq), count: 2n, lastMissingId: next.id },
    ]);
    // Put back exactly as they were: intact.
    for (const row of [saved[0]!, savedNext[0]!])
      await sql.query(`INSERT INTO audit_events SELECT * FROM json_populate_record(NULL::audit_events, $1::json)`, [
        row.cols,
      ]);
    expect((await verifyProjectChain(sql, projectId)).problems).toEqual([]);

    // A row inserted with a seal of its own making after the head: its hash does not follow.
    const head = await readChainHead(sql, projectId);
    const forged = await sql.query<{ id: string }>(
      `INSERT INTO audit_events (project_id, actor_kind, actor_name, action, entity, entity_id, chain_seq, chain_hash, chain_prev_id, sealed_at)
       VALUES ($1, 'user', 'manager', 'unit.confirm', 'unit', 'x', $2, '\\x0123'::bytea, $3, now()) RETURNING id::text AS id`,
      [projectId, head.events + 1, head.headEventId],
    );
    expect((await verifyProjectChain(sql, projectId)).problems).toEqual([
      expect.objectContaining({ kind: 'altered', eventId: forged.rows[0]!.id }),
    ]);
    await behindTheAuditRule(server.db, `DELETE FROM audit_events WHERE id = ${forged.rows[0]!.id}`);
    expect((await verifyProjectChain(sql, projectId)).problems).toEqual([]);
  });

  it('a rewrite that recomputes every later hash passes the walk, but not the head printed before it', async () => {
    const rows = await sealedRows(sql, projectId);
    const from = rows[5]!;
    await behindTheAuditRule(server.db, `UPDATE audit_events SET actor_name = '某人' WHERE id = ${from.id}`);
    // The tamperer re-seals from the rewritten event to the end, exactly as the sealer would.
    const { rows: tail } = await sql.query<AuditEventRow & { seq: string; prev_id: string | null; sealed_at: Date }>(
      `SELECT ${EVENT_COLUMNS}, chain_seq::text AS seq, chain_prev_id::text AS prev_id, sealed_at FROM audit_events
       WHERE project_id = $1 AND chain_seq >= $2 ORDER BY chain_seq`,
      [projectId, from.seq],
    );
    const before = await sql.query<{ hash: Buffer; id: string }>(
      'SELECT chain_hash AS hash, id::text AS id FROM audit_events WHERE project_id = $1 AND chain_seq = $2',
      [projectId, from.seq - 1],
    );
    const { sealed } = sealEvents(
      { seq: BigInt(from.seq - 1), hash: new Uint8Array(before.rows[0]!.hash), id: before.rows[0]!.id },
      tail.map(eventContent),
      new Date(),
    );
    await behindTheAuditRule(
      server.db,
      ...sealed.map(
        (s) =>
          `UPDATE audit_events SET chain_hash = '\\x${Buffer.from(s.hash).toString('hex')}'::bytea,
             sealed_at = '${s.seal.sealedAt.toISOString()}' WHERE id = ${s.id}`,
      ),
    );
    expect((await verifyProjectChain(sql, projectId)).problems).toEqual([]);
    expect(await chainHashAt(sql, projectId, printed.events)).not.toMatch(new RegExp(`^${printed.shortHash}`));

    const caught = await auditVerify(['--project', projectId, '--expect-head', printed.reference!], server.databaseUrl);
    expect(caught.code).toBe(1);
    expect(caught.stderr).toContain(
      `TAMPERED: the chain no longer passes through the printed head ${printed.reference}`,
    );
  });

  it('bad usage exits 2', async () => {
    const missing = await auditVerify([], server.databaseUrl);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--project');
    const unknown = await auditVerify(['--project', randomUUID()], server.databaseUrl);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no project');
  });
});

describe('sealing after commit (no server running)', () => {
  let database: TestDatabase;
  let sql: SqlPool;
  const projectA = randomUUID();
  const projectB = randomUUID();

  const insert = (client: pg.ClientBase | SqlPool, projectId: string | null, n = 1) =>
    client.query<{ id: string }>(
      `INSERT INTO audit_events (project_id, actor_kind, actor_name, action, entity, entity_id, before, after)
       SELECT $1, 'system', 'system', 'test.event', 'test', g::text, jsonb_build_object('b', g, 'a', 'x'), NULL
       FROM generate_series(1, $2) g RETURNING id::text AS id`,
      [projectId, n],
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createSqlPool(database.url, 8, 0);
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  it('events left unsealed (a crash before the seal) are reported apart from tampering, then sealed', async () => {
    await insert(sql, projectA, 3);
    const before = await verifyProjectChain(sql, projectA);
    expect(before.problems).toEqual([]);
    expect(before.unsealed.count).toBe(3);
    expect(before.head).toMatchObject({ events: 0, hash: null, reference: null, unsealed: 3 });
    expect(await sealAll(sql)).toBe(3);
    const after = await verifyProjectChain(sql, projectA);
    expect(after).toMatchObject({ problems: [], unsealed: { count: 0 }, head: { events: 3, unsealed: 0 } });
  });

  it('chain order is commit order: an event committed late is sealed after later ids, nothing is skipped', async () => {
    const slow = await sql.connect();
    try {
      await slow.query('BEGIN');
      const early = (await insert(slow, projectA)).rows[0]!.id;
      const late = (await insert(sql, projectA)).rows[0]!.id;
      expect(BigInt(early)).toBeLessThan(BigInt(late));
      expect(await sealAll(sql)).toBe(1);
      await slow.query('COMMIT');
      expect(await sealAll(sql)).toBe(1);
      const rows = await sealedRows(sql, projectA);
      expect(rows.slice(-2).map((r) => r.id)).toEqual([late, early]);
      expect((await verifyProjectChain(sql, projectA)).problems).toEqual([]);
    } finally {
      slow.release();
    }
  });

  it('one pass larger than a hashing slice (the sealer yields the event loop between slices) seals intact chains', async () => {
    const [projectC, projectD] = [randomUUID(), randomUUID()];
    // Interleaved ids: each chain's events are hashed across several slices of one pass.
    for (let i = 0; i < 5; i += 1) {
      await insert(sql, projectC, 40);
      await insert(sql, projectD, 40);
    }
    expect(await sealAll(sql)).toBe(400);
    for (const projectId of [projectC, projectD]) {
      const result = await verifyProjectChain(sql, projectId);
      expect(result.problems).toEqual([]);
      expect(result.unsealed.count).toBe(0);
      expect((await readChainHead(sql, projectId)).events).toBe(200);
    }
  });

  it('several sealers at once never fork a chain (one writer at a time)', async () => {
    await Promise.all([insert(sql, projectA, 4_000), insert(sql, projectB, 3_000), insert(sql, null, 500)]);
    const sealed = await Promise.all(Array.from({ length: 4 }, () => sealAll(sql, 1_000)));
    const rest = await sealAll(sql, 1_000);
    expect(sealed.reduce((a, b) => a + b, 0) + rest).toBe(7_500);
    for (const projectId of [projectA, projectB]) {
      const result = await verifyProjectChain(sql, projectId, 700);
      expect(result.problems).toEqual([]);
      expect(result.unsealed.count).toBe(0);
    }
    expect((await readChainHead(sql, projectA)).events).toBe(4_005);
    const install = await sql.query<{ n: string; max: string }>(
      'SELECT count(*) AS n, max(chain_seq)::text AS max FROM audit_events WHERE project_id IS NULL',
    );
    expect(install.rows[0]).toEqual({ n: '500', max: '500' });
    const installChain = await verifyProjectChain(sql, null, 300);
    expect(installChain.problems).toEqual([]);
    expect(installChain.head).toMatchObject({ projectId: null, events: 500, unsealed: 0 });
  });
});
