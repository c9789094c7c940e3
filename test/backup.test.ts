/**
 * `npm run backup` / `npm run restore` as an operator runs them (real child processes, exit codes):
 * sales and a rendered 认购书 on a running server; a backup while it runs; a restore into a fresh
 * database; then the restored copy equals the original table by table, `npm run audit:verify` passes
 * on it through the heads the manifest printed, and a server on the restored copy serves the same
 * document (same bytes, same public verification) to the same session. A second restore into the
 * now non-empty database is refused without --force.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfirmResult, DocumentInfo, DocumentJobInfo, LockResult } from '@kaipan/shared';
import { readChainHead } from '../server/src/audit-chain/chain-service.js';
import { readManifest } from '../server/src/backup/archive.js';
import { buildApp, type KaipanApp } from '../server/src/app.js';
import { createSqlPool, type SqlPool } from '../server/src/infra/sql.js';
import { emitAck, http, startTestServer, type TestServer } from './support/app.js';
import { createEmptyDatabase, type TestDatabase, uniqueRedisPrefix } from './support/services.js';
import { waitFor } from './support/wait.js';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npx tsx scripts/<script> <args>` with the given environment, as an operator would run it. */
function cli(script: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', `scripts/${script}`, ...args],
      { env: { ...process.env, ...env }, timeout: 180_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Every table's rows as a digest (sorted row_to_json texts): equal digests, equal contents. */
async function tableDigests(sql: SqlPool): Promise<Record<string, string>> {
  const { rows: tables } = await sql.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await sql.query<{ j: string }>(`SELECT row_to_json(t)::text AS j FROM "${name}" t`);
    const hash = createHash('sha256');
    for (const j of rows.map((r) => r.j).sort()) hash.update(`${j}\n`);
    out[name] = `${rows.length}:${hash.digest('hex').slice(0, 16)}`;
  }
  return out;
}

let server: TestServer;
let restored: TestDatabase;
let restoredApp: KaipanApp | null = null;
let original: SqlPool;
let copy: SqlPool;
let manager: string;
let document: DocumentInfo;
const work = mkdtempSync(path.join(tmpdir(), 'kaipan-backup-'));
const archive = path.join(work, 'install.kpbackup');
const sourceData = path.join(work, 'source-data');
const targetData = path.join(work, 'target-data');

beforeAll(async () => {
  server = await startTestServer({ units: 8, consultants: 2 });
  original = createSqlPool(server.databaseUrl, 2, 0);
  const projectId = server.fixture.projectId;
  manager = (await server.login('manager')).token;
  const socket = await server.connect({ token: (await server.login(server.fixture.consultants[0]!)).token });
  expect((await emitAck(socket, 'project:join', { projectId })).ok).toBe(true);
  const sold: string[] = [];
  for (const [i, unitId] of server.fixture.unitIds.slice(0, 3).entries()) {
    const lock = await emitAck<LockResult>(socket, 'unit:lock', { unitId });
    if (!lock.ok) throw new Error(JSON.stringify(lock));
    const confirm = await emitAck<ConfirmResult>(socket, 'unit:confirm', {
      unitId,
      token: lock.data.token,
      buyer: { name: `买家${i}`, phone: `1381234567${i}` },
    });
    if (!confirm.ok) throw new Error(JSON.stringify(confirm));
    sold.push(confirm.data.subscriptionId);
  }
  // A stored document: the 认购书 of the first sale.
  const job = await http<DocumentJobInfo>(server.url, 'POST', '/api/documents', manager, {
    kind: 'AGREEMENT',
    entityId: sold[0],
  });
  expect([200, 202]).toContain(job.status);
  document = await waitFor(
    async () => {
      const polled = await http<DocumentJobInfo>(server.url, 'GET', `/api/document-jobs/${job.body.jobId}`, manager);
      return polled.body.state === 'completed' ? (polled.body.document ?? undefined) : undefined;
    },
    'the agreement',
    60_000,
  );
  // Every event sealed (the server seals within a second): the manifest's heads then cover them all.
  await waitFor(
    async () => ((await readChainHead(original, projectId)).unsealed === 0 ? true : undefined),
    'every event sealed',
  );
  // A data file of the install (the demo mode's generated session secret).
  mkdirSync(sourceData);
  writeFileSync(path.join(sourceData, 'auth-secret'), 'demo-secret-of-the-source-install');
  restored = await createEmptyDatabase();
  copy = createSqlPool(restored.url, 2, 0);
}, 180_000);

afterAll(async () => {
  await restoredApp?.close();
  await copy?.end();
  await original?.end();
  await server?.close();
  await restored?.drop();
  rmSync(work, { recursive: true, force: true });
});

describe('backup and restore', () => {
  let manifest: Awaited<ReturnType<typeof readManifest>>;

  it('backs up a running server into one archive with a manifest', async () => {
    const made = await cli('backup.ts', ['backup', '--out', archive], {
      DATABASE_URL: server.databaseUrl,
      KAIPAN_DATA_DIR: sourceData,
    });
    expect(made.stderr + made.stdout).toContain(archive);
    expect(made.code).toBe(0);
    manifest = await readManifest(archive);
    expect(manifest).toMatchObject({ format: 'kaipan-backup', source: 'DATABASE_URL', files: ['auth-secret'] });
    expect(manifest.projects.map((p) => p.id)).toContain(server.fixture.projectId);
    expect(manifest.migrations.length).toBeGreaterThan(10);
    const head = await readChainHead(original, server.fixture.projectId);
    expect(manifest.auditChainHeads.find((h) => h.projectId === server.fixture.projectId)?.reference).toBe(
      head.reference,
    );
  }, 180_000);

  it('restores into an empty database: the same rows, the same data files', async () => {
    const done = await cli('backup.ts', ['restore', archive], {
      DATABASE_URL: restored.url,
      KAIPAN_DATA_DIR: targetData,
    });
    expect(done.code, done.stderr).toBe(0);
    expect(readFileSync(path.join(targetData, 'auth-secret'), 'utf8')).toBe('demo-secret-of-the-source-install');
    const [before, after] = await Promise.all([tableDigests(original), tableDigests(copy)]);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    // Every table equal, row for row (nothing ran on the original since the backup).
    expect(after).toEqual(before);
  }, 180_000);

  it('refuses to restore over a database that is not empty (without --force)', async () => {
    const again = await cli('backup.ts', ['restore', archive], {
      DATABASE_URL: restored.url,
      KAIPAN_DATA_DIR: targetData,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('not empty');
    expect((await tableDigests(copy)).subscriptions).toBe((await tableDigests(original)).subscriptions);
  }, 180_000);

  it('the restored copy passes the audit verification through the heads in the manifest', async () => {
    for (const head of manifest.auditChainHeads) {
      const args = head.projectId ? ['--project', head.projectId] : ['--install'];
      const verified = await cli('audit-verify.ts', [...args, '--expect-head', head.reference], {
        DATABASE_URL: restored.url,
      });
      expect(verified.code, verified.stdout + verified.stderr).toBe(0);
      expect(verified.stdout).toContain('intact');
      expect(verified.stdout).toContain(`the printed head ${head.reference} is in the chain`);
    }
  }, 180_000);

  it('a server on the restored copy serves the same document, verified the same, to the same session', async () => {
    restoredApp = await buildApp({
      ...server.config,
      databaseUrl: restored.url,
      redisPrefix: uniqueRedisPrefix(),
      port: 0,
    });
    const url = await restoredApp.listen();
    const pdf = async (base: string) => {
      const res = await fetch(`${base}${document.pdfUrl}`, { headers: { authorization: `Bearer ${manager}` } });
      expect(res.status).toBe(200);
      return createHash('sha256')
        .update(Buffer.from(await res.arrayBuffer()))
        .digest('hex');
    };
    expect(await pdf(url)).toBe(await pdf(server.url));
    const verify = async (base: string) =>
      (await http<Record<string, unknown>>(base, 'GET', `/api/public/verify/${document.id}`)).body;
    const there = await verify(url);
    expect(there).toMatchObject({ found: true });
    expect(there).toEqual(await verify(server.url));
  }, 180_000);
});
