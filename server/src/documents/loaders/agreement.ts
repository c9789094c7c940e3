/** A subscription agreement 认购书: the deal, its deposits (across a 换房 chain) and the project's terms. */
import {
  AppError,
  DEFAULT_AGREEMENT_TERMS,
  addCalendarDays,
  calendarDateInZone,
  maskName,
  mayReadDocument,
  type PriceBreakdown,
  type ScheduleItem,
} from '@kaipan/shared';
import type { UserPrincipal } from '../../domain/principal.js';
import { chainIds } from '../../cashier/deal-money.js';
import { formatFen, formatProjectTime } from '../format.js';
import type { Prepared } from '../versions.js';
import { rehearsalMark, toNumber, type LoaderContext } from './context.js';
import { PAYEE_SELECT, payeeOf } from '../../domain/payee.js';

function coBuyersOf(json: unknown): Array<{ name: string; phone?: string | null; relation?: string | null }> {
  if (!Array.isArray(json)) return [];
  return json
    .filter(
      (c): c is { name: string; phone?: unknown; relation?: unknown } =>
        typeof c === 'object' && c !== null && typeof (c as { name?: unknown }).name === 'string',
    )
    .map((c) => ({
      name: c.name,
      phone: typeof c.phone === 'string' ? c.phone : null,
      relation: typeof c.relation === 'string' ? c.relation : null,
    }));
}

/** `user` null: a refresh after a committed change (the system reads; no permission to check). */
export async function prepareAgreement(
  ctx: LoaderContext,
  user: UserPrincipal | null,
  subscriptionId: string,
): Promise<Prepared> {
  const s = await ctx.db.subscription.findUnique({
    where: { id: subscriptionId },
    select: {
      id: true,
      projectId: true,
      consultantId: true,
      buyerName: true,
      buyerPhone: true,
      price: true,
      listPrice: true,
      status: true,
      breakdown: true,
      schedule: true,
      createdAt: true,
      consultant: { select: { displayName: true } },
      customer: { select: { idNumberMasked: true, coBuyers: true } },
      plan: { select: { name: true, nameEn: true } },
      unit: {
        select: {
          code: true,
          floor: true,
          layout: true,
          layoutName: true,
          grossArea: true,
          netArea: true,
          orientation: true,
          building: { select: { name: true, nameEn: true } },
        },
      },
      project: {
        select: {
          name: true,
          nameEn: true,
          timezone: true,
          agreementTerms: true,
          signingDays: true,
          requiredDepositFen: true,
          rehearsalOfId: true,
          ...PAYEE_SELECT,
        },
      },
    },
  });
  if (!s) throw new AppError('NOT_FOUND', 'No such subscription.');
  if (user) {
    await ctx.directory.assertAccess(user, s.projectId);
    // Whoever may read the paper may print it (it carries the buyer's clear phone): the privacy rule.
    if (!mayReadDocument(user, { kind: 'AGREEMENT', person: { consultantId: s.consultantId } })) {
      throw new AppError('FORBIDDEN', 'Agreements are printed by cashiers, managers and the consultant of the deal.');
    }
  }
  // The deal's deposits: after a 换房 they stay on the subscriptions it replaced.
  const deposits = await ctx.db.payment.findMany({
    where: { subscriptionId: { in: await chainIds(ctx.db, subscriptionId) }, kind: 'DEPOSIT', status: 'RECORDED' },
    orderBy: { createdAt: 'asc' },
    select: { amount: true, receipt: { select: { label: true } } },
  });
  const tz = s.project.timezone;
  const breakdown = (s.breakdown ?? null) as PriceBreakdown | null;
  const schedule = (Array.isArray(s.schedule) ? s.schedule : null) as ScheduleItem[] | null;
  const price = toNumber(s.price);
  const listPrice = breakdown?.listPrice ?? (s.listPrice !== null ? toNumber(s.listPrice) : price);
  const depositItem = schedule?.find((i) => i.kind === 'DEPOSIT');
  const subscribedOn = calendarDateInZone(s.createdAt.toISOString(), tz);
  const voided = s.status === 'CANCELLED' || s.status === 'CHANGED';
  const u = s.unit;
  const building =
    u.building.nameEn && u.building.nameEn !== u.building.name
      ? `${u.building.name} ${u.building.nameEn}`
      : u.building.name;
  return {
    projectId: s.projectId,
    timezone: tz,
    title: `认购书 Subscription agreement · ${u.code}`,
    voided,
    facts: [
      { label: '房号', labelEn: 'Unit', value: u.code },
      { label: '买受人', labelEn: 'Buyer', value: maskName(s.buyerName), person: 'name' },
      { label: '成交总价', labelEn: 'Final price', value: formatFen(price) },
      { label: '认购时间', labelEn: 'Subscribed', value: `${formatProjectTime(s.createdAt, tz)} (${tz})` },
    ],
    render: {
      kind: 'agreement',
      input: {
        voided,
        project: {
          name: s.project.name,
          nameEn: s.project.nameEn,
          timezone: tz,
          payee: payeeOf(s.project),
          ...rehearsalMark(s.project),
        },
        subscriptionId: s.id,
        subscribedAt: s.createdAt.toISOString(),
        buyer: {
          name: s.buyerName,
          phone: s.buyerPhone,
          idNumberMasked: s.customer?.idNumberMasked ?? null,
          coBuyers: coBuyersOf(s.customer?.coBuyers),
        },
        unit: {
          building,
          floor: u.floor,
          code: u.code,
          layout: u.layout,
          layoutName: u.layoutName,
          grossArea: toNumber(u.grossArea),
          netArea: toNumber(u.netArea),
          orientation: u.orientation,
        },
        price,
        listPrice,
        breakdown,
        plan: s.plan ? { name: s.plan.name, nameEn: s.plan.nameEn } : null,
        schedule,
        depositRequired: depositItem ? depositItem.amount : toNumber(s.project.requiredDepositFen),
        depositReceived: {
          amount: deposits.reduce((sum, d) => sum + toNumber(d.amount), 0),
          receipts: deposits.map((d) => d.receipt?.label).filter((l): l is string => typeof l === 'string'),
        },
        signingDeadline: addCalendarDays(subscribedOn, s.project.signingDays),
        signingDays: s.project.signingDays,
        terms: s.project.agreementTerms?.trim() || DEFAULT_AGREEMENT_TERMS,
        consultant: s.consultant.displayName,
      },
    },
  };
}
