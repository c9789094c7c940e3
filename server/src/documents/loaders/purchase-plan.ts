/** A purchase plan 置业计划书: a unit quoted under up to four payment plans, with the chosen discounts. */
import {
  AppError,
  PURCHASE_PLAN_VALID_DAYS,
  addCalendarDays,
  calendarDateInZone,
  discountRuleOf,
  quoteDeal,
} from '@kaipan/shared';
import { canSell, type UserPrincipal } from '../../domain/principal.js';
import { formatFen } from '../format.js';
import type { PurchasePlanColumn } from '../purchase-plan.js';
import type { Prepared } from '../versions.js';
import { projectOf, toNumber, type LoaderContext } from './context.js';

export async function preparePurchasePlan(
  ctx: LoaderContext,
  user: UserPrincipal,
  unitId: string,
  planIds: string[] | undefined,
  discountIds: string[],
  now: Date,
): Promise<Prepared> {
  const unit = await ctx.db.unit.findUnique({
    where: { id: unitId },
    select: {
      projectId: true,
      code: true,
      floor: true,
      layout: true,
      layoutName: true,
      grossArea: true,
      netArea: true,
      orientation: true,
      listPrice: true,
      floorPrice: true,
      building: { select: { name: true, nameEn: true } },
    },
  });
  if (!unit) throw new AppError('NOT_FOUND', 'No such unit.');
  await ctx.directory.assertAccess(user, unit.projectId);
  if (!canSell(user)) throw new AppError('FORBIDDEN', 'Purchase plans are for consultants and managers.');
  const [project, terms] = await Promise.all([projectOf(ctx, unit.projectId), ctx.pricing.terms(unit.projectId)]);
  const tz = terms.timezone;
  const plans = planIds ? planIds.map((id) => terms.plans.find((p) => p.id === id)) : terms.plans.slice(0, 4);
  if (plans.length === 0)
    throw new AppError('PLAN_NOT_APPLICABLE', 'This project has no active payment plan.', { reason: 'NO_PLAN' });
  if (plans.some((p) => p === undefined))
    throw new AppError('PLAN_NOT_APPLICABLE', 'No such active payment plan in this project.', {
      reason: 'UNKNOWN_PLAN',
    });
  const rules = discountIds.map((id) => terms.discounts.find((d) => d.id === id));
  if (rules.some((r) => r === undefined)) {
    throw new AppError('DISCOUNT_NOT_APPLICABLE', 'A selected discount is not offered by this project.', {
      reason: 'UNKNOWN_DISCOUNT',
    });
  }
  const selected = rules.filter((r): r is NonNullable<typeof r> => r !== undefined);
  // The consultant vouches for the buyer's identity (the plan says it must be proven).
  const identityTags = [
    ...new Set(selected.map((r) => r.identityTag).filter((t): t is string => typeof t === 'string')),
  ];
  const listPrice = toNumber(unit.listPrice);
  const floorPrice = toNumber(unit.floorPrice);
  const at = now.toISOString();
  const quotedOn = calendarDateInZone(at, tz);
  const columns: PurchasePlanColumn[] = plans.map((p) => {
    const plan = p!;
    const head = { plan: { code: plan.code, name: plan.name, nameEn: plan.nameEn, kind: plan.terms.kind } };
    // A payment-method discount applies to its plan kinds only: the other columns simply do without it.
    const applicable = selected.filter(
      (r) => r.kind !== 'PAYMENT_METHOD' || (r.paymentMethods ?? []).includes(plan.terms.kind),
    );
    const quoted = quoteDeal({
      listPrice,
      floorPrice,
      discounts: terms.discounts.map(discountRuleOf),
      selected: applicable.map((r) => r.id),
      identityTags,
      policy: terms.policy,
      plan: plan.terms,
      signedAt: at,
      timeZone: tz,
    });
    if (!quoted.ok) return { ...head, ok: false, reason: quoted.message };
    const b = quoted.breakdown;
    return {
      ...head,
      ok: true,
      steps: b.steps.map((s) => ({ code: s.code, name: s.name, nameEn: s.nameEn, off: s.off })),
      capOff: -b.cap.off,
      roundingOff: b.rounding.off,
      finalPrice: b.finalPrice,
      needsApproval: b.belowFloor,
      schedule: quoted.schedule,
    };
  });
  // Valid for PURCHASE_PLAN_VALID_DAYS days, and never past the end of an applied promotion.
  let validUntil = addCalendarDays(quotedOn, PURCHASE_PLAN_VALID_DAYS - 1);
  for (const r of selected) {
    if (r.validTo) {
      const last = calendarDateInZone(new Date(Date.parse(r.validTo) - 1).toISOString(), tz);
      if (last < validUntil) validUntil = last;
    }
  }
  const building =
    unit.building.nameEn && unit.building.nameEn !== unit.building.name
      ? `${unit.building.name} ${unit.building.nameEn}`
      : unit.building.name;
  return {
    projectId: unit.projectId,
    timezone: tz,
    title: `置业计划书 Purchase plan · ${unit.code}`,
    voided: false,
    facts: [
      { label: '房号', labelEn: 'Unit', value: unit.code },
      { label: '表价', labelEn: 'List price', value: formatFen(listPrice) },
      { label: '付款方案', labelEn: 'Plans', value: columns.map((c) => c.plan.name).join(' / ') },
      { label: '报价日', labelEn: 'Quoted on', value: quotedOn },
      { label: '有效期至', labelEn: 'Valid until', value: validUntil },
      { label: '置业顾问', labelEn: 'Consultant', value: user.displayName },
    ],
    render: {
      kind: 'purchase-plan',
      input: {
        voided: false,
        project,
        unit: {
          building,
          floor: unit.floor,
          code: unit.code,
          layout: unit.layout,
          layoutName: unit.layoutName,
          grossArea: toNumber(unit.grossArea),
          netArea: toNumber(unit.netArea),
          orientation: unit.orientation,
          listPrice,
        },
        quotedOn,
        validUntil,
        consultant: user.displayName,
        columns,
      },
    },
  };
}
