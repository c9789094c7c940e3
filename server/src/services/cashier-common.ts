/**
 * What the cashier services share: who may handle money, how a payment row becomes a PaymentInfo,
 * the business day, the receipt-number allocation, the day lock, and the subscription money sums
 * (deposit paid, balance held) that decide "paid" and "refund done". docs/cashier.md.
 */
import {
  AppError,
  calendarDateInZone,
  formatRegistrationNo,
  CASHIER_ROLES,
  MONEY_READER_ROLES,
  isManagerRole,
  personView,
  receiptLabel,
  showName,
  showPhone,
  type PaymentInfo,
  type PaymentMethod,
  type ReceiptInfo,
  type ScheduleItem,
  type UserViewer,
} from '@kaipan/shared';
import type { Db, Tx } from '../infra/db.js';
import { type Prisma, pgErrorCode } from '../infra/db.js';
import type { Principal, UserPrincipal } from '../domain/principal.js';
import { toAuditRow } from './audit.js';
import type { ProjectDirectory } from './project-directory.js';
import { SINCERITY_HELD_WHERE } from './registration-service.js';

/** Interactive transactions wait for a pooled connection and for the row locks of a racing cashier. */
export const TX_OPTIONS = { maxWait: 15_000, timeout: 30_000 } as const;

export type Client = Db | Tx;

export interface Staff {
  user: UserPrincipal;
  /** ADMIN or MANAGER in the project: sees and decides everything of the project. */
  manager: boolean;
  /** Reads every cashier's money (managers and finance); a cashier reads their own. */
  readsAll: boolean;
}

/**
 * Cashiers and managers of the project handle money (`handle`); finance also reads it (`read`);
 * consultants, viewers and devices do neither. The role is the caller's role in `projectId`.
 */
export async function moneyStaff(
  directory: ProjectDirectory,
  principal: Principal,
  projectId: string,
  need: 'handle' | 'read' = 'handle',
): Promise<Staff> {
  if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Only cashiers and managers handle money.');
  const user: UserPrincipal = principal;
  await directory.assertAccess(user, projectId);
  const roles = need === 'read' ? MONEY_READER_ROLES : CASHIER_ROLES;
  if (user.role === null || !roles.includes(user.role))
    throw new AppError('FORBIDDEN', 'Only cashiers and managers handle money.');
  const manager = isManagerRole(user.role);
  return { user, manager, readsAll: manager || user.role === 'FINANCE' };
}

export async function managerOf(
  directory: ProjectDirectory,
  principal: Principal,
  projectId: string,
): Promise<UserPrincipal> {
  const staff = await moneyStaff(directory, principal, projectId);
  if (!staff.manager) throw new AppError('FORBIDDEN', 'Only a manager can do this.');
  return staff.user;
}

export function isUniqueViolation(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code === '23505' || code === 'P2002';
}

// ── Dates ───────────────────────────────────────────────────────────────────────────────────────

/** Today's business date (YYYY-MM-DD) in the project's time zone. */
export function todayIn(timeZone: string, at: Date = new Date()): string {
  return calendarDateInZone(at.toISOString(), timeZone);
}

