/**
 * Loaders: read the record behind a document request, check who may print it, and build the
 * renderer's input (plain data) with the facts /verify shows — one file per kind.
 */
import type { DocumentRequestBody, DocumentVariant } from '@kaipan/shared';
import type { UserPrincipal } from '../../domain/principal.js';
import type { Prepared } from '../versions.js';
import { prepareAgreement } from './agreement.js';
import type { LoaderContext } from './context.js';
import { prepareDayEnd } from './day-end.js';
import { prepareDisputePack } from './dispute-pack.js';
import { preparePurchasePlan } from './purchase-plan.js';
import { prepareReceipt } from './receipt.js';

export { prepareAgreement };
export type { LoaderContext };

export function prepareDocument(
  ctx: LoaderContext,
  user: UserPrincipal,
  body: DocumentRequestBody,
  variant: DocumentVariant,
  now: Date,
): Promise<Prepared> {
  switch (body.kind) {
    case 'RECEIPT':
      return prepareReceipt(ctx, user, body.entityId, variant === 'THERMAL_80' ? 'THERMAL_80' : 'A5');
    case 'AGREEMENT':
      return prepareAgreement(ctx, user, body.entityId);
    case 'PURCHASE_PLAN':
      return preparePurchasePlan(ctx, user, body.entityId, body.planIds, body.discountIds ?? [], now);
    case 'DAY_END':
      return prepareDayEnd(ctx, user, body.entityId);
    case 'DISPUTE_PACK':
      return prepareDisputePack(ctx, user, body.entityId);
  }
}
