/**
 * 收款明细 Payments and receipts: every payment (voided, converted and refunded ones too, and refunds
 * as their own rows) with its receipt, kind, methods, cashier and time. Two money columns: the amount
 * as recorded (a refund negative) and the net money it moved by the day-end rule (domain/day-end.ts:
 * a voided payment and a 诚意金转定金 conversion move none). Filters: the day it was recorded, the
 * building of its deal's unit, the consultant of its deal.
 */
import {
  formatProjectDateTime,
  formatRegistrationNo,
  labelText,
  PAYMENT_KIND_LABELS,
  PAYMENT_METHOD_LABELS,
  PAYMENT_STATUS_LABELS,
  RECEIPT_STATUS_LABELS,
  showName,
  showPhone,
  type PaymentKind,
  type PaymentMethod,
  type PaymentStatus,
} from '@kaipan/shared';
import { Prisma } from '../infra/db.js';
import { isConversion } from '../domain/day-end.js';
import {
  buildingCondition,
  consultantCondition,
  dayCondition,
  header,
  MONEY,
  sumYuan,
  yuan,
  type Cell,
  type ReportContext,
  type ReportTable,
} from './report-table.js';

interface Row {
  id: string;
  created_at: Date;
  kind: PaymentKind;
  status: PaymentStatus;
  amount: bigint;
  payer_name: string;
  payer_phone: string | null;
  converted_from_id: string | null;
  note: string | null;
  receipt: string | null;
  receipt_status: 'ISSUED' | 'VOIDED' | null;
  cashier: string;
  unit_code: string | null;
  registration_no: number | null;
  lines: { method: PaymentMethod; amount: number; reference: string | null }[];
}

export async function paymentsReport(ctx: ReportContext): Promise<ReportTable> {
  const { lang, filter, view } = ctx;
  const h = (zh: string, en: string) => header(lang, zh, en);
  // Building and consultant narrow to payments of deals (a registration's 诚意金 has neither).
  const dealJoin = filter.buildingId || filter.consultantId ? Prisma.sql`JOIN` : Prisma.sql`LEFT JOIN`;
  const rows = await ctx.db.$queryRaw<Row[]>`
    SELECT p.id, p.created_at, p.kind::text AS kind, p.status::text AS status, p.amount, p.payer_name, p.payer_phone,
           p.converted_from_id, p.note, r.label AS receipt, r.status::text AS receipt_status,
           cu.display_name AS cashier, u.code AS unit_code, reg.number AS registration_no,
           coalesce((SELECT json_agg(json_build_object('method', l.method, 'amount', l.amount, 'reference', l.reference)
                     ORDER BY l.method, l.amount DESC) FROM payment_lines l WHERE l.payment_id = p.id), '[]'::json) AS lines
    FROM payments p
    JOIN users cu ON cu.id = p.cashier_id
    LEFT JOIN receipts r ON r.payment_id = p.id
    ${dealJoin} subscriptions s ON s.id = p.subscription_id
    ${dealJoin} units u ON u.id = s.unit_id
    LEFT JOIN registrations reg ON reg.id = p.registration_id
    WHERE p.project_id = ${ctx.projectId}::uuid
      ${dayCondition(Prisma.sql`p.created_at`, ctx)}
      ${buildingCondition(Prisma.sql`u.building_id`, filter)}
      ${consultantCondition(Prisma.sql`s.consultant_id`, filter)}
    ORDER BY p.created_at, r.label NULLS LAST`;
  await ctx.progress(40);

  const out: Cell[][] = rows.map((r) => {
    const amount = Number(r.amount);
    const sign = r.kind === 'REFUND' ? -1 : 1;
    const conversion = isConversion({ convertedFromId: r.converted_from_id, lines: r.lines });
    const net = r.status === 'VOIDED' || conversion ? 0 : sign * amount;
    const methods = r.lines
      .map((l) => `${labelText(PAYMENT_METHOD_LABELS[l.method], lang)} ${yuan(l.amount).toFixed(2)}`)
      .join(lang === 'en' ? '; ' : '；');
    return [
      formatProjectDateTime(r.created_at, ctx.timeZone),
      r.receipt ?? '',
      r.receipt_status ? labelText(RECEIPT_STATUS_LABELS[r.receipt_status], lang) : '',
      labelText(PAYMENT_KIND_LABELS[r.kind], lang),
      methods,
      yuan(sign * amount),
      yuan(net),
      labelText(PAYMENT_STATUS_LABELS[r.status], lang),
      showName(view.name, r.payer_name) ?? '',
      showPhone(view.phone, r.payer_phone) ?? '',
      r.unit_code ?? (r.registration_no !== null ? formatRegistrationNo(r.registration_no) : ''),
      r.cashier,
      r.note ?? '',
    ];
  });
  await ctx.progress(70);
  return {
    sheet: h('收款明细', 'Payments'),
    fileStem: h('收款明细', 'payments'),
    columns: [
      { header: h(`时间（${ctx.timeZone}）`, `Time (${ctx.timeZone})`), width: 20 },
      { header: h('收据号', 'Receipt no.'), width: 16 },
      { header: h('收据状态', 'Receipt'), width: 10 },
      { header: h('款项', 'Kind'), width: 14 },
      { header: h('付款方式', 'Methods'), width: 28 },
      { header: h('金额（元）', 'Amount (CNY)'), width: 15, numFmt: MONEY },
      { header: h('实收净额（元）', 'Net received (CNY)'), width: 15, numFmt: MONEY },
      { header: h('状态', 'Status'), width: 10 },
      { header: h('付款人', 'Payer'), width: 12 },
      { header: h('电话', 'Phone'), width: 14 },
      { header: h('房号/认筹号', 'Unit / registration'), width: 14 },
      { header: h('收银员', 'Cashier'), width: 12 },
      { header: h('备注', 'Note'), width: 24 },
    ],
    rows: out,
    totals: [
      h(`合计 ${out.length} 笔`, `Total: ${out.length}`),
      '',
      '',
      '',
      '',
      sumYuan(out, 5),
      sumYuan(out, 6),
      '',
      '',
      '',
      '',
      '',
      '',
    ],
  };
}
