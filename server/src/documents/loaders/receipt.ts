/** A receipt 收据 (A5 or 80 mm): cashiers and managers print it; the payer's name and phone masked. */
import {
  AppError,
  bilingual,
  formatRegistrationNo,
  PAYMENT_KIND_LABELS,
  maskName,
  maskPhone,
  type PaymentKind,
  type PaymentMethod,
} from '@kaipan/shared';
import { canManage, type UserPrincipal } from '../../domain/principal.js';
import { formatFen, formatProjectTime } from '../format.js';
import type { Prepared } from '../versions.js';
import { projectOf, toNumber, type LoaderContext } from './context.js';

export async function prepareReceipt(
  ctx: LoaderContext,
  user: UserPrincipal,
  receiptId: string,
  variant: 'A5' | 'THERMAL_80',
): Promise<Prepared> {
  const r = await ctx.db.receipt.findUnique({
    where: { id: receiptId },
    select: {
      id: true,
      projectId: true,
      label: true,
      status: true,
      voidReason: true,
      printCount: true,
      issuedAt: true,
      payment: {
        select: {
          kind: true,
          amount: true,
          payerName: true,
          payerPhone: true,
          cashierId: true,
          note: true,
          convertedFromId: true,
          lines: { select: { method: true, amount: true, reference: true }, orderBy: { id: 'asc' } },
          subscription: { select: { unit: { select: { code: true } } } },
          registration: { select: { number: true } },
        },
      },
    },
  });
  if (!r) throw new AppError('NOT_FOUND', 'No such receipt.');
  await ctx.directory.assertAccess(user, r.projectId);
  if (user.role !== 'CASHIER' && !canManage(user))
    throw new AppError('FORBIDDEN', 'Receipts are printed by cashiers and managers.');
  const p = r.payment;
  const [project, cashier, convertedFrom] = await Promise.all([
    projectOf(ctx, r.projectId),
    ctx.db.user.findUnique({ where: { id: p.cashierId }, select: { displayName: true } }),
    p.convertedFromId
      ? ctx.db.receipt.findUnique({ where: { paymentId: p.convertedFromId }, select: { label: true } })
      : null,
  ]);
  const unitCode = p.subscription?.unit.code ?? null;
  const registrationNo = p.registration ? formatRegistrationNo(p.registration.number) : null;
  const amount = toNumber(p.amount);
  const voided = r.status === 'VOIDED';
  const payerMasked = maskName(p.payerName);
  const kind = p.kind as PaymentKind;
  return {
    projectId: r.projectId,
    timezone: project.timezone,
    title: `收据 Receipt · ${r.label}`,
    voided,
    facts: [
      { label: '收据号', labelEn: 'Receipt No.', value: r.label },
      { label: '金额', labelEn: 'Amount', value: formatFen(amount) },
      { label: '款项', labelEn: 'Item', value: bilingual(PAYMENT_KIND_LABELS[kind]) },
      {
        label: kind === 'REFUND' ? '领款人' : '付款人',
        labelEn: kind === 'REFUND' ? 'Paid to' : 'Payer',
        value: payerMasked,
        person: 'name',
      },
      ...(unitCode ? [{ label: '房号', labelEn: 'Unit', value: unitCode }] : []),
      ...(!unitCode && registrationNo ? [{ label: '认筹号', labelEn: 'Registration', value: registrationNo }] : []),
      {
        label: '收款时间',
        labelEn: 'Received',
        value: `${formatProjectTime(r.issuedAt, project.timezone)} (${project.timezone})`,
      },
    ],
    render: {
      kind: 'receipt',
      input: {
        voided,
        project,
        variant,
        label: r.label,
        receivedAt: r.issuedAt.toISOString(),
        kind,
        payer: { name: p.payerName, phone: p.payerPhone ? maskPhone(p.payerPhone) : null },
        unitCode,
        registrationNo,
        amount,
        lines: p.lines.map((l) => ({
          method: l.method as PaymentMethod,
          amount: toNumber(l.amount),
          reference: l.reference ?? (l.method === 'CONVERSION' ? (convertedFrom?.label ?? null) : null),
        })),
        cashier: cashier?.displayName ?? '—',
        note: p.note,
        // 0 (not printed yet) and 1 (the first print) look the same: no new version for the first print.
        printCount: Math.max(1, r.printCount),
        voidReason: voided ? r.voidReason : null,
      },
    },
  };
}
