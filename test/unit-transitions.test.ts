/**
 * The selling core's stored transitions (server/src/selling/unit-transitions.ts) on a real
 * PostgreSQL: from every stored status, each action moves the unit exactly as the shared table says
 * — one conditional update, one audit event, the mirror change returned — and touches nothing
 * where the table forbids it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORED_UNIT_STATUSES, storedStatusOf, transitionOf, type StoredUnitStatus } from '@kaipan/shared';
import { createDb, type Db } from '../server/src/infra/db.js';
import {
  releaseBatchUnits,
  storedTransition,
  transitionUnit,
  type StoredUnitAction,
} from '../server/src/selling/unit-transitions.js';
import { seedFixture, type Fixture } from './support/fixture.js';
import { createTestDatabase, type TestDatabase } from './support/services.js';

let database: TestDatabase;
let db: Db;
let fx: Fixture;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url, 4);
  fx = await seedFixture(db, { units: 8, consultants: 1 });
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

const ACTIONS: StoredUnitAction[] = ['release', 'withhold', 'unwithhold', 'confirm', 'sign', 'cancel'];

async function unitIn(status: StoredUnitStatus): Promise<{ id: string; version: number }> {
  const unitId = fx.unitIds[0]!;
  return db.unit.update({ where: { id: unitId }, data: { status }, select: { id: true, version: true } });
}

describe('transitionUnit', () => {
  it('derives each stored step from the table (confirm starts from LOCKED, an AVAILABLE row)', () => {
    for (const action of ACTIONS) {
      const step = transitionOf(action);
      expect(storedTransition(action)).toEqual({
        from: storedStatusOf(step.from),
        to: storedStatusOf(step.to),
        shownFrom: step.from,
      });
    }
    expect(() => storedTransition('lock' as StoredUnitAction)).toThrow(/does not change the stored status/);
  });

  describe.each(ACTIONS)('%s', (action) => {
    const { from, to, shownFrom } = storedTransition(action);
    it.each([...STORED_UNIT_STATUSES])('from %s', async (status) => {
      const before = await unitIn(status);
      const auditsBefore = await db.auditEvent.count({ where: { entityId: before.id } });
      const result = await db.$transaction((tx) =>
        transitionUnit(tx, {
          projectId: fx.projectId,
          unitId: before.id,
          action,
          actor: 'system',
          after: { note: 'test' },
        }),
      );
      const after = await db.unit.findUniqueOrThrow({
        where: { id: before.id },
        select: { status: true, version: true },
      });
      const audits = await db.auditEvent.findMany({ where: { entityId: before.id }, orderBy: { id: 'asc' } });
      if (status !== from) {
        expect(result).toBeNull();
        expect(after).toEqual({ status, version: before.version });
        expect(audits).toHaveLength(auditsBefore);
        return;
      }
      expect(result?.change).toEqual({ unitId: before.id, status: to, version: before.version + 1 });
      expect(after).toEqual({ status: to, version: before.version + 1 });
      expect(audits).toHaveLength(auditsBefore + 1);
      expect(audits.at(-1)).toMatchObject({
        action: `unit.${action}`,
        entity: 'unit',
        actorKind: 'system',
        before: { status: shownFrom, unitCode: result?.code },
        after: { status: to, note: 'test' },
      });
    });
  });

  it('confirm: only at the quoted prices, recording the lock token the mirror change carries', async () => {
    const unit = await unitIn('AVAILABLE');
    const row = await db.unit.findUniqueOrThrow({
      where: { id: unit.id },
      select: { listPrice: true, floorPrice: true },
    });
    const prices = { listPrice: Number(row.listPrice), floorPrice: Number(row.floorPrice) };
    const confirm = (listPrice: number) =>
      db.$transaction((tx) =>
        transitionUnit(tx, {
          projectId: fx.projectId,
          unitId: unit.id,
          action: 'confirm',
          actor: 'system',
          lockToken: '42',
          prices: { ...prices, listPrice },
        }),
      );
    expect(await confirm(prices.listPrice + 1)).toBeNull();
    const done = await confirm(prices.listPrice);
    expect(done?.change).toMatchObject({ status: 'SUBSCRIBED', token: '42' });
    expect((await db.unit.findUniqueOrThrow({ where: { id: unit.id } })).lockToken).toBe(42n);
  });

  it('a unit of another project is not touched', async () => {
    await unitIn('AVAILABLE');
    const result = await db.$transaction((tx) =>
      transitionUnit(tx, { projectId: fx.otherProjectId, unitId: fx.unitIds[0]!, action: 'withhold', actor: 'system' }),
    );
    expect(result).toBeNull();
  });
});

describe('releaseBatchUnits', () => {
  it('makes the batch’s NOT_RELEASED units AVAILABLE, one batch.release event naming them', async () => {
    const changes = await db.$transaction((tx) =>
      releaseBatchUnits(tx, { projectId: fx.projectId, batchId: fx.pendingBatchId, actor: 'system' }),
    );
    expect(changes.map((c) => c.unitId).sort()).toEqual([...fx.pendingUnitIds].sort());
    expect(changes.every((c) => c.status === 'AVAILABLE')).toBe(true);
    const event = await db.auditEvent.findFirstOrThrow({
      where: { entityId: fx.pendingBatchId, action: 'batch.release' },
    });
    expect((event.after as { units: string[] }).units).toHaveLength(fx.pendingUnitIds.length);
    // Again: nothing is NOT_RELEASED any more.
    expect(
      await db.$transaction((tx) =>
        releaseBatchUnits(tx, { projectId: fx.projectId, batchId: fx.pendingBatchId, actor: 'system' }),
      ),
    ).toEqual([]);
  });
});
