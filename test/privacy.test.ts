/**
 * Privacy (docs/privacy.md, shared/src/privacy.ts): one rule for who sees a buyer's name, phone and
 * ID number, applied to every response, export, document and hub event — tested per principal.
 *
 * The project is seeded with buyers of known phones and resident ID numbers: customers owned by two
 * consultants, a pool customer, registrations, deals (registered and walk-in), a buyer change, a
 * price approval, payments with receipts, documents, queue tickets, a lottery and a cancelled deal.
 * Every principal — the owner consultant, the other consultant, manager, admin, cashier, the board
 * and kiosk device keys, and anonymous — holds a live socket while that happens; then every GET
 * route the server registered is called as every principal, and every raw answer (JSON, CSV, XLSX,
 * PDF text) and every hub event received is scanned for a phone, ID number or name the principal
 * may not see. A GET route the crawl cannot fill fails the test: a new route cannot slip past.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { io as ioClient, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  QUEUE_NAMESPACE,
  maskIdNumber,
  maskPhone,
  maskName,
  type ChangeRequestInfo,
  type ConfirmResult,
  type CustomerInfo,
  type DocumentInfo,
  type DocumentJobInfo,
  type LockResult,
  type LotteryDrawInfo,
  type PaymentInfo,
  type PriceApprovalInfo,
  type PricingTerms,
  type ReceiptBookInfo,
  type RegistrationInfo,
  type RegistrationOverview,
  type ReportJob,
  type TakeTicketResult,
  type VerifyResult,
} from '@kaipan/shared';
import { hashPassword } from '../server/src/domain/passwords.js';
import { hashDeviceKey } from '../server/src/services/auth-service.js';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { TEST_BOARD_KEY, TEST_PASSWORD } from './support/fixture.js';
import { waitFor } from './support/wait.js';

const run = promisify(execFile);
const KIOSK_KEY = 'test-kiosk-key-privacy-0123456789ab';

const PRINCIPALS = [
  's001',
  's002',
  'manager',
  'admin',
  'cashier',
  'finance',
  'viewer',
  'board',
  'kiosk',
  'anonymous',
] as const;
type Who = (typeof PRINCIPALS)[number];
/** finance and viewer: members of the project with those roles (FINANCE reads money, VIEWER sees the sale). */
const USERS = ['s001', 's002', 'manager', 'admin', 'cashier', 'finance', 'viewer'] as const;
type UserName = (typeof USERS)[number];
const SEES_EVERY_PHONE: readonly Who[] = ['manager', 'admin', 'cashier'];
const SEES_EVERY_MASKED_ID: readonly Who[] = ['manager', 'admin', 'cashier', 'finance'];
/** A VIEWER sees names masked only. */
const SEES_NAMES = (w: Who): boolean => IS_USER(w) && w !== 'viewer';
const IS_USER = (w: Who): boolean => (USERS as readonly string[]).includes(w);

