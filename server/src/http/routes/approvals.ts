import { redactFloor, type API, type DealQuoteInfo } from '@kaipan/shared';
import { canManage } from '../../domain/principal.js';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/** Deal quotes and below-floor approvals 底价审批 (docs/pricing.md "Floor price"). */
export function approvalHandlers(services: Services): Handlers<typeof API.approvals> {
  const approvals = services.approvals;
  return {
    /** Price a deal now (no lock): the consultant's sheet and the 置业计划书. Floors only for managers. */
    quote: async ({ principal, params: { unitId }, body }): Promise<DealQuoteInfo> => {
      const { projectId } = await services.directory.resolveUnit(unitId);
      await services.directory.assertAccess(principal, projectId);
      // A registered buyer's identity discounts are quoted only for who may select for them.
      if (body.registrationId) await services.registrations.assertSelectable(principal, projectId, body.registrationId);
      const quote = await services.pricing.quote(
        unitId,
        body,
        { registrationId: body.registrationId ?? null, phone: body.phone ?? null },
        new Date(),
      );
      const plan = quote.plan && {
        id: quote.plan.id,
        code: quote.plan.code,
        name: quote.plan.name,
        nameEn: quote.plan.nameEn,
      };
      return {
        unitId,
        priceVersion: quote.priceVersion,
        plan,
        breakdown: canManage(principal) ? quote.breakdown : redactFloor(quote.breakdown),
        schedule: quote.schedule,
        belowFloor: quote.breakdown.belowFloor,
      };
    },
    request: async ({ principal, params, body, reply }) => {
      const { approval, created } = await approvals.request(principal, params.unitId, body);
      // 201 for a new request; 200 when the same pending request comes back (a second press).
      return reply.code(created ? 201 : 200).send(approval);
    },
    list: ({ principal, params, query }) => approvals.list(principal, params.projectId, query.status),
    get: ({ principal, params }) => approvals.get(principal, params.approvalId),
    decide: ({ principal, params, body }) => approvals.decide(principal, params.approvalId, body),
    withdraw: ({ principal, params }) => approvals.withdraw(principal, params.approvalId),
  };
}
