import type { ProjectRole, Role } from '@kaipan/shared';
/**
 * Demo data, created once (idempotent): a realistic project, accounts and one board device key.
 * DEMO ONLY — the passwords and the board key below are public. Never run with KAIPAN_DEMO in production.
 */
import type { Db, Prisma } from '../infra/db.js';
import { hashPassword } from '../domain/passwords.js';
import { DEMO_BUILDINGS, DEMO_LAYOUTS, DEMO_WITHHELD } from '../domain/demo-catalog.js';
import { transitionUnit } from '../selling/unit-transitions.js';
import { hashDeviceKey } from '../services/auth-service.js';
import { generateBuildingInTx } from '../services/building-service.js';
import { createBatchInTx } from '../services/control-service.js';
import { createDevice } from '../services/device-service.js';
import { insertQueueCategory } from '../services/queue-service.js';
import { applyPriceFormulaInTx, insertLayoutInTx } from '../services/unit-setup-service.js';
import { createDemoUser } from '../services/user-service.js';
import { insertTeam, setMembershipInTx } from '../services/member-service.js';
import { createProject } from '../services/project-service.js';
import { DEMO_PLANS, DEMO_POLICY, demoDiscounts } from '../domain/demo-pricing.js';

export const DEMO_PROJECT_CODE = 'DEMO-YHF';
export const DEMO_CONSULTANTS = 200;
/**
 * Demo staff (DEMO ONLY — public passwords) and their role in the demo project; `admin` is the
 * install-level administrator (no membership needed: an administrator is a manager everywhere).
 */
export const DEMO_ACCOUNTS = {
  admin: { password: 'kaipan-admin', role: 'ADMIN', displayName: '系统管理员 Admin' },
  manager: { password: 'kaipan-manager', role: 'MANAGER', displayName: '王经理 Manager Wang' },
  cashier: { password: 'kaipan-cashier', role: 'CASHIER', displayName: '李出纳 Cashier Li' },
  finance: { password: 'kaipan-finance', role: 'FINANCE', displayName: '赵财务 Finance Zhao' },
  viewer: { password: 'kaipan-viewer', role: 'VIEWER', displayName: '孙观察 Viewer Sun' },
} as const satisfies Record<string, { password: string; role: Role; displayName: string }>;
/** Demo sales teams: consultants c001–c100 and c101–c200, each led by its first consultant. */
const DEMO_TEAMS = [
  { name: '销售一组 Team 1', from: 1, to: 100 },
  { name: '销售二组 Team 2', from: 101, to: 200 },
] as const;
/** Password of every demo consultant c001…c200. */
export const DEMO_CONSULTANT_PASSWORD = 'kaipan-demo';
/** Device key of the demo wall board. */
export const DEMO_BOARD_KEY = 'demo-board-key-7f3a9c2e5b8d1046';
/** Device key of the demo queue kiosk 排号机. */
export const DEMO_KIOSK_KEY = 'demo-kiosk-key-3b9e61c07d2a4f58';
/** Device key of the demo calling screen 叫号屏 (a CALLING device: it reads the queue, issues nothing). */
export const DEMO_CALLING_KEY = 'demo-calling-key-9c4e2a7f1b3d5086';
/** PIN of the demo queue kiosk's setup screen (DEMO ONLY; managers set a project's own PIN). */
export const DEMO_KIOSK_PIN = '246810';
/** Demo queue categories: VIP 贵宾 called before General 普通. */
export const DEMO_QUEUE_CATEGORIES = [
  { code: 'VIP', name: '贵宾', nameEn: 'VIP', prefix: 'V', priority: 0 },
  { code: 'GEN', name: '普通', nameEn: 'General', prefix: 'A', priority: 1 },
] as const;

const SURNAMES = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超'];

export function consultantName(n: number): string {
  return `${SURNAMES[n % SURNAMES.length]}${GIVEN[(n * 7) % GIVEN.length]} c${String(n).padStart(3, '0')}`;
}

export interface DemoSeedResult {
  created: boolean;
  projectId: string;
}