/** A valid 18-character resident ID (GB 11643 check digit) ending in `seq`. */
function residentId(seq: string): string {
  const body = `11010119900307${seq.padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(body[i]) * weights[i]!;
  return body + '10X98765432'[sum % 11]!;
}

interface Person {
  key: string;
  /** The consultant whose buyer this is (owner of the customer or maker of the deal); null: the pool / nobody. */
  owner: 's001' | 's002' | null;
  names: string[];
  phones: string[];
  ids: string[];
}

// Distinct last four digits everywhere, so masked forms (138****0011) tell the buyers apart too.
const A: Person = {
  key: 'A (s001 customer, registered, deal)',
  owner: 's001',
  names: ['欧阳青青', '林小红红'],
  phones: ['13811110011', '13811110012'],
  ids: [residentId('101')],
};
const B: Person = {
  key: 'B (s002 customer, registered, deal)',
  owner: 's002',
  names: ['司马芳芳', '万白白白'],
  phones: ['13822220020', '13822220021', '13822220022'],
  ids: [residentId('202')],
};
const P: Person = {
  key: 'P (pool customer, registered)',
  owner: null,
  names: ['诸葛明明', '钱亮亮亮'],
  phones: ['13833330031', '13833330032'],
  ids: [residentId('303')],
};
const W: Person = {
  key: 'W (s002 walk-in buyer)',
  owner: 's002',
  names: ['上官婷婷'],
  phones: ['13844440041'],
  ids: [],
};
const N: Person = {
  key: 'N (new buyer of s002 deal, 更名)',
  owner: 's002',
  names: ['皇甫强强'],
  phones: ['13855550051'],
  ids: [],
};
const S: Person = {
  key: 'S (s002 staff-identity customer, approval)',
  owner: 's002',
  names: ['东方亮亮'],
  phones: ['13877770071'],
  ids: [],
};
const X: Person = {
  key: 'X (s001 walk-in, cancelled by the deposit rule)',
  owner: 's001',
  names: ['令狐冲冲'],
  phones: ['13899990081'],
  ids: [],
};
const Q: Person = { key: 'Q (queue number only)', owner: null, names: [], phones: ['13866660061'], ids: [] };
const PEOPLE = [A, B, P, W, N, S, X, Q];

/** The clear ID number travels to managers through the audited reveal endpoint, nowhere else. */
const REVEAL_ROUTE = '/api/customers/:customerId/id-number';

interface Secret {
  text: string;
  what: string;
  allowed(who: Who, route: string): boolean;
}

const SECRETS: Secret[] = PEOPLE.flatMap((p) => [
  ...p.phones.flatMap((phone) => [
    {
      text: phone,
      what: `clear phone of ${p.key}`,
      allowed: (w: Who) => SEES_EVERY_PHONE.includes(w) || w === p.owner,
    },
    { text: maskPhone(phone), what: `masked phone of ${p.key}`, allowed: (w: Who) => IS_USER(w) },
  ]),
  ...p.ids.flatMap((id) => [
    {
      text: id,
      what: `clear ID number of ${p.key}`,
      allowed: (w: Who, route: string) => (w === 'manager' || w === 'admin') && route === REVEAL_ROUTE,
    },
    {
      text: maskIdNumber(id),
      what: `masked ID number of ${p.key}`,
      allowed: (w: Who) => SEES_EVERY_MASKED_ID.includes(w) || w === p.owner,
    },
  ]),
  ...p.names.flatMap((name) => [
    { text: name, what: `name of ${p.key}`, allowed: (w: Who) => SEES_NAMES(w) },
    { text: maskName(name), what: `masked name of ${p.key}`, allowed: (w: Who) => w !== 'anonymous' },
  ]),
]);

/** What `who` may not see that `text` holds (whitespace ignored: PDF text breaks lines anywhere). */
function leaks(who: Who, route: string, text: string): string[] {
  const flat = text.replace(/\s+/g, '');
  return SECRETS.filter((s) => !s.allowed(who, route) && flat.includes(s.text)).map((s) => s.what);
}

let server: TestServer;
let pid: string;
let tmp: string;
const token = {} as Record<UserName, string>;
const userId = {} as Record<UserName, string>;
const ids = {
  customers: {} as Record<'A' | 'B' | 'P' | 'S', string>,
  registrations: {} as Record<'A' | 'B' | 'P', string>,
  subscriptions: {} as Record<'A' | 'B' | 'W' | 'X', string>,
  units: {} as Record<'A' | 'B' | 'W' | 'X' | 'S', string>,
  payments: [] as string[],
  receipts: [] as string[],
  documents: [] as DocumentInfo[],
  approvalId: '',
  changeRequestId: '',
  drawId: '',
  tickets: [] as TakeTicketResult[],
  /** A screen waiting to be paired (GET /api/pairings/:code). */
  pairingCode: '',
  /** Finished report jobs (docs/reports.md): a manager's and finance's. */
  reportJobs: [] as string[],
};
const heard = new Map<Who, { event: string; payload: unknown }[]>();
const sockets: Socket[] = [];
const violations: string[] = [];

function headersOf(who: Who): Record<string, string> {
  if (who === 'board') return { 'x-device-key': TEST_BOARD_KEY };
  if (who === 'kiosk') return { 'x-device-key': KIOSK_KEY };
  if (who === 'anonymous') return {};
  return { authorization: `Bearer ${token[who]}` };
}

const until = (cond: () => boolean, what: string) => waitFor(() => (cond() ? true : undefined), what, 15_000);
const call = <T>(who: UserName, method: string, p: string, body?: unknown) =>
  http<T>(server.url, method, p, token[who], body);
async function ok<T>(who: UserName, method: string, p: string, body?: unknown): Promise<T> {
  const res = await call<T>(who, method, p, body);
  if (res.status >= 300) throw new Error(`${who} ${method} ${p}: ${res.status} ${JSON.stringify(res.body)}`);
  // The answers of the writes are responses too: scanned as their caller.
  for (const leak of leaks(who, `${method} ${p}`, JSON.stringify(res.body)))
    violations.push(`${who} ${method} ${p}: ${leak}`);
  return res.body;
}

async function hubOf(who: Who): Promise<HubClient> {
  const socket = await server.connect(
    who === 'board'
      ? { deviceKey: TEST_BOARD_KEY }
      : who === 'kiosk'
        ? { deviceKey: KIOSK_KEY }
        : { token: token[who as UserName] },
  );
  const log: { event: string; payload: unknown }[] = [];
  heard.set(who, log);
  socket.onAny((event: string, payload: unknown) => log.push({ event, payload }));
  const joined = await emitAck(socket, 'project:join', { projectId: pid });
  if (!joined.ok) throw new Error(`${who} join: ${JSON.stringify(joined)}`);
  log.push({ event: 'project:join (ack)', payload: joined.data });
  return socket;
}

async function lockAndConfirm(
  socket: HubClient,
  unitId: string,
  extra: Record<string, unknown>,
  registrationId?: string,
): Promise<string> {
  const lock = await emitAck<LockResult>(socket, 'unit:lock', {
    unitId,
    ...(registrationId ? { registrationId } : {}),
  });
  if (!lock.ok) throw new Error(`lock: ${JSON.stringify(lock)}`);
  const confirm = await emitAck<ConfirmResult>(socket, 'unit:confirm', { unitId, token: lock.data.token, ...extra });
  if (!confirm.ok) throw new Error(`confirm: ${JSON.stringify(confirm)}`);
  return confirm.data.subscriptionId;
}

async function render(who: UserName, body: object): Promise<DocumentInfo> {
  let info = await ok<DocumentJobInfo>(who, 'POST', '/api/documents', body);
  const deadline = Date.now() + 60_000;
  while (info.state !== 'completed' && info.state !== 'failed') {
    if (Date.now() > deadline) throw new Error(`document job ${info.jobId} still ${info.state}`);
    await new Promise((r) => setTimeout(r, 100));
    info = await ok<DocumentJobInfo>(who, 'GET', `/api/document-jobs/${info.jobId}`);
  }
  if (!info.document) throw new Error(`render failed: ${JSON.stringify(info.error)}`);
  return info.document;
}

/** The text a person would read in a raw answer: JSON/CSV as is, PDF through pdftotext, XLSX cell by cell. */
async function readable(res: Response): Promise<string> {
  const type = res.headers.get('content-type') ?? '';
  const bytes = Buffer.from(await res.arrayBuffer());
  if (type.includes('application/pdf')) {
    const file = path.join(tmp, `${randomUUID()}.pdf`);
    await fs.writeFile(file, bytes);
    return (await run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'])).stdout;
  }
  if (type.includes('spreadsheetml')) {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const cells: string[] = [];
    book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((c) => cells.push(String(c.text)))));
    return cells.join('\n');
  }
  return bytes.toString('utf8');
}

beforeAll(async () => {
  server = await startTestServer({ units: 16, consultants: 2 });
  pid = server.fixture.projectId;
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kaipan-privacy-'));
  await server.db.device.create({
    data: { projectId: pid, kind: 'KIOSK', name: 'Kiosk', keyHash: hashDeviceKey(KIOSK_KEY) },
  });
  for (const [username, role] of [
    ['finance', 'FINANCE'],
    ['viewer', 'VIEWER'],
  ] as const) {
    const user = await server.db.user.create({
      data: { username, displayName: username, passwordHash: await hashPassword(TEST_PASSWORD) },
    });
    await server.db.projectMember.create({ data: { projectId: pid, userId: user.id, role } });
  }
  for (const u of USERS) {
    const login = await server.login(u);
    token[u] = login.token;
    userId[u] = login.user.id;
  }
  expect(new Set(SECRETS.map((s) => s.text)).size).toBe(SECRETS.length);

  // Every principal listens from the start (the anonymous buyer page joins once it has a ticket).
  const hubs = {} as Record<Exclude<Who, 'anonymous'>, HubClient>;
  for (const who of PRINCIPALS) if (who !== 'anonymous') hubs[who] = await hubOf(who);

  // Customers: A (s001), B (s002; created with another phone, then corrected: the audit holds both), P (pool), S (staff identity, s002).
  const customer = async (who: UserName, body: object) =>
    (await ok<CustomerInfo>(who, 'POST', `/api/projects/${pid}/customers`, body)).id;
  ids.customers.A = await customer('s001', {
    name: A.names[0],
    phone: A.phones[0],
    idNumber: A.ids[0],
    coBuyers: [{ name: A.names[1], phone: A.phones[1], relation: '配偶' }],
  });
  ids.customers.B = await customer('s002', {
    name: B.names[0],
    phone: B.phones[0],
    idNumber: B.ids[0],
    coBuyers: [{ name: B.names[1], phone: B.phones[2], relation: '父母' }],
  });
  const bFixed = await ok<CustomerInfo>('s002', 'PATCH', `/api/customers/${ids.customers.B}`, {
    version: 1,
    phone: B.phones[1],
  });
  expect(bFixed.phone).toBe(B.phones[1]);
  ids.customers.P = await customer('manager', {
    name: P.names[0],
    phone: P.phones[0],
    idNumber: P.ids[0],
    coBuyers: [{ name: P.names[1], phone: P.phones[1] }],
    ownerId: null,
  });
  ids.customers.S = await customer('s002', { name: S.names[0], phone: S.phones[0] });
  await server.db.customer.update({ where: { id: ids.customers.S }, data: { identityTags: ['staff'] } });

  // Registrations 认筹.
  const register = async (who: UserName, customerId: string) =>
    (await ok<RegistrationInfo>(who, 'POST', `/api/projects/${pid}/registrations`, { customerId })).id;
  ids.registrations.A = await register('s001', ids.customers.A);
  ids.registrations.B = await register('s002', ids.customers.B);
  ids.registrations.P = await register('manager', ids.customers.P);

  // Deals: A's and B's registered, W walk-in (s002), X walk-in (s001) that the deposit rule will cancel.
  const units = server.fixture.unitIds;
  [ids.units.A, ids.units.B, ids.units.W, ids.units.X, ids.units.S] = [
    units[0]!,
    units[1]!,
    units[2]!,
    units[3]!,
    units[4]!,
  ];
  ids.subscriptions.A = await lockAndConfirm(hubs.s001, ids.units.A, {}, ids.registrations.A);
  ids.subscriptions.B = await lockAndConfirm(hubs.s002, ids.units.B, {}, ids.registrations.B);
  ids.subscriptions.W = await lockAndConfirm(hubs.s002, ids.units.W, {
    buyer: { name: W.names[0], phone: W.phones[0] },
  });
  ids.subscriptions.X = await lockAndConfirm(hubs.s001, ids.units.X, {
    buyer: { name: X.names[0], phone: X.phones[0] },
  });

  // A below-floor price approval for S (s002), decided by the manager (approval:changed).
  const terms: PricingTerms = await server.kaipan.services.pricing.terms(pid);
  const rule = (code: string) => terms.discounts.find((d) => d.code === code)!.id;
  const lockS = await emitAck<LockResult>(hubs.s002, 'unit:lock', { unitId: ids.units.S });
  if (!lockS.ok) throw new Error(JSON.stringify(lockS));
  const approval = await ok<PriceApprovalInfo>('s002', 'POST', `/api/units/${ids.units.S}/price-approvals`, {
    token: lockS.data.token,
    buyer: { name: S.names[0], phone: S.phones[0] },
    note: 'staff purchase',
    planId: terms.plans.find((p) => p.code === 'LUMP')!.id,
    discountIds: [rule('OPEN99'), rule('STAFF97'), rule('PROMO10K'), rule('LUMP98')],
  });
  ids.approvalId = approval.id;
  await ok('manager', 'POST', `/api/price-approvals/${approval.id}/decision`, { approve: false, note: 'no' });

  // 更名: s002 asks to put W's deal in N's name; the manager approves (change:changed twice).
  const change = await ok<ChangeRequestInfo>('s002', 'POST', '/api/change-requests', {
    kind: 'BUYER_CHANGE',
    subscriptionId: ids.subscriptions.W,
    buyer: { name: N.names[0], phone: N.phones[0] },
    reason: `改名，原电话 ${W.phones[0]}`,
  });
  ids.changeRequestId = change.id;
  await ok('manager', 'POST', `/api/change-requests/${change.id}/decision`, { approve: true });

  // Money: a receipt book for the cashier; sincerity for B's registration, deposits for A's and W's deals.
  await ok<ReceiptBookInfo>('manager', 'POST', `/api/projects/${pid}/receipt-books`, {
    prefix: 'PV',
    firstNumber: 1,
    lastNumber: 999,
    digits: 6,
    cashierId: userId.cashier,
  });
  const pay = async (body: object) => {
    const p = await ok<PaymentInfo>('cashier', 'POST', `/api/projects/${pid}/payments`, {
      idempotencyKey: randomUUID(),
      lines: [{ method: 'CASH', amount: 50_000_00 }],
      ...body,
    });
    ids.payments.push(p.id);
    if (p.receipt) ids.receipts.push(p.receipt.id);
    return p;
  };
  await pay({ kind: 'SINCERITY', registrationId: ids.registrations.B });
  await pay({ kind: 'DEPOSIT', subscriptionId: ids.subscriptions.A });
  await pay({ kind: 'DEPOSIT', subscriptionId: ids.subscriptions.W });

  // Documents: receipts, both 认购书, a purchase plan, and a closed day's 日结.
  for (const receiptId of ids.receipts)
    ids.documents.push(await render('cashier', { kind: 'RECEIPT', entityId: receiptId }));
  ids.documents.push(await render('s001', { kind: 'AGREEMENT', entityId: ids.subscriptions.A }));
  ids.documents.push(await render('s002', { kind: 'AGREEMENT', entityId: ids.subscriptions.W }));
  ids.documents.push(await render('cashier', { kind: 'AGREEMENT', entityId: ids.subscriptions.B }));
  ids.documents.push(await render('s001', { kind: 'PURCHASE_PLAN', entityId: units[8]! }));

  // Queue: the kiosk issues numbers (A's phone, a phone nobody registered); the manager calls one.
  await ok('manager', 'POST', `/api/projects/${pid}/queue/categories`, {
    code: 'GEN',
    name: '普通',
    nameEn: 'General',
    prefix: 'A',
  });
  for (const phone of [A.phones[0], Q.phones[0]]) {
    const res = await http<TakeTicketResult>(
      server.url,
      'POST',
      `/api/projects/${pid}/queue/tickets`,
      undefined,
      { category: 'GEN', phone },
      { 'x-device-key': KIOSK_KEY },
    );
    expect(res.status).toBe(201);
    for (const leak of leaks('kiosk', 'POST queue/tickets', JSON.stringify(res.body)))
      violations.push(`kiosk POST queue/tickets: ${leak}`);
    ids.tickets.push(res.body);
  }
  const buyer = ioClient(`${server.url}${QUEUE_NAMESPACE}`, {
    auth: { ticketToken: ids.tickets[0]!.token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  sockets.push(buyer);
  const buyerLog: { event: string; payload: unknown }[] = [];
  heard.set('anonymous', buyerLog);
  buyer.onAny((event: string, payload: unknown) => buyerLog.push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    buyer.once('connect', () => resolve());
    buyer.once('connect_error', reject);
  });
  await ok('manager', 'POST', `/api/projects/${pid}/queue/call-next`, { count: 1 });
  await until(() => buyerLog.some((e) => e.event === 'ticket:changed'), 'the buyer page hears its call');

  // A lottery 摇号 over the active registrations, drawn (lottery:drawn).
  const draw = await ok<LotteryDrawInfo>('manager', 'POST', `/api/projects/${pid}/lotteries`, {
    title: '摇号',
    eligible: 'ALL_ACTIVE',
  });
  ids.drawId = draw.id;
  await ok('manager', 'POST', `/api/lotteries/${draw.id}/draw`, {});

  // The deposit rule cancels X's deal (subscription:cancelled to s001 and the managers).
  await server.db.subscription.update({
    where: { id: ids.subscriptions.X },
    data: { depositDueAt: new Date(Date.now() - 60_000) },
  });
  expect((await server.kaipan.services.cashier.deposits.enforce(ids.subscriptions.X)).outcome).toBe('cancelled');
  await until(
    () => heard.get('s001')!.some((e) => e.event === 'subscription:cancelled'),
    's001 hears the cancellation',
  );

  // The cashier closes the day: its 日结 document.
  const today = (await ok<{ businessDate: string }>('cashier', 'GET', `/api/projects/${pid}/day-end`)).businessDate;
  const closed = await ok<{ dayCloseId: string }>('cashier', 'POST', `/api/projects/${pid}/day-end/close`, {
    date: today,
  });
  ids.documents.push(await render('cashier', { kind: 'DAY_END', entityId: closed.dayCloseId }));

  // A screen waiting for a manager to pair it.
  ids.pairingCode = (await server.kaipan.services.pairing.start('BOARD')).code;

  // Report jobs, finished: the manager's subscriptions (full phones) and finance's payments (masked).
  for (const [who, kind] of [
    ['manager', 'subscriptions'],
    ['finance', 'payments'],
  ] as const) {
    const job = await ok<ReportJob>(who, 'POST', `/api/projects/${pid}/reports/${kind}/jobs`, {});
    await waitFor(
      async () =>
        (await ok<ReportJob>(who, 'GET', `/api/projects/${pid}/report-jobs/${job.jobId}`)).state === 'done'
          ? true
          : undefined,
      `the ${kind} report job`,
    );
    ids.reportJobs.push(job.jobId);
  }

  // Let the last frames reach every screen.
  await until(
    () =>
      heard.get('board')!.some((e) => e.event === 'units:changed' && JSON.stringify(e.payload).includes(ids.units.X)),
    'the board sees X return',
  );
  await new Promise((r) => setTimeout(r, 300));
}, 240_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await server?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

// ── The crawl ─────────────────────────────────────────────────────────────────────────────────

/** Values for each path parameter of the API (a route with a parameter not here fails the test). */
function paramValues(): Record<string, string[]> {
  return {
    projectId: [pid],
    customerId: Object.values(ids.customers),
    registrationId: Object.values(ids.registrations),
    subscriptionId: Object.values(ids.subscriptions),
    unitId: Object.values(ids.units),
    paymentId: ids.payments,
    receiptId: ids.receipts,
    documentId: ids.documents.map((d) => d.id),
    jobId: ids.documents.map((d) => `current-${d.id}`),
    reportJobId: ids.reportJobs,
    approvalId: [ids.approvalId],
    drawId: [ids.drawId],
    priceListId: [],
    ticketId: ids.tickets.map((t) => t.ticket.id),
    userId: Object.values(userId),
    token: ids.tickets.map((t) => t.token),
    code: [ids.pairingCode],
    '*': ids.documents.map((d) => d.id),
  };
}

/** Query strings a route needs (or that widen what it returns). */
function queriesFor(url: string): string[] {
  const cashierDay = [``, `?cashierId=${userId.cashier}`];
  const byUrl: Record<string, string[]> = {
    '/api/projects/:projectId/cashier/lookup': [
      A.phones[0]!,
      B.phones[1]!,
      W.phones[0]!,
      N.phones[0]!,
      'R0001',
      'R0002',
      'A001',
      ids.tickets[1]!.ticket.label,
    ].map((q) => `?q=${encodeURIComponent(q)}`),
    '/api/projects/:projectId/day-end': cashierDay,
    '/api/projects/:projectId/day-end.csv': cashierDay,
    '/api/projects/:projectId/audit': ['?limit=200'],
    '/api/projects/:projectId/deals': ['?limit=200'],
    '/api/projects/:projectId/units/export': ['?format=xlsx', '?format=csv'],
    '/api/projects/:projectId/units/template': ['?format=xlsx', '?format=csv'],
    '/api/projects/:projectId/customers': ['?limit=200', '?owner=pool&limit=200'],
    // The launch replay: the last day of the record (a replay carries unit states, never a buyer).
    '/api/projects/:projectId/replay': [`?from=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}`],
  };
  return byUrl[url] ?? [''];
}

/** Expand a route pattern into concrete paths (one parameter varies at a time; the others take their first value). */
function pathsOf(url: string, values: Record<string, string[]>): { paths: string[]; missing: string[] } {
  // The ticket PDF's token goes with its ticket.
  if (url === '/api/queue/tickets/:ticketId/pdf')
    return { paths: ids.tickets.map((t) => `/api/queue/tickets/${t.ticket.id}/pdf?token=${t.token}`), missing: [] };
  const names = [...url.matchAll(/:([A-Za-z]+)|\*/g)].map((m) => m[1] ?? '*');
  const missing = names.filter((n) => !values[n]?.length);
  if (missing.length > 0) return { paths: [], missing };
  const fill = (n: string, v: string, p: string): string =>
    n === '*' ? p.replace('*', encodeURIComponent(v)) : p.replace(`:${n}`, encodeURIComponent(v));
  const paths = new Set<string>();
  for (const varying of names.length ? names : ['']) {
    for (const v of varying ? values[varying]! : ['']) {
      let p = url;
      for (const n of names) p = fill(n, n === varying ? v : values[n]![0]!, p);
      for (const q of queriesFor(url)) paths.add(p + q);
    }
  }
  return { paths: [...paths], missing: [] };
}

/** Public routes answer the same whoever asks (and are rate limited per address): called once, as anonymous. */
const isPublic = (url: string): boolean => url.startsWith('/api/public/') || url === '/api/queue/tickets/:ticketId/pdf';

async function fetchAs(who: Who, p: string): Promise<Response> {
  for (let attempt = 0; ; attempt += 1) {
    const res = await fetch(`${server.url}${p}`, { headers: headersOf(who) });
    if (res.status !== 429 || attempt > 20) return res;
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Routes that need more than ids to answer 200 for someone; each with why it is still crawled safely.
 * A 202 (PDF still rendering) is an answer too.
 */
const NO_SUCCESS_NEEDED: Record<string, string> = {};

describe('every GET route, as every principal', () => {
  it('never answers a phone, ID number or name the caller may not see', async () => {
    const values = paramValues();
    const priceList = await server.db.priceList.findFirst({ where: { projectId: pid }, select: { id: true } });
    values.priceListId = priceList ? [priceList.id] : [];
    const routes = server.kaipan.routes.filter((r) => r.method === 'GET' && r.url.startsWith('/api/'));
    expect(routes.length).toBeGreaterThan(50);
    const unfillable: string[] = [];
    const neverAnswered: string[] = [];
    let calls = 0;
    for (const route of routes) {
      const { paths, missing } = pathsOf(route.url, values);
      if (missing.length > 0) {
        unfillable.push(`${route.url} (no value for ${missing.join(', ')})`);
        continue;
      }
      let answered = false;
      for (const who of isPublic(route.url) ? (['anonymous'] as const) : PRINCIPALS) {
        for (const p of paths) {
          const res = await fetchAs(who, p);
          calls += 1;
          if (res.status >= 200 && res.status < 300) answered = true;
          const text = await readable(res);
          for (const leak of leaks(who, route.url, text)) violations.push(`${who} GET ${p} (${res.status}): ${leak}`);
        }
      }
      if (!answered && !NO_SUCCESS_NEEDED[route.url]) neverAnswered.push(route.url);
    }
    expect(
      unfillable,
      'GET routes the privacy crawl cannot call: give their parameters values in paramValues()',
    ).toEqual([]);
    expect(neverAnswered, 'GET routes nobody got a 2xx from: the crawl scanned only refusals').toEqual([]);
    expect(calls).toBeGreaterThan(300);
    expect(violations).toEqual([]);
  }, 300_000);
});

describe('hub events, per principal', () => {
  it('every socket heard the scenario, and nothing it may not see', () => {
    const found: string[] = [];
    for (const who of PRINCIPALS) {
      const log = heard.get(who) ?? [];
      // Each screen really followed the scenario (a silent socket would prove nothing).
      expect(log.length, `${who} heard nothing`).toBeGreaterThan(1);
      for (const e of log)
        for (const leak of leaks(who, `hub ${e.event}`, JSON.stringify(e.payload)))
          found.push(`${who} heard ${e.event}: ${leak}`);
    }
    const events = (who: Who) => new Set((heard.get(who) ?? []).map((e) => e.event));
    expect(events('board')).toContain('units:changed');
    expect(events('kiosk')).toContain('queue:changed');
    expect(events('manager')).toContain('change:changed');
    expect(events('s002')).toContain('change:changed');
    expect(events('s002')).toContain('approval:changed');
    expect(events('s001')).toContain('subscription:cancelled');
    expect(events('anonymous')).toContain('ticket:changed');
    expect(found).toEqual([]);
  });
});

// ── Focused ─────────────────────────────────────────────────────────────────────────────────────

describe('registrations 认筹', () => {
  it('a consultant lists the registrations of the customers they own; the oversubscription figures stay project-wide', async () => {
    const mine = await call<RegistrationOverview>('s001', 'GET', `/api/projects/${pid}/registrations`);
    const all = await call<RegistrationOverview>('manager', 'GET', `/api/projects/${pid}/registrations`);
    expect(mine.status).toBe(200);
    expect(mine.body.registrations.map((r) => r.id)).toEqual([ids.registrations.A]);
    expect(mine.body.registrations[0]!.customer.phone).toBe(A.phones[0]);
    expect(all.body.registrations.map((r) => r.id).sort()).toEqual(Object.values(ids.registrations).sort());
    expect(all.body.registrations.find((r) => r.id === ids.registrations.B)!.customer.phone).toBe(B.phones[1]);
    for (const k of ['activeCount', 'entitledUnits', 'availableUnits', 'oversubscribed'] as const)
      expect(mine.body[k]).toEqual(all.body[k]);
  });

  it('another consultant’s registration by id is FORBIDDEN (as its customer is); a pool one shows a masked phone', async () => {
    const foreign = await call<{ error: { code: string } }>('s001', 'GET', `/api/registrations/${ids.registrations.B}`);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('FORBIDDEN');
    expect((await call('s001', 'GET', `/api/customers/${ids.customers.B}`)).status).toBe(403);
    const pool = await call<RegistrationInfo>('s001', 'GET', `/api/registrations/${ids.registrations.P}`);
    expect(pool.status).toBe(200);
    expect(pool.body.customer.phone).toBe(maskPhone(P.phones[0]!));
    const cashier = await call<RegistrationInfo>('cashier', 'GET', `/api/registrations/${ids.registrations.B}`);
    expect(cashier.body.customer.phone).toBe(B.phones[1]);
  });
});

describe('customers 客户', () => {
  it('a consultant sees a pool customer with a masked phone, masked co-buyer phones and no ID number', async () => {
    const pool = await call<CustomerInfo>('s001', 'GET', `/api/customers/${ids.customers.P}`);
    expect(pool.status).toBe(200);
    expect(pool.body.phone).toBe(maskPhone(P.phones[0]!));
    expect(pool.body.idNumberMasked).toBeNull();
    expect(pool.body.coBuyers).toEqual([{ name: P.names[1], phone: maskPhone(P.phones[1]!) }]);
    const own = await call<CustomerInfo>('s001', 'GET', `/api/customers/${ids.customers.A}`);
    expect(own.body.phone).toBe(A.phones[0]);
    expect(own.body.idNumberMasked).toBe(maskIdNumber(A.ids[0]!));
    expect(own.body.coBuyers[0]!.phone).toBe(A.phones[1]);
    const cashier = await call<CustomerInfo>('cashier', 'GET', `/api/customers/${ids.customers.P}`);
    expect([cashier.body.phone, cashier.body.idNumberMasked]).toEqual([P.phones[0], maskIdNumber(P.ids[0]!)]);
  });

  it('the clear ID number: managers through the audited reveal only', async () => {
    const reveal = await call<{ idNumber: string }>('manager', 'GET', `/api/customers/${ids.customers.A}/id-number`);
    expect(reveal.body.idNumber).toBe(A.ids[0]);
    for (const who of ['s001', 'cashier'] as const)
      expect((await call(who, 'GET', `/api/customers/${ids.customers.A}/id-number`)).status).toBe(403);
  });
});

describe('documents 文件', () => {
  const docOf = (kind: string, entityId?: string) =>
    ids.documents.find((d) => d.kind === kind && (!entityId || d.entityId === entityId))!;

  it('device keys get no documents: the list, a job and every PDF are FORBIDDEN', async () => {
    for (const key of [TEST_BOARD_KEY, KIOSK_KEY]) {
      const headers = { 'x-device-key': key };
      const list = await http<{ error: { code: string } }>(
        server.url,
        'GET',
        `/api/projects/${pid}/documents`,
        undefined,
        undefined,
        headers,
      );
      expect(list.status).toBe(403);
      expect(list.body.error.code).toBe('FORBIDDEN');
      for (const d of ids.documents) {
        expect(
          (await http(server.url, 'GET', `/api/documents/${d.id}/pdf`, undefined, undefined, headers)).status,
        ).toBe(403);
        expect(
          (await http(server.url, 'GET', `/api/document-jobs/current-${d.id}`, undefined, undefined, headers)).status,
        ).toBe(403);
      }
    }
  });

  it('a consultant lists and downloads their own deals’ documents and the plans they made, nothing else', async () => {
    const listed = async (who: UserName) =>
      (await call<DocumentInfo[]>(who, 'GET', `/api/projects/${pid}/documents`)).body.map((d) => d.id).sort();
    const s001Own = [
      docOf('AGREEMENT', ids.subscriptions.A),
      docOf('PURCHASE_PLAN'),
      ...ids.documents.filter((d) => d.kind === 'RECEIPT' && d.title.includes('000002')),
    ];
    expect(await listed('s001')).toEqual(s001Own.map((d) => d.id).sort());
    const agreementW = docOf('AGREEMENT', ids.subscriptions.W);
    expect((await listed('s002')).includes(agreementW.id)).toBe(true);
    expect((await listed('s002')).includes(docOf('PURCHASE_PLAN').id)).toBe(false);
    expect((await listed('manager')).length).toBe(ids.documents.length);
    // Downloads follow the list.
    expect((await call('s001', 'GET', `/api/documents/${agreementW.id}/pdf`)).status).toBe(403);
    expect((await call('s001', 'GET', `/api/documents/${docOf('DAY_END').id}/pdf`)).status).toBe(403);
    expect((await call('s001', 'GET', `/api/document-jobs/current-${agreementW.id}`)).status).toBe(403);
    const own = await fetch(`${server.url}/api/documents/${docOf('AGREEMENT', ids.subscriptions.A).id}/pdf`, {
      headers: headersOf('s001'),
    });
    expect(own.status).toBe(200);
    expect((await readable(own)).replace(/\s+/g, '')).toContain(A.phones[0]);
    // Printing another's 认购书 is refused by the same rule.
    expect(
      (await call('s001', 'POST', '/api/documents', { kind: 'AGREEMENT', entityId: ids.subscriptions.W })).status,
    ).toBe(403);
    // The cashier reads receipts and agreements (the money desk prints them), not a consultant's plan.
    expect((await fetchAs('cashier', `/api/documents/${agreementW.id}/pdf`)).status).toBe(200);
    expect((await fetchAs('cashier', `/api/documents/${docOf('PURCHASE_PLAN').id}/pdf`)).status).toBe(403);
  });

  it('the public /verify answer says authentic and current, and names nobody', async () => {
    for (const d of ids.documents) {
      const res = await fetchAs('anonymous', `/api/public/verify/${d.id}`);
      const body = (await res.json()) as VerifyResult;
      expect(body.found).toBe(true);
      expect(body.facts!.map((f) => f.labelEn)).not.toContain('Buyer');
      expect(body.facts!.map((f) => f.labelEn)).not.toContain('Payer');
      expect(leaks('anonymous', '/api/public/verify/*', JSON.stringify(body))).toEqual([]);
    }
    const agreement = (await (
      await fetchAs('anonymous', `/api/public/verify/${docOf('AGREEMENT', ids.subscriptions.A).id}`)
    ).json()) as VerifyResult;
    expect(agreement.facts!.map((f) => f.labelEn)).toEqual(
      expect.arrayContaining(['Unit', 'Final price', 'Subscribed', 'Issued']),
    );
  });
});

describe('queue tickets 排号', () => {
  it('the kiosk device sees no phone; managers a masked one', async () => {
    const kiosk = await http<{ phoneMasked: string | null }[]>(
      server.url,
      'GET',
      `/api/projects/${pid}/queue/tickets`,
      undefined,
      undefined,
      { 'x-device-key': KIOSK_KEY },
    );
    expect(kiosk.status).toBe(200);
    expect(kiosk.body.map((t) => t.phoneMasked)).toEqual([null, null]);
    const manager = await call<{ phoneMasked: string | null }[]>(
      'manager',
      'GET',
      `/api/projects/${pid}/queue/tickets`,
    );
    expect(manager.body.map((t) => t.phoneMasked).sort()).toEqual(
      [maskPhone(A.phones[0]!), maskPhone(Q.phones[0]!)].sort(),
    );
  });
});

describe('audit 审计', () => {
  it('keeps what changed (a corrected phone) for the managers who read it; consultants and cashiers do not read it', async () => {
    const audit = await call<{ entries: { action: string; entityId: string; before: unknown; after: unknown }[] }>(
      'manager',
      'GET',
      `/api/projects/${pid}/audit?limit=200`,
    );
    const edit = audit.body.entries.find((e) => e.action === 'customer.update' && e.entityId === ids.customers.B)!;
    expect(edit.before).toEqual({ phone: B.phones[0] });
    expect(edit.after).toEqual({ phone: B.phones[1] });
    for (const who of ['s001', 's002', 'cashier'] as const)
      expect((await call(who, 'GET', `/api/projects/${pid}/audit`)).status).toBe(403);
  });
});
