/**
 * A small, fully controlled project for integration tests (the demo seed is tested separately).
 * Users: admin, manager, cashier, consultants s001…sNNN (password 'pw-test'); one board key.
 */
import type { ProjectRole } from '@kaipan/shared';
import type { Db } from '../../server/src/infra/db.js';
import { hashPassword } from '../../server/src/domain/passwords.js';
import { hashDeviceKey } from '../../server/src/services/auth-service.js';
import { createInitialPriceList } from '../../server/src/services/pricing-service.js';
import { seedPricingTerms } from '../../server/src/seed/demo.js';

export const TEST_PASSWORD = 'pw-test';
export const TEST_BOARD_KEY = 'test-board-key-0123456789abcdef';

export interface Fixture {
  projectId: string;
  otherProjectId: string;
  otherUnitId: string;
  unitIds: string[];
  /** Units not yet released, in a pending batch. */
  pendingUnitIds: string[];
  pendingBatchId: string;
  consultants: string[];
}

export async function seedFixture(
  db: Db,
  opts: { units?: number; consultants?: number; lockTtlSeconds?: number; maxLocks?: number } = {},
): Promise<Fixture> {
  const unitCount = opts.units ?? 60;
  const consultantCount = opts.consultants ?? 10;
  const hash = await hashPassword(TEST_PASSWORD);
  const project = await db.project.create({
    data: {
      code: `T-${Math.random().toString(36).slice(2, 8)}`,
      name: '测试项目',
      nameEn: 'Test Project',
      city: '上海',
      lockTtlSeconds: opts.lockTtlSeconds ?? 120,
      maxLocksPerConsultant: opts.maxLocks ?? 2,
    },
  });
  const other = await db.project.create({
    data: { code: `O-${Math.random().toString(36).slice(2, 8)}`, name: '别的项目', nameEn: 'Other', city: '北京' },
  });
  const consultants = Array.from({ length: consultantCount }, (_, i) => `s${String(i + 1).padStart(3, '0')}`);
  await db.user.createMany({
    data: [
      { username: 'admin', displayName: 'Admin', admin: true, passwordHash: hash },
      { username: 'manager', displayName: '经理', passwordHash: hash },
      { username: 'cashier', displayName: '出纳', passwordHash: hash },
      { username: 'outsider', displayName: 'Outsider', passwordHash: hash },
      ...consultants.map((u) => ({ username: u, displayName: `顾问${u}`, passwordHash: hash })),
    ],
  });
  // Roles in the project (the administrator, an administrator everywhere, also holds a manager's seat
  // as the migration gave every former ADMIN); the outsider consults in the other project only.
  const users = await db.user.findMany({
    where: { username: { not: 'outsider' } },
    select: { id: true, username: true },
  });
  const roleOf = (username: string): ProjectRole =>
    username === 'admin' || username === 'manager' ? 'MANAGER' : username === 'cashier' ? 'CASHIER' : 'CONSULTANT';
  await db.projectMember.createMany({
    data: users.map((u) => ({ projectId: project.id, userId: u.id, role: roleOf(u.username) })),
  });
  const outsider = await db.user.findUniqueOrThrow({ where: { username: 'outsider' } });
  await db.projectMember.create({ data: { projectId: other.id, userId: outsider.id, role: 'CONSULTANT' } });

  const building = await db.building.create({
    data: {
      projectId: project.id,
      code: 'A',
      name: 'A栋',
      nameEn: 'Block A',
      floors: Math.ceil(unitCount / 4),
      unitsPerFloor: 4,
    },
  });
  const pending = await db.batch.create({ data: { projectId: project.id, name: 'Pending' } });
  const unit = (i: number, status: 'AVAILABLE' | 'NOT_RELEASED', batchId: string | null) => ({
    projectId: project.id,
    buildingId: building.id,
    batchId,
    code: `A-${String(Math.floor(i / 4) + 1).padStart(2, '0')}${String((i % 4) + 1).padStart(2, '0')}`,
    floor: Math.floor(i / 4) + 1,
    position: (i % 4) + 1,
    layout: 'A',
    layoutName: '3室2厅2卫',
    grossArea: 100.25,
    netArea: 80.5,
    orientation: '南',
    listPrice: BigInt(2_000_000_00 + i * 100_00),
    floorPrice: BigInt(1_900_000_00),
    status,
  });
  await db.unit.createMany({ data: Array.from({ length: unitCount }, (_, i) => unit(i, 'AVAILABLE', null)) });
  await db.unit.createMany({
    data: Array.from({ length: 4 }, (_, i) => ({ ...unit(unitCount + i, 'NOT_RELEASED', pending.id), code: `P-${i}` })),
  });
  const otherBuilding = await db.building.create({
    data: { projectId: other.id, code: 'Z', name: 'Z', nameEn: 'Z', floors: 1, unitsPerFloor: 1 },
  });
  const otherUnit = await db.unit.create({
    data: { ...unit(0, 'AVAILABLE', null), projectId: other.id, buildingId: otherBuilding.id, code: 'Z-0101' },
  });
  await db.device.create({
    data: { projectId: project.id, kind: 'BOARD', name: 'Board', keyHash: hashDeviceKey(TEST_BOARD_KEY) },
  });
  // Price list version 1 and the demo's discounts, plans and policy (server/src/domain/demo-pricing.ts).
  await db.$transaction(async (tx) => {
    await seedPricingTerms(tx, project.id);
    await createInitialPriceList(tx, project.id);
  });
  const units = await db.unit.findMany({
    where: { projectId: project.id },
    orderBy: { code: 'asc' },
    select: { id: true, status: true },
  });
  return {
    projectId: project.id,
    otherProjectId: other.id,
    otherUnitId: otherUnit.id,
    unitIds: units.filter((u) => u.status === 'AVAILABLE').map((u) => u.id),
    pendingUnitIds: units.filter((u) => u.status === 'NOT_RELEASED').map((u) => u.id),
    pendingBatchId: pending.id,
    consultants,
  };
}