/**
 * Create the demo project once, through the code a real user's setup goes through, audited as the
 * system: the accounts by user-service (`createDemoUser`), the project by project-service
 * `createProject`, then in ONE transaction the members and teams (member-service), the layouts and
 * the prices by formula (unit-setup-service), the towers from their patterns (building-service), the
 * batches and their release (control-service), the VIP withhold (the selling core's
 * `transitionUnit`), the devices (device-service) and the queue categories (queue-service). A seed
 * cut short after the project was made resumes on the next start (the project has no buildings yet:
 * that transaction rolled back). Not through setup code yet, written here directly: the pricing terms
 * (rules, plans, policy), the kiosk PIN, the buyers and registrations, the receipt book and the
 * sincerity payments.
 */
export async function seedDemo(db: Db): Promise<DemoSeedResult> {
  const existing = await db.project.findUnique({
    where: { code: DEMO_PROJECT_CODE },
    select: { id: true, _count: { select: { buildings: true } } },
  });
  if (existing && existing._count.buildings > 0) {
    // Demo databases created before the queue existed get its kiosk and categories too.
    await seedDemoQueue(db, existing.id);
    // …and pricing terms (rules and plans are created only where the project has none).
    if ((await db.paymentPlanOption.count({ where: { projectId: existing.id } })) === 0) {
      await db.$transaction((tx) => seedPricingTerms(tx, existing.id));
    }
    await seedDemoCashier(db, existing.id);
    return { created: false, projectId: existing.id };
  }

  // The accounts, through user-service (createDemoUser: createUser without the password policy, which
  // the public demo passwords break on purpose — they contain the username).
  await seedDemoAccounts(db);

  // The project, as POST /api/projects makes it (the lock window and lock limit are the defaults).
  const projectId =
    existing?.id ??
    (await createProject(db, 'system', {
      code: DEMO_PROJECT_CODE,
      name: '云湖府',
      nameEn: 'Yunhu Residences',
      city: '杭州 Hangzhou',
      address: '',
      timezone: 'Asia/Shanghai',
    }));

  // Members, teams and the inventory, all or nothing, as a manager makes them in the setup area
  // (docs/setup.md, docs/buildings.md): layouts, each tower from its pattern, list prices by formula,
  // the first batch released at once, the second pending, one unit withheld for a VIP — each step the
  // setup route's own function (its `…InTx` form: the caches and the mirror are the server's, which
  // is not running yet).
  await db.$transaction(
    async (tx) => {
      await seedDemoMembers(tx, projectId);
      // The pricing policy first: the formula rounds by the project's rounding.
      await seedPricingTerms(tx, projectId);
      for (const layout of DEMO_LAYOUTS) await insertLayoutInTx(tx, 'system', projectId, layout);
      const batches = { first: [] as string[], second: [] as string[] };
      for (const b of DEMO_BUILDINGS) {
        const { building } = await generateBuildingInTx(tx, 'system', projectId, b.pattern);
        await applyPriceFormulaInTx(tx, 'system', projectId, { ...b.formula, buildingIds: [building.id] });
        const units = await tx.unit.findMany({ where: { buildingId: building.id }, select: { id: true } });
        (b.firstBatch ? batches.first : batches.second).push(...units.map((u) => u.id));
      }
      await createBatchInTx(tx, 'system', projectId, {
        name: '首批推盘 Batch 1',
        unitIds: batches.first,
        release: true,
        releaseAt: null,
      });
      await createBatchInTx(tx, 'system', projectId, {
        name: '第二批 Batch 2',
        unitIds: batches.second,
        release: false,
        releaseAt: null,
      });
      const withheld = await tx.unit.findMany({
        where: { projectId, code: { in: [...DEMO_WITHHELD.codes] } },
        select: { id: true },
      });
      for (const unit of withheld) {
        const reason = DEMO_WITHHELD.reason;
        await transitionUnit(tx, {
          projectId,
          unitId: unit.id,
          action: 'withhold',
          actor: 'system',
          withhold: { reason, channel: null },
          after: { reason },
        });
      }
      await createDevice(tx, 'system', { projectId, kind: 'BOARD', name: '大屏 Wall board 1', key: DEMO_BOARD_KEY });
      await seedDemoQueue(tx, projectId);
      await seedDemoBuyers(tx, projectId);
      await tx.auditEvent.create({
        data: {
          projectId,
          actorKind: 'system',
          actorName: 'system',
          action: 'project.seed',
          entity: 'project',
          entityId: projectId,
          after: { code: DEMO_PROJECT_CODE },
        },
      });
    },
    { timeout: 60_000 },
  );
  await seedDemoCashier(db, projectId);
  // Fresh planner statistics for the new rows, before the first storm (autovacuum may be minutes away).
  await db.$executeRawUnsafe('ANALYZE units, buildings, subscriptions');
  return { created: true, projectId };
}

