/**
 * Prisma's query interpreter loads the relations of one query in parallel (a join node's children
 * through Promise.all). Outside a transaction each goes to its own pooled connection; inside an
 * interactive transaction they all go to the transaction's one pg client, which pg 8 queues with a
 * DeprecationWarning ("Calling client.query() when the client is already executing a query") and pg 9
 * refuses. createDb (server/src/infra/db.ts) runs a transaction's queries one after another.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '@kaipan/shared';
import { createDb, type Db } from '../server/src/infra/db.js';
import { toErrorBody } from '../server/src/services/errors.js';
import { seedFixture, type Fixture } from './support/fixture.js';
import { createTestDatabase, type TestDatabase } from './support/services.js';

let database: TestDatabase;
let db: Db;
let fx: Fixture;
const warnings: Error[] = [];
const onWarning = (warning: Error): void => void warnings.push(warning);

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url, 4);
  fx = await seedFixture(db, { units: 4, consultants: 2 });
  process.on('warning', onWarning);
});

afterAll(async () => {
  process.off('warning', onWarning);
  await db?.$disconnect();
  await database?.drop();
});

it('a read with several relations inside a transaction sends its queries one at a time', async () => {
  const project = await db.$transaction(async (tx) =>
    tx.project.findUniqueOrThrow({
      where: { id: fx.projectId },
      include: { buildings: true, units: true, members: true, subscriptions: true },
    }),
  );
  const units = await db.unit.count({ where: { projectId: fx.projectId } });
  expect(units).toBeGreaterThan(0);
  expect(project.units.length).toBe(units);
  expect(project.members.length).toBeGreaterThan(0);
  // Many at once, each with its relations: the answers are unchanged by the serialisation.
  const counts = await db.$transaction(async (tx) =>
    Promise.all(
      Array.from({ length: 8 }, () =>
        tx.project.findUniqueOrThrow({ where: { id: fx.projectId }, include: { units: true, buildings: true } }),
      ),
    ),
  );
  expect(counts.map((p) => p.units.length)).toEqual(Array(8).fill(units));
  // util.deprecate warns once per process, asynchronously: give it a turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve));
  expect(warnings.map((w) => w.message).filter((m) => m.includes('client.query()'))).toEqual([]);
});

/**
 * PostgreSQL giving up on a statement under load — over `statement_timeout` (57014) or over
 * `lock_timeout` (55P03) — rolls the statement's transaction back, so the request is safe to retry:
 * it answers the coded SERVICE_UNAVAILABLE (503), not INTERNAL. Provoked for real here: a row held
 * by another connection, and a pool whose statements may run 200 ms.
 */
describe('PostgreSQL too busy to finish a statement in time', () => {
  const silent = {
    error: () => undefined,
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
  } as never;
  let holder: pg.Client;
  let impatient: Db;

  beforeAll(async () => {
    holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    impatient = createDb(database.url, 2, 200);
  });

  afterAll(async () => {
    await holder?.end();
    await impatient?.$disconnect();
  });

  /** The error of `run`, translated as HTTP and the hub translate it. */
  async function answerOf(run: () => Promise<unknown>): Promise<{ status: number; body: ErrorBody }> {
    const error = await run().then(
      () => expect.unreachable('PostgreSQL should have given up'),
      (e: unknown) => e,
    );
    return toErrorBody(error, silent);
  }

  it('a statement over statement_timeout (57014), in a transaction or not: SERVICE_UNAVAILABLE, rolled back', async () => {
    const unitId = fx.unitIds[0]!;
    const before = await db.unit.findUniqueOrThrow({ where: { id: unitId } });
    expect(await answerOf(() => impatient.$queryRaw`SELECT pg_sleep(2)`)).toMatchObject({
      status: 503,
      body: { code: 'SERVICE_UNAVAILABLE', details: { dependency: 'postgres' } },
    });
    const inTransaction = await answerOf(() =>
      impatient.$transaction(async (tx) => {
        await tx.unit.update({ where: { id: unitId }, data: { layoutName: 'changed' } });
        await tx.$queryRaw`SELECT pg_sleep(2)`;
      }),
    );
    expect(inTransaction).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' } });
    expect((await db.unit.findUniqueOrThrow({ where: { id: unitId } })).layoutName).toBe(before.layoutName);
  });

  it('a lock wait over lock_timeout (55P03), and one cut by statement_timeout: SERVICE_UNAVAILABLE, rolled back', async () => {
    const unitId = fx.unitIds[1]!;
    const before = await db.unit.findUniqueOrThrow({ where: { id: unitId } });
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM units WHERE id = $1 FOR UPDATE', [unitId]);
    try {
      const lockTimeout = await answerOf(() =>
        db.$transaction(async (tx) => {
          await tx.$executeRaw`SET LOCAL lock_timeout = '100ms'`;
          await tx.unit.update({ where: { id: unitId }, data: { layoutName: 'changed' } });
        }),
      );
      expect(lockTimeout).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' } });
      // Without a lock_timeout, the wait ends at statement_timeout.
      const statementTimeout = await answerOf(() =>
        impatient.unit.update({ where: { id: unitId }, data: { layoutName: 'changed' } }),
      );
      expect(statementTimeout).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' } });
    } finally {
      await holder.query('ROLLBACK');
    }
    expect((await db.unit.findUniqueOrThrow({ where: { id: unitId } })).layoutName).toBe(before.layoutName);
  });
});
