/**
 * What a change will cost, priced now: the preview an approver sees (computed at request time), the
 * 换房 target quoted with the subscription's plan and discounts (again at execution: the price must
 * still be the approved one), and the payment schedule rebuilt for a 调价.
 */
import {
  AppError,
  buildSchedule,
  paymentPlanSchema,
  type ChangeRequestBody,
  type PriceBreakdown,
  type ScheduleItem,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { PricingService } from '../services/pricing-service.js';
import type { ProjectDirectory } from '../services/project-directory.js';
import type { SubscriptionRow } from './views.js';

/** 换房 preview: the target unit quoted with the subscription's plan and discounts. */
export interface UnitChangePreview {
  targetUnitId: string;
  targetUnitCode: string;
  oldPrice: number;
  priceVersion: number;
  /** The pricing-terms version it was priced with (absent in previews stored before it existed). */
  termsVersion?: number;
  listPrice: number;
  floorPrice: number;
  finalPrice: number;
  belowFloor: boolean;
  plan: { id: string; code: string; name: string; nameEn: string } | null;
  discountIds: string[];
  breakdown: PriceBreakdown;
  schedule: ScheduleItem[] | null;
}

/** The discount rules a stored breakdown was computed with (applied steps + BEST_SINGLE's unused). */
function discountIdsOf(breakdown: unknown): string[] {
  const b = breakdown as Partial<PriceBreakdown> | null;
  if (!b) return [];
  const ids = [...(b.steps ?? []).map((s) => s.ruleId), ...(b.unusedRuleIds ?? [])];
  return [...new Set(ids)];
}

export class ChangePricing {
  constructor(
    private readonly db: Db,
    private readonly pricing: PricingService,
    private readonly directory: ProjectDirectory,
  ) {}

  /** What the request will do, shown to the approver (VALIDATION_FAILED for a change that changes nothing). */
  async preview(sub: SubscriptionRow, body: ChangeRequestBody): Promise<Record<string, unknown>> {
    const oldPrice = Number(sub.price);
    switch (body.kind) {
      case 'UNIT_CHANGE': {
        const quote = await this.quoteTarget(sub, body.targetUnitId, new Date());
        return { ...quote, oldPrice };
      }
      case 'CANCEL':
        return { refund: 'DUE', price: oldPrice };
      case 'BUYER_CHANGE': {
        if (body.buyer.name === sub.buyerName && body.buyer.phone === sub.buyerPhone) {
          throw new AppError('VALIDATION_FAILED', 'The new buyer is the current buyer.', [
            { path: 'buyer', message: 'unchanged' },
          ]);
        }
        return {
          old: { name: sub.buyerName, phone: sub.buyerPhone },
          new: { name: body.buyer.name, phone: body.buyer.phone },
        };
      }
      case 'PRICE_CHANGE': {
        if (body.finalPrice === oldPrice) {
          throw new AppError('VALIDATION_FAILED', 'The new price is the current price.', [
            { path: 'finalPrice', message: 'unchanged' },
          ]);
        }
        const schedule = await this.scheduleFor(sub, body.finalPrice);
        const floor = sub.floorPrice === null ? null : Number(sub.floorPrice);
        return {
          oldPrice,
          newPrice: body.finalPrice,
          belowFloor: floor !== null && body.finalPrice < floor,
          floorPrice: floor,
          schedule,
        };
      }
    }
  }

  /** The target of a 换房 quoted now with the subscription's plan and discounts (UNIT_NOT_AVAILABLE unless AVAILABLE). */
  async quoteTarget(sub: SubscriptionRow, targetUnitId: string, at: Date): Promise<UnitChangePreview> {
    if (targetUnitId === sub.unitId) {
      throw new AppError('VALIDATION_FAILED', 'The target is the subscription’s own unit.', [
        { path: 'targetUnitId', message: 'same unit' },
      ]);
    }
    const target = await this.db.unit.findUnique({
      where: { id: targetUnitId },
      select: { projectId: true, code: true, status: true },
    });
    if (!target || target.projectId !== sub.projectId) throw new AppError('NOT_FOUND', 'No such unit in this project.');
    if (target.status !== 'AVAILABLE')
      throw new AppError('UNIT_NOT_AVAILABLE', `Unit ${target.code} is not available.`);
    const discountIds = discountIdsOf(sub.breakdown);
    const quote = await this.pricing.quote(
      targetUnitId,
      { planId: sub.planId ?? undefined, discountIds },
      sub.registrationId ? { registrationId: sub.registrationId } : { phone: sub.buyerPhone },
      at,
    );
    return {
      targetUnitId,
      targetUnitCode: target.code,
      oldPrice: Number(sub.price),
      priceVersion: quote.priceVersion,
      termsVersion: quote.termsVersion,
      listPrice: quote.listPrice,
      floorPrice: quote.floorPrice,
      finalPrice: quote.breakdown.finalPrice,
      belowFloor: quote.breakdown.belowFloor,
      plan: quote.plan
        ? { id: quote.plan.id, code: quote.plan.code, name: quote.plan.name, nameEn: quote.plan.nameEn }
        : null,
      discountIds,
      breakdown: quote.breakdown,
      schedule: quote.schedule,
    };
  }

  /** The subscription's plan schedule rebuilt for a new price (signing date unchanged). */
  async scheduleFor(sub: SubscriptionRow, finalPrice: number): Promise<ScheduleItem[] | null> {
    if (!sub.plan) return null;
    const plan = paymentPlanSchema.safeParse(sub.plan.terms);
    if (!plan.success) throw new AppError('INTERNAL', 'A stored payment plan is not valid.');
    const project = await this.directory.getProject(sub.projectId);
    const built = buildSchedule(plan.data, finalPrice, sub.createdAt.toISOString(), project.timezone);
    if (!built.ok) throw new AppError('PLAN_NOT_APPLICABLE', built.message, { reason: built.code });
    return built.schedule;
  }

  /** Forget the cached pricing terms of a project (they changed under a 换房 being executed). */
  forgetTerms(projectId: string): void {
    this.pricing.forget(projectId);
  }
}