/**
 * The demo accounts (DEMO_ACCOUNTS and consultants c001…c200), through user-service `createDemoUser`
 * and audited as the system. The consultants share one public password: hashed once.
 */
async function seedDemoAccounts(db: Db): Promise<void> {
  // A seed cut short resumes: accounts made by the earlier attempt are kept as they are.
  const made = new Set((await db.user.findMany({ select: { username: true } })).map((u) => u.username));
  const staff = await Promise.all(
    Object.entries(DEMO_ACCOUNTS)
      .filter(([username]) => !made.has(username))
      .map(async ([username, a]) => ({
        username,
        displayName: a.displayName,
        admin: a.role === 'ADMIN',
        publicDemoPasswordHash: await hashPassword(a.password),
      })),
  );
  const consultantHash = await hashPassword(DEMO_CONSULTANT_PASSWORD);
  const consultants = Array.from({ length: DEMO_CONSULTANTS }, (_, i) => consultantCode(i + 1))
    .filter((username) => !made.has(username))
    .map((username) => ({
      username,
      displayName: consultantName(Number(username.slice(1))),
      admin: false,
      publicDemoPasswordHash: consultantHash,
    }));
  // One transaction: one commit (fsync) for 205 accounts instead of 410.
  await db.$transaction(
    async (tx) => {
      for (const account of [...staff, ...consultants]) await createDemoUser(tx, account, 'system');
    },
    { timeout: 60_000 },
  );
}

const consultantCode = (n: number) => `c${String(n).padStart(3, '0')}`;

/**
 * Every demo account but the administrator is a member of the demo project with its role, as
 * PUT /api/projects/:projectId/members/:userId sets it; consultants c001–c100 and c101–c200 form two
 * teams, each led by its first consultant (the lead is a member before the team is made).
 */
async function seedDemoMembers(tx: Prisma.TransactionClient, projectId: string): Promise<void> {
  const users = new Map(
    (await tx.user.findMany({ select: { id: true, username: true } })).map((u) => [u.username, u.id] as const),
  );
  const idOf = (username: string) => {
    const id = users.get(username);
    if (!id) throw new Error(`demo seed: no user ${username}`);
    return id;
  };
  for (const [username, account] of Object.entries(DEMO_ACCOUNTS) as [string, { role: Role }][]) {
    if (account.role !== 'ADMIN') {
      await setMembershipInTx(tx, 'system', projectId, idOf(username), { role: account.role as ProjectRole });
    }
  }
  for (const t of DEMO_TEAMS) {
    const lead = idOf(consultantCode(t.from));
    await setMembershipInTx(tx, 'system', projectId, lead, { role: 'CONSULTANT' });
    const teamId = await insertTeam(tx, 'system', projectId, { name: t.name, leadId: lead });
    for (let n = t.from; n <= t.to; n++) {
      await setMembershipInTx(tx, 'system', projectId, idOf(consultantCode(n)), { role: 'CONSULTANT', teamId });
    }
  }
}

/** Discount rules, payment plans and the pricing policy (server/src/domain/demo-pricing.ts). */
export async function seedPricingTerms(tx: Prisma.TransactionClient, projectId: string): Promise<void> {
  await tx.project.update({ where: { id: projectId }, data: { pricingPolicy: DEMO_POLICY as object } });
  await tx.discountRule.createMany({
    data: demoDiscounts(new Date()).map(({ amountOffFen, ...d }) => ({
      projectId,
      ...d,
      ...(amountOffFen !== undefined ? { amountOffFen: BigInt(amountOffFen) } : {}),
    })),
    skipDuplicates: true,
  });
  await tx.paymentPlanOption.createMany({
    data: DEMO_PLANS.map((p) => ({ projectId, ...p, terms: p.terms as object })),
    skipDuplicates: true,
  });
}

/** Demo buyers: customers of the first consultants, most of them registered (认筹 R0001…). */
export const DEMO_CUSTOMERS = 60;
export const DEMO_REGISTRATIONS = 40;

