/** A day-end 日结: a cashier's closed day, its totals as frozen at close and its payments. */
import {
  AppError,
  formatRegistrationNo,
  isManagerRole,
  type DayEndTotals,
  type PaymentKind,
  type PaymentMethod,
} from '@kaipan/shared';
import type { UserPrincipal } from '../../domain/principal.js';
import type { DayEndPaymentRow } from '../day-end.js';
import { formatFen, formatProjectTime } from '../format.js';
import type { Prepared } from '../versions.js';
import { projectOf, toNumber, type LoaderContext } from './context.js';

export async function prepareDayEnd(ctx: LoaderContext, user: UserPrincipal, dayCloseId: string): Promise<Prepared> {
  const close = await ctx.db.dayClose.findUnique({
    where: { id: dayCloseId },
    select: {
      id: true,
      projectId: true,
      cashierId: true,
      businessDate: true,
      totals: true,
      closedAt: true,
      closedById: true,
    },
  });
  if (!close) throw new AppError('NOT_FOUND', 'No such day-end.');
  await ctx.directory.assertAccess(user, close.projectId);
  const manages = isManagerRole(user.role);
  if (!manages && close.cashierId !== user.id)
    throw new AppError('FORBIDDEN', 'A day-end is printed by its cashier or a manager.');
  const businessDate = close.businessDate.toISOString().slice(0, 10);
  const select = {
    kind: true,
    status: true,
    amount: true,
    payerName: true,
    createdAt: true,
    lines: { select: { method: true }, orderBy: { id: 'asc' as const } },
    receipt: { select: { label: true } },
    subscription: { select: { unit: { select: { code: true } } } },
    registration: { select: { number: true } },
  } as const;
  let payments = await ctx.db.payment.findMany({
    where: { dayCloseId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select,
  });
  if (payments.length === 0) {
    payments = await ctx.db.payment.findMany({
      where: { projectId: close.projectId, cashierId: close.cashierId, businessDate: close.businessDate },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select,
    });
  }
  const [project, cashier, closer] = await Promise.all([
    projectOf(ctx, close.projectId),
    ctx.db.user.findUnique({ where: { id: close.cashierId }, select: { displayName: true } }),
    ctx.db.user.findUnique({ where: { id: close.closedById }, select: { displayName: true } }),
  ]);
  const stored = (close.totals ?? {}) as Partial<DayEndTotals>;
  const totals: DayEndTotals = {
    businessDate: stored.businessDate ?? businessDate,
    cashierId: close.cashierId,
    cashier: stored.cashier ?? cashier?.displayName ?? '—',
    byKind: stored.byKind ?? {},
    byMethod: stored.byMethod ?? {},
    net: stored.net ?? 0,
    receiptsIssued: stored.receiptsIssued ?? 0,
    receiptsVoided: stored.receiptsVoided ?? 0,
    firstReceipt: stored.firstReceipt ?? null,
    lastReceipt: stored.lastReceipt ?? null,
    closed: true,
    closedAt: stored.closedAt ?? close.closedAt.toISOString(),
    closedBy: stored.closedBy ?? closer?.displayName ?? null,
    dayCloseId: close.id,
  };
  const rows: DayEndPaymentRow[] = payments.map((p) => ({
    at: p.createdAt.toISOString(),
    receipt: p.receipt?.label ?? null,
    kind: p.kind as PaymentKind,
    status: p.status,
    payer: p.payerName,
    reference: p.subscription?.unit.code ?? (p.registration ? formatRegistrationNo(p.registration.number) : null),
    methods: [...new Set(p.lines.map((l) => l.method as PaymentMethod))],
    amount: toNumber(p.amount),
  }));
  const receipts =
    totals.receiptsIssued > 0
      ? `${totals.receiptsIssued} (${totals.firstReceipt ?? '—'} … ${totals.lastReceipt ?? '—'})`
      : '0';
  return {
    projectId: close.projectId,
    timezone: project.timezone,
    title: `日结 Day-end · ${totals.businessDate} ${totals.cashier}`,
    voided: false,
    facts: [
      { label: '营业日', labelEn: 'Business date', value: totals.businessDate },
      { label: '出纳', labelEn: 'Cashier', value: totals.cashier },
      { label: '净额', labelEn: 'Net', value: formatFen(totals.net) },
      { label: '收据', labelEn: 'Receipts', value: receipts },
      { label: '作废', labelEn: 'Voided', value: String(totals.receiptsVoided) },
      ...(totals.closedAt
        ? [
            {
              label: '结账时间',
              labelEn: 'Closed at',
              value: `${formatProjectTime(totals.closedAt, project.timezone)} (${project.timezone})`,
            },
          ]
        : []),
    ],
    render: { kind: 'day-end', input: { voided: false, project, totals, payments: rows } },
  };
}
