import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AppError,
  decisionBodySchema,
  emptyBodySchema,
  idSchema,
  priceApprovalRequestSchema,
  projectRefSchema,
  quoteBodySchema,
  redactFloor,
  unitRefSchema,
  type DealQuoteInfo,
} from '@kaipan/shared';
import { canManage, canSell } from '../../domain/principal.js';
import type { Services } from '../../services/index.js';
import { parse, requirePrincipal } from '../context.js';

const approvalRefSchema = z.strictObject({ approvalId: idSchema });
const approvalListQuerySchema = z.strictObject({ status: z.enum(['PENDING', 'APPROVED', 'REJECTED', 'USED', 'CANCELLED']).optional() });

/** Deal quotes and below-floor approvals 底价审批 (docs/pricing.md "Floor price"). */
export function approvalRoutes(app: FastifyInstance, services: Services): void {
  /** Price a deal now (no lock): the consultant's sheet and the 置业计划书. Floors only for managers. */
  app.post('/api/units/:unitId/quote', async (request): Promise<DealQuoteInfo> => {
    const principal = await requirePrincipal(services, request);
    const { unitId } = parse(unitRefSchema, request.params);
    const body = parse(quoteBodySchema, request.body);
    if (!canSell(principal)) throw new AppError('FORBIDDEN', 'Only sales staff can quote.');
    const { projectId } = await services.directory.resolveUnit(unitId);
    await services.directory.assertAccess(principal, projectId);
    // A registered buyer's identity discounts are quoted only for who may select for them.
    if (body.registrationId) await services.registrations.assertSelectable(principal, projectId, body.registrationId);
    const quote = await services.pricing.quote(unitId, body, { registrationId: body.registrationId ?? null, phone: body.phone ?? null }, new Date());
    const plan = quote.plan && { id: quote.plan.id, code: quote.plan.code, name: quote.plan.name, nameEn: quote.plan.nameEn };
    return {
      unitId,
      priceVersion: quote.priceVersion,
      plan,
      breakdown: canManage(principal) ? quote.breakdown : redactFloor(quote.breakdown),
      schedule: quote.schedule,
      belowFloor: quote.breakdown.belowFloor,
    };
  });

  app.post('/api/units/:unitId/price-approvals', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { unitId } = parse(unitRefSchema, request.params);
    const body = parse(priceApprovalRequestSchema, request.body);
    const { approval, created } = await services.approvals.request(principal, unitId, body);
    // 201 for a new request; 200 when the same pending request comes back (a second press).
    return reply.code(created ? 201 : 200).send(approval);
  });

  app.get('/api/projects/:projectId/price-approvals', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const { status } = parse(approvalListQuerySchema, request.query);
    return services.approvals.list(principal, projectId, status);
  });

  app.get('/api/price-approvals/:approvalId', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { approvalId } = parse(approvalRefSchema, request.params);
    return services.approvals.get(principal, approvalId);
  });

  app.post('/api/price-approvals/:approvalId/decision', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { approvalId } = parse(approvalRefSchema, request.params);
    const body = parse(decisionBodySchema, request.body);
    return services.approvals.decide(principal, approvalId, body);
  });

  app.post('/api/price-approvals/:approvalId/withdraw', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { approvalId } = parse(approvalRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return services.approvals.withdraw(principal, approvalId);
  });
}