async function seedDemoBuyers(tx: Prisma.TransactionClient, projectId: string): Promise<void> {
  const owners = await tx.user.findMany({
    where: { username: { in: Array.from({ length: 10 }, (_, i) => `c${String(i + 1).padStart(3, '0')}`) } },
    orderBy: { username: 'asc' },
    select: { id: true },
  });
  const creator = owners[0]!.id;
  const channels = ['WALK_IN', 'REFERRAL', 'ONLINE', 'ADVERTISING', 'AGENT'] as const;
  const intents = ['A', 'B', 'C'] as const;
  const demands = ['OWN_USE', 'UPGRADE', 'INVESTMENT'] as const;
  await tx.customer.createMany({
    data: Array.from({ length: DEMO_CUSTOMERS }, (_, i) => ({
      projectId,
      name: buyerName(i),
      phone: `139${String(10_000_000 + i * 7_919).slice(-8)}`,
      ownerId: owners[i % owners.length]!.id,
      intent: intents[i % intents.length],
      demand: demands[i % demands.length],
      channel: channels[i % channels.length],
      budgetMin: BigInt(2_500_000_00 + (i % 5) * 500_000_00),
      budgetMax: BigInt(3_500_000_00 + (i % 5) * 500_000_00),
      preferredLayouts: i % 2 ? ['A', 'C'] : ['B', 'D'],
      status: i < DEMO_REGISTRATIONS ? ('INTERESTED' as const) : ('POTENTIAL' as const),
      // A few buyers hold identity discounts (员工 / 老业主).
      identityTags: i % 10 === 3 ? ['staff'] : i % 10 === 7 ? ['returning-owner'] : [],
    })),
  });
  const customers = await tx.customer.findMany({
    where: { projectId },
    orderBy: { phone: 'asc' },
    select: { id: true },
  });
  await tx.registration.createMany({
    data: customers.slice(0, DEMO_REGISTRATIONS).map((c, i) => ({
      projectId,
      customerId: c.id,
      number: i + 1,
      unitsAllowed: 1,
      createdById: creator,
    })),
  });
  await tx.project.update({ where: { id: projectId }, data: { registrationCounter: DEMO_REGISTRATIONS } });
}

const BUYER_SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭'];
const BUYER_GIVEN = [
  '建国',
  '丽华',
  '晓明',
  '海燕',
  '志强',
  '静',
  '磊',
  '婷',
  '伟',
  '芳',
  '军',
  '敏',
  '洋',
  '霞',
  '涛',
  '琳',
];

function buyerName(i: number): string {
  return `${BUYER_SURNAMES[i % BUYER_SURNAMES.length]}${BUYER_GIVEN[(i * 5 + Math.floor(i / BUYER_SURNAMES.length) * 3 + 3) % BUYER_GIVEN.length]}`;
}

/**
 * The demo queue kiosk and calling screen devices (device-service), the kiosk's setup PIN (unless one
 * is set) and the two queue categories (queue-service `insertQueueCategory`), idempotent.
 */
async function seedDemoQueue(
  db: Pick<Db, 'device' | 'queueCategory' | 'project' | 'auditEvent'>,
  projectId: string,
): Promise<void> {
  const pinHash = await hashPassword(DEMO_KIOSK_PIN);
  await db.project.updateMany({ where: { id: projectId, kioskPinHash: null }, data: { kioskPinHash: pinHash } });
  const demoDevices = [
    { kind: 'KIOSK', name: '排号机 Queue kiosk 1', key: DEMO_KIOSK_KEY },
    { kind: 'CALLING', name: '叫号屏 Calling screen 1', key: DEMO_CALLING_KEY },
  ] as const;
  for (const d of demoDevices) {
    const exists = await db.device.count({ where: { keyHash: hashDeviceKey(d.key) } });
    if (exists === 0) await createDevice(db, 'system', { projectId, ...d });
  }
  for (const c of DEMO_QUEUE_CATEGORIES) {
    const exists = await db.queueCategory.count({ where: { projectId, code: c.code } });
    if (exists === 0) await insertQueueCategory(db, 'system', projectId, c);
  }
}

