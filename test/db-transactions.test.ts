/**
 * Prisma's query interpreter loads the relations of one query in parallel (a join node's children
 * through Promise.all). Outside a transaction each goes to its own pooled connection; inside an
 * interactive transaction they all go to the transaction's one pg client, which pg 8 queues with a
 * DeprecationWarning ("Calling client.query() when the client is already executing a query") and pg 9
 * refuses. createDb (server/src/infra/db.ts) runs a transaction's queries one after another.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb, type Db } from '../server/src/infra/db.js';
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
