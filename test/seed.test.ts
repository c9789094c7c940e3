/** The demo seed: realistic, created once, idempotent. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../server/src/infra/db.js';
import { verifyPassword } from '../server/src/domain/passwords.js';
import {
  DEMO_ACCOUNTS,
  DEMO_CONSULTANT_PASSWORD,
  DEMO_KIOSK_PIN,
  DEMO_SINCERITY_FEN,
  DEMO_SINCERITY_PAID,
  seedDemo,
} from '../server/src/seed/demo.js';
import { SINCERITY_HELD_WHERE } from '../server/src/services/registration-service.js';
import { createTestDatabase, type TestDatabase } from './support/services.js';

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url, 2);
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

describe('seedDemo', () => {
  it('creates the demo project once', async () => {
    const first = await seedDemo(db);
    expect(first.created).toBe(true);
    const second = await seedDemo(db);
    expect(second).toEqual({ created: false, projectId: first.projectId });

    expect(await db.project.count()).toBe(1);
    expect(await db.projectMember.count({ where: { projectId: first.projectId, role: 'CONSULTANT' } })).toBe(200);
    expect(await db.user.findUnique({ where: { username: 'c200' } })).not.toBeNull();
    const buildings = await db.building.findMany({ orderBy: { sortOrder: 'asc' } });
    expect(buildings.length).toBeGreaterThanOrEqual(3);
    for (const b of buildings) {
      expect(b.floors).toBeGreaterThanOrEqual(18);
      expect(b.floors).toBeLessThanOrEqual(33);
      expect(b.unitsPerFloor).toBeGreaterThanOrEqual(2);
      expect(b.unitsPerFloor).toBeLessThanOrEqual(6);
    }
    const layouts = await db.unit.groupBy({ by: ['layout'], _count: true });
    expect(layouts.length).toBeGreaterThanOrEqual(3);
    const statuses = Object.fromEntries(
      (await db.unit.groupBy({ by: ['status'], _count: true })).map((g) => [g.status, g._count]),
    );
    expect(statuses).toMatchObject({
      AVAILABLE: expect.any(Number),
      NOT_RELEASED: expect.any(Number),
      WITHHELD: expect.any(Number),
    });
    expect(await db.device.count({ where: { kind: 'BOARD' } })).toBe(1);

    // Made as the setup routes make them (createProject, setMembership, insertTeam, the layouts, the
    // buildings from their patterns, the price formula, the batches, the withhold), audited as the system.
    const projectId = first.projectId;
    const audited = async (action: string) =>
      db.auditEvent.count({ where: { projectId, action, actorKind: 'system' } });
    expect(await audited('project.create')).toBe(1);
    expect(await audited('layout.create')).toBe(4);
    expect(await audited('building.create')).toBe(buildings.length);
    expect(await audited('unit.create')).toBe(355);
    expect(await audited('prices.formula')).toBe(buildings.length);
    expect(await audited('batch.create')).toBe(2);
    expect(await audited('queue.category.create')).toBe(2);
    const release = await db.auditEvent.findMany({
      where: { projectId, action: 'batch.release', actorKind: 'system' },
    });
    expect(release.map((e) => (e.after as { units: string[] }).units.length)).toEqual([
      (statuses.AVAILABLE ?? 0) + (statuses.WITHHELD ?? 0),
    ]);
    expect(await audited('unit.withhold')).toBe(statuses.WITHHELD ?? 0);
    // Every unit priced by the formula (list above floor, both in whole yuan), its layout's facts copied.
    const units = await db.unit.findMany({ where: { projectId }, include: { unitLayout: true } });
    expect(units).toHaveLength(355);
    for (const u of units) {
      expect(u.listPrice % 100n).toBe(0n);
      expect(u.floorPrice).toBeLessThan(u.listPrice);
      expect(u.floorPrice).toBeGreaterThan(0n);
      expect([u.layout, u.orientation]).toEqual([u.unitLayout?.code, u.unitLayout?.orientation]);
    }
    // …and the price list version 1 holds every unit at its price.
    const entries = await db.priceListEntry.findMany({ where: { priceList: { projectId, status: 'ACTIVE' } } });
    expect(entries).toHaveLength(355);
    const price = new Map(units.map((u) => [u.id, u.listPrice]));
    expect(entries.every((e) => e.listPrice === price.get(e.unitId))).toBe(true);
    // The accounts through user-service: audited, and marked as made with a public demo password.
    const accounts = await db.auditEvent.findMany({ where: { action: 'user.created', actorKind: 'system' } });
    expect(accounts).toHaveLength(205);
    expect(accounts.every((e) => (e.after as { publicDemoPassword?: boolean }).publicDemoPassword === true)).toBe(true);
    expect(await audited('team.created')).toBe(2);
    expect(await db.projectMember.count({ where: { projectId } })).toBe(204);
    expect(await audited('member.added')).toBe(204);
    const teams = await db.team.findMany({
      where: { projectId },
      orderBy: { name: 'asc' },
      select: { lead: { select: { username: true } }, _count: { select: { members: true } } },
    });
    expect(teams).toEqual([
      { lead: { username: 'c001' }, _count: { members: 100 } },
      { lead: { username: 'c101' }, _count: { members: 100 } },
    ]);
  });

  it('30 registrations hold the sincerity deposit as the cashier’s recorded payments (derived, never a flag)', async () => {
    const regs = await db.registration.findMany({
      orderBy: { number: 'asc' },
      select: {
        number: true,
        payments: { where: SINCERITY_HELD_WHERE, select: { amount: true, receipt: { select: { label: true } } } },
      },
    });
    expect(regs).toHaveLength(40);
    const held = regs.filter((r) => r.payments.length > 0).map((r) => r.number);
    expect(held).toEqual(Array.from({ length: DEMO_SINCERITY_PAID }, (_, i) => i + 1));
    for (const r of regs.slice(0, DEMO_SINCERITY_PAID)) {
      expect(r.payments).toEqual([
        { amount: BigInt(DEMO_SINCERITY_FEN), receipt: { label: expect.stringMatching(/^KP2026-\d{6}$/) } },
      ]);
    }
  });

  it('accounts log in with the printed demo passwords', async () => {
    const manager = await db.user.findUniqueOrThrow({ where: { username: 'manager' } });
    expect(await verifyPassword(DEMO_ACCOUNTS.manager.password, manager.passwordHash)).toBe(true);
    const c042 = await db.user.findUniqueOrThrow({ where: { username: 'c042' } });
    expect(await verifyPassword(DEMO_CONSULTANT_PASSWORD, c042.passwordHash)).toBe(true);
  });

  it('the demo kiosk opens its setup with the printed demo PIN (stored hashed)', async () => {
    const project = await db.project.findFirstOrThrow({ where: { devices: { some: { kind: 'KIOSK' } } } });
    expect(project.kioskPinHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword(DEMO_KIOSK_PIN, project.kioskPinHash ?? '')).toBe(true);
  });
});