/** The demo cashier's receipt book (KP2026-000001…). */
export const DEMO_RECEIPT_PREFIX = 'KP2026-';
/** Sincerity deposit 诚意金 each demo registration R0001–R0030 paid before launch, fen (¥20,000). */
export const DEMO_SINCERITY_FEN = 2_000_000;
/**
 * Registrations R0001…R0030 paid the sincerity deposit: recorded below as the cashier's payments with
 * receipts — "deposit held" is derived from those, never a flag.
 */
export const DEMO_SINCERITY_PAID = 30;

/**
 * The cashier's side of the demo (idempotent): one ACTIVE receipt book for the demo cashier, and the
 * sincerity deposits of registrations R0001–R0030, collected the day before, numbered KP2026-000001…
 * from that book. These payments are what makes those households hold their deposit.
 */
async function seedDemoCashier(db: Db, projectId: string): Promise<void> {
  const cashier = await db.user.findUnique({ where: { username: 'cashier' }, select: { id: true } });
  const creator = await db.user.findUnique({ where: { username: 'manager' }, select: { id: true } });
  if (!cashier || !creator) return;
  await db.$transaction(
    async (tx) => {
      await tx.projectMember.createMany({
        data: [{ projectId, userId: cashier.id, role: 'CASHIER' }],
        skipDuplicates: true,
      });
      let book = await tx.receiptBook.findFirst({
        where: { projectId, cashierId: cashier.id, prefix: DEMO_RECEIPT_PREFIX },
      });
      if (!book) {
        if (await tx.receiptBook.count({ where: { projectId, cashierId: cashier.id, status: 'ACTIVE' } })) return;
        book = await tx.receiptBook.create({
          data: {
            projectId,
            prefix: DEMO_RECEIPT_PREFIX,
            firstNumber: 1,
            lastNumber: 999_999,
            nextNumber: 1,
            digits: 6,
            cashierId: cashier.id,
            createdById: creator.id,
          },
        });
      }
      if (await tx.payment.count({ where: { projectId, kind: 'SINCERITY' } })) return;
      const registrations = await tx.registration.findMany({
        where: { projectId, number: { lte: DEMO_SINCERITY_PAID } },
        orderBy: { number: 'asc' },
        select: { id: true, number: true, customer: { select: { name: true, phone: true } } },
      });
      if (registrations.length === 0 || book.nextNumber !== book.firstNumber) return;
      // Collected the day before (business dates are Asia/Shanghai days; the demo project's zone).
      const yesterday = new Date(Date.now() - 24 * 3600_000);
      const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(yesterday);
      const start = new Date(`${day}T02:00:00.000Z`); // 10:00 in Shanghai
      for (const [i, r] of registrations.entries()) {
        const number = book.firstNumber + i;
        const at = new Date(start.getTime() + i * 7 * 60_000);
        const wallet = i % 3 === 1;
        const payment = await tx.payment.create({
          data: {
            projectId,
            kind: 'SINCERITY',
            amount: BigInt(DEMO_SINCERITY_FEN),
            payerName: r.customer.name,
            payerPhone: r.customer.phone,
            registrationId: r.id,
            idempotencyKey: `demo-sincerity-R${String(r.number).padStart(4, '0')}`,
            cashierId: cashier.id,
            businessDate: new Date(`${day}T00:00:00.000Z`),
            createdAt: at,
            lines: {
              create: [
                wallet
                  ? {
                      method: 'WECHAT',
                      amount: BigInt(DEMO_SINCERITY_FEN),
                      reference: `WX${day.replace(/-/g, '')}${String(number).padStart(4, '0')}`,
                    }
                  : { method: 'CASH', amount: BigInt(DEMO_SINCERITY_FEN) },
              ],
            },
          },
        });
        await tx.receipt.create({
          data: {
            projectId,
            bookId: book.id,
            number,
            label: `${book.prefix}${String(number).padStart(book.digits, '0')}`,
            paymentId: payment.id,
            issuedAt: at,
            printCount: 1,
          },
        });
      }
      await tx.receiptBook.update({
        where: { id: book.id },
        data: { nextNumber: book.firstNumber + registrations.length },
      });
      await tx.auditEvent.create({
        data: {
          projectId,
          actorKind: 'system',
          actorName: 'system',
          action: 'cashier.seed',
          entity: 'receipt_book',
          entityId: book.id,
          after: { sincerityPayments: registrations.length, amountEach: DEMO_SINCERITY_FEN, businessDate: day },
        },
      });
    },
    { timeout: 60_000 },
  );
}
