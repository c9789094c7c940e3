/**
 * How a payment row becomes a PaymentInfo (with its receipt and a pending void): lines in a stable
 * order, names of cashiers and requesters, the payer per the privacy rule.
 */
import {
  AppError,
  formatRegistrationNo,
  personView,
  showName,
  showPhone,
  type PaymentInfo,
  type PaymentMethod,
  type ReceiptInfo,
  type UserViewer,
} from '@kaipan/shared';
import type { Prisma } from '../infra/db.js';
import { dateText } from './business-day.js';
import type { Client } from './common.js';

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