/** YYYY-MM-DD → the Date Prisma stores in a `date` column. */
export function dbDate(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

export function dateText(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export async function projectMoneySettings(client: Client, projectId: string) {
  const project = await client.project.findUnique({
    where: { id: projectId },
    select: { id: true, timezone: true, requiredDepositFen: true, depositWindowMinutes: true },
  });
  if (!project) throw new AppError('NOT_FOUND', 'Project not found.');
  return project;
}

// ── The day lock and the closed day ─────────────────────────────────────────────────────────────

/**
 * A transaction-scoped advisory lock on one cashier's business day. Everything that writes a payment
 * of that day takes it shared; closing the day takes it exclusive — so a close never misses a payment
 * committing at the same instant, and no payment lands on a day after it closed.
 */
export async function lockDay(
  tx: Tx,
  projectId: string,
  cashierId: string,
  date: string,
  exclusive: boolean,
): Promise<void> {
  const key = `kaipan:day:${projectId}:${cashierId}:${date}`;
  if (exclusive) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
  else await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(hashtextextended(${key}, 0))`;
}

/** Take the shared day lock and refuse when the day is closed (CONFLICT "day closed"). */
export async function openDay(tx: Tx, projectId: string, cashierId: string, date: string): Promise<void> {
  await lockDay(tx, projectId, cashierId, date, false);
  const closed = await tx.dayClose.findUnique({
    where: { projectId_cashierId_businessDate: { projectId, cashierId, businessDate: dbDate(date) } },
    select: { id: true },
  });
  if (closed) {
    throw new AppError('CONFLICT', `The day ${date} is closed (日结 done): nothing more can be recorded on it.`, {
      reason: 'DAY_CLOSED',
      date,
    });
  }
}

// ── Receipt numbers ─────────────────────────────────────────────────────────────────────────────

export interface IssuedReceipt {
  id: string;
  bookId: string;
  number: number;
  label: string;
}

/**
 * The receipt of a payment, numbered from the cashier's ACTIVE book: ONE statement takes the book's
 * next number under its row lock (`UPDATE … SET next_number = next_number + 1 … WHERE status =
 * 'ACTIVE' AND next_number <= last_number RETURNING next_number - 1`) and inserts the receipt. The
 * increment commits or rolls back with the payment, so numbers are issued without gaps and never
 * twice, with any number of cashiers and retries; the lock is held only from here to the commit.
 * No active book, or a used-up one → CONFLICT (the caller's transaction rolls back: nothing written).
 */
export async function issueReceipt(
  tx: Tx,
  projectId: string,
  cashierId: string,
  paymentId: string,
  at: Date,
): Promise<IssuedReceipt> {
  const rows = await tx.$queryRaw<{ id: string; book_id: string; number: number; label: string }[]>`
    WITH book AS (
      UPDATE receipt_books SET next_number = next_number + 1
      WHERE project_id = ${projectId}::uuid AND cashier_id = ${cashierId}::uuid AND status = 'ACTIVE'
        AND next_number <= last_number
      RETURNING id, prefix, digits, next_number - 1 AS number
    )
    INSERT INTO receipts (id, project_id, book_id, number, label, payment_id, issued_at)
    SELECT gen_random_uuid(), ${projectId}::uuid, book.id, book.number, book.prefix || lpad(book.number::text, greatest(book.digits, length(book.number::text)), '0'),
           ${paymentId}::uuid, ${at}
    FROM book
    RETURNING id::text AS id, book_id::text AS book_id, number, label`;
  const got = rows[0];
  if (got) return { id: got.id, bookId: got.book_id, number: Number(got.number), label: got.label };
  const active = await tx.receiptBook.findFirst({
    where: { projectId, cashierId, status: 'ACTIVE' },
    select: { id: true, prefix: true, lastNumber: true, digits: true },
  });
  if (active) {
    throw new AppError(
      'CONFLICT',
      `Receipt book ${active.prefix} is used up (last number ${receiptLabel(active.prefix, active.lastNumber, active.digits)}); ask a manager for a new book. Nothing was recorded.`,
      {
        reason: 'RECEIPT_BOOK_EXHAUSTED',
        bookId: active.id,
      },
    );
  }
  throw new AppError(
    'CONFLICT',
    'You have no active receipt book; ask a manager to assign one. Nothing was recorded.',
    { reason: 'NO_RECEIPT_BOOK' },
  );
}

// ── PaymentInfo ─────────────────────────────────────────────────────────────────────────────────

export const paymentInclude = {
  lines: true,
  receipt: { include: { voidRequests: { where: { status: 'PENDING' } } } },
  subscription: { select: { consultantId: true, unit: { select: { code: true } } } },
  registration: { select: { number: true, customer: { select: { ownerId: true } } } },
  convertedTo: { select: { id: true } },
} satisfies Prisma.PaymentInclude;

export type PaymentRow = Prisma.PaymentGetPayload<{ include: typeof paymentInclude }>;
type ReceiptRow = NonNullable<PaymentRow['receipt']>;

const METHOD_RANK: Record<PaymentMethod, number> = {
  CASH: 0,
  BANK_CARD: 1,
  TRANSFER: 2,
  WECHAT: 3,
  ALIPAY: 4,
  CHEQUE: 5,
  CONVERSION: 6,
};

/** Lines in a stable order (the table has none): by method, then amount, then reference. */
export function sortedLines(lines: { method: PaymentMethod; amount: number; reference: string | null }[]) {
  return [...lines].sort(
    (a, b) =>
      METHOD_RANK[a.method] - METHOD_RANK[b.method] ||
      b.amount - a.amount ||
      (a.reference ?? '').localeCompare(b.reference ?? ''),
  );
}

export async function userNames(
  client: Client,
  ids: Iterable<string | null | undefined>,
): Promise<Map<string, string>> {
  const wanted = [...new Set([...ids].filter((id): id is string => !!id))];
  if (wanted.length === 0) return new Map();
  const users = await client.user.findMany({ where: { id: { in: wanted } }, select: { id: true, displayName: true } });
  return new Map(users.map((u) => [u.id, u.displayName]));
}

export function toReceiptInfo(r: ReceiptRow, names: Map<string, string>): ReceiptInfo {
  const pending = r.voidRequests[0];
  return {
    id: r.id,
    label: r.label,
    number: r.number,
    bookId: r.bookId,
    status: r.status,
    voidReason: r.voidReason,
    voidedAt: r.voidedAt?.toISOString() ?? null,
    printCount: r.printCount,
    issuedAt: r.issuedAt.toISOString(),
    pendingVoid: pending
      ? {
          id: pending.id,
          reason: pending.reason,
          requestedById: pending.requestedById,
          requestedBy: names.get(pending.requestedById) ?? '?',
          requestedAt: pending.requestedAt.toISOString(),
        }
      : null,
  };
}

/**
 * Payments as `viewer` may see them: the payer per the privacy rule, the deal's consultant (or the
 * registered customer's owner) owning the record.
 */
export async function toPaymentInfos(client: Client, rows: PaymentRow[], viewer: UserViewer): Promise<PaymentInfo[]> {
  const names = await userNames(
    client,
    rows.flatMap((r) => [r.cashierId, ...(r.receipt?.voidRequests.map((v) => v.requestedById) ?? [])]),
  );
  return rows.map((p) => ({
    id: p.id,
    projectId: p.projectId,
    kind: p.kind,
    amount: Number(p.amount),
    status: p.status,
    ...payerFor(viewer, p),
    lines: sortedLines(p.lines.map((l) => ({ method: l.method, amount: Number(l.amount), reference: l.reference }))),
    subscriptionId: p.subscriptionId,
    unitCode: p.subscription?.unit.code ?? null,
    registrationId: p.registrationId,
    registrationNo: p.registration ? formatRegistrationNo(p.registration.number) : null,
    cashierId: p.cashierId,
    cashier: names.get(p.cashierId) ?? '?',
    businessDate: dateText(p.businessDate),
    closed: p.dayCloseId !== null,
    convertedFromId: p.convertedFromId,
    convertedToId: p.convertedTo?.id ?? null,
    correctsId: p.correctsId,
    note: p.note,
    createdAt: p.createdAt.toISOString(),
    receipt: p.receipt ? toReceiptInfo(p.receipt, names) : null,
  }));
}

export async function paymentInfo(client: Client, id: string, viewer: UserViewer): Promise<PaymentInfo> {
  const row = await client.payment.findUnique({ where: { id }, include: paymentInclude });
  if (!row) throw new AppError('NOT_FOUND', 'No such payment.');
  return (await toPaymentInfos(client, [row], viewer))[0]!;
}

/** The payer of a payment as `viewer` may see them (the privacy rule, shared/src/privacy.ts). */
function payerFor(viewer: UserViewer, p: PaymentRow): { payerName: string; payerPhone: string | null } {
  const view = personView(viewer, {
    consultantId: p.subscription?.consultantId,
    ownerId: p.registration?.customer.ownerId,
  });
  return { payerName: showName(view.name, p.payerName), payerPhone: showPhone(view.phone, p.payerPhone) };
}

// ── Subscription money ──────────────────────────────────────────────────────────────────────────

/**
 * The subscription and every one it replaced (换房 chain, newest first): money paid on an earlier
 * unit of the same deal counts for the deal.
 */
export async function chainIds(client: Client, subscriptionId: string): Promise<string[]> {
  const rows = await client.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE back(id, replaces_id, depth) AS (
      SELECT id, replaces_id, 0 FROM subscriptions WHERE id = ${subscriptionId}::uuid
      UNION ALL
      SELECT s.id, s.replaces_id, b.depth + 1 FROM subscriptions s JOIN back b ON s.id = b.replaces_id WHERE b.depth < 50
    )
    SELECT id::text AS id FROM back ORDER BY depth`;
  return rows.map((r) => r.id);
}

/** The newest subscription of the deal a subscription belongs to (itself unless replaced by 换房). */
export async function chainHead(client: Client, subscriptionId: string): Promise<string> {
  const rows = await client.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE fwd(id, depth) AS (
      SELECT id, 0 FROM subscriptions WHERE id = ${subscriptionId}::uuid
      UNION ALL
      SELECT s.id, f.depth + 1 FROM subscriptions s JOIN fwd f ON s.replaces_id = f.id WHERE f.depth < 50
    )
    SELECT id::text AS id FROM fwd ORDER BY depth DESC LIMIT 1`;
  return rows[0]?.id ?? subscriptionId;
}

export interface SubscriptionMoney {
  /** DEPOSIT payments not voided (conversions included), fen. */
  depositPaid: number;
  /** Money in still held (RECORDED, not refunded/converted/voided), fen. */
  balanceHeld: number;
}

export async function subscriptionMoney(client: Client, ids: string[]): Promise<SubscriptionMoney> {
  if (ids.length === 0) return { depositPaid: 0, balanceHeld: 0 };
  const rows = await client.$queryRaw<{ deposit_paid: bigint; held: bigint }[]>`
    SELECT coalesce(sum(amount) FILTER (WHERE kind = 'DEPOSIT' AND status <> 'VOIDED'), 0)::bigint AS deposit_paid,
           coalesce(sum(amount) FILTER (WHERE kind <> 'REFUND' AND status = 'RECORDED'), 0)::bigint AS held
    FROM payments WHERE subscription_id = ANY(${ids}::uuid[])`;
  return { depositPaid: Number(rows[0]?.deposit_paid ?? 0), balanceHeld: Number(rows[0]?.held ?? 0) };
}

/** The deposit a subscription requires: its plan's DEPOSIT line (when > 0), else the project's. */
export function requiredDeposit(schedule: Prisma.JsonValue | null, projectFen: bigint): number {
  if (Array.isArray(schedule)) {
    const line = (schedule as unknown as ScheduleItem[]).find((i) => i && i.kind === 'DEPOSIT');
    if (line && Number.isSafeInteger(line.amount) && line.amount > 0) return line.amount;
  }
  return Number(projectFen);
}

/**
 * After a deposit was recorded or voided: mark the subscription paid when its deposits reach the
 * required deposit, or unpaid again when a void took them below (audited). Call with the
 * subscription row locked. Returns the change, if any.
 */
export async function settleDeposit(
  tx: Tx,
  actor: UserPrincipal | 'system',
  subscriptionId: string,
  at: Date,
): Promise<'paid' | 'unpaid' | null> {
  const sub = await tx.subscription.findUniqueOrThrow({
    where: { id: subscriptionId },
    select: {
      id: true,
      projectId: true,
      schedule: true,
      depositPaidAt: true,
      status: true,
      project: { select: { requiredDepositFen: true } },
    },
  });
  const required = requiredDeposit(sub.schedule, sub.project.requiredDepositFen);
  const { depositPaid } = await subscriptionMoney(tx, await chainIds(tx, subscriptionId));
  if (depositPaid >= required && !sub.depositPaidAt && sub.status === 'ACTIVE') {
    await tx.subscription.update({ where: { id: sub.id }, data: { depositPaidAt: at } });
    await tx.auditEvent.create({
      data: toAuditRow({
        projectId: sub.projectId,
        actor,
        action: 'subscription.deposit_paid',
        entity: 'subscription',
        entityId: sub.id,
        at,
        before: { depositPaidAt: null },
        after: { depositPaidAt: at.toISOString(), depositPaid, required },
      }),
    });
    return 'paid';
  }
  if (depositPaid < required && sub.depositPaidAt) {
    await tx.subscription.update({ where: { id: sub.id }, data: { depositPaidAt: null } });
    await tx.auditEvent.create({
      data: toAuditRow({
        projectId: sub.projectId,
        actor,
        action: 'subscription.deposit_unpaid',
        entity: 'subscription',
        entityId: sub.id,
        at,
        before: { depositPaidAt: sub.depositPaidAt.toISOString() },
        after: { depositPaidAt: null, depositPaid, required },
      }),
    });
    return 'unpaid';
  }
  return null;
}

/** Lock a payment row and return its current state (NOT_FOUND when gone). */
export async function lockPayment(tx: Tx, paymentId: string): Promise<void> {
  const rows = await tx.$queryRaw<
    { id: string }[]
  >`SELECT id::text AS id FROM payments WHERE id = ${paymentId}::uuid FOR UPDATE`;
  if (!rows[0]) throw new AppError('NOT_FOUND', 'No such payment.');
}

/**
 * Lock a registration row: serialises a sincerity refund with a confirm for the same household
 * (kaipan_confirm raises units_used under this row lock).
 */
export async function lockRegistration(tx: Tx, registrationId: string): Promise<void> {
  await tx.$queryRaw`SELECT id::text AS id FROM registrations WHERE id = ${registrationId}::uuid FOR UPDATE`;
}

/**
 * 退筹: after a sincerity refund, a registration that holds no sincerity deposit any more is withdrawn
 * (ACTIVE → CANCELLED, audited as registration.withdraw with the refund): the household took its
 * money back and selects no more units under it. Returns the registration id when it was withdrawn.
 * The caller holds the registration's row lock (lockRegistration).
 */
export async function withdrawWithoutSincerity(
  tx: Tx,
  actor: UserPrincipal,
  projectId: string,
  registrationId: string,
  refundId: string,
  at: Date,
): Promise<string | null> {
  const held = await tx.payment.count({ where: { registrationId, ...SINCERITY_HELD_WHERE } });
  if (held > 0) return null;
  const changed = await tx.registration.updateMany({
    where: { id: registrationId, status: 'ACTIVE' },
    data: { status: 'CANCELLED' },
  });
  if (changed.count === 0) return null;
  await tx.auditEvent.create({
    data: toAuditRow({
      projectId,
      actor,
      action: 'registration.withdraw',
      entity: 'registration',
      entityId: registrationId,
      at,
      before: { status: 'ACTIVE' },
      after: { status: 'CANCELLED', refundId, reason: 'SINCERITY_REFUNDED' },
    }),
  });
  return registrationId;
}

/**
 * A voided refund voucher puts its sincerity deposit back: when that refund had withdrawn the
 * registration (and nothing changed it since), the registration is ACTIVE again (audited).
 */
export async function reinstateAfterVoidedRefund(
  tx: Tx,
  actor: UserPrincipal,
  projectId: string,
  registrationId: string,
  refundId: string,
  at: Date,
): Promise<void> {
  await lockRegistration(tx, registrationId);
  const last = await tx.auditEvent.findFirst({
    where: {
      entity: 'registration',
      entityId: registrationId,
      action: { in: ['registration.withdraw', 'registration.cancel'] },
    },
    orderBy: { createdAt: 'desc' },
    select: { action: true, after: true },
  });
  const byThisRefund =
    last?.action === 'registration.withdraw' && (last.after as { refundId?: string } | null)?.refundId === refundId;
  if (!byThisRefund) return;
  const changed = await tx.registration.updateMany({
    where: { id: registrationId, status: 'CANCELLED' },
    data: { status: 'ACTIVE' },
  });
  if (changed.count === 0) return;
  await tx.auditEvent.create({
    data: toAuditRow({
      projectId,
      actor,
      action: 'registration.reinstate',
      entity: 'registration',
      entityId: registrationId,
      at,
      before: { status: 'CANCELLED' },
      after: { status: 'ACTIVE', voidedRefundId: refundId },
    }),
  });
}

/** Lock a subscription row (serialises deposits, voids and the deposit deadline of one deal). */
export async function lockSubscription(tx: Tx, subscriptionId: string): Promise<void> {
  await tx.$queryRaw`SELECT id::text AS id FROM subscriptions WHERE id = ${subscriptionId}::uuid FOR UPDATE`;
}

/** Stable JSON (sorted keys): "the same submission again" compares equal. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const json = (v: unknown): Prisma.InputJsonValue => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;
