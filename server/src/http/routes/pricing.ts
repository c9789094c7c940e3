import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  customerRefSchema,
  decisionBodySchema,
  emptyBodySchema,
  discountRuleBodySchema,
  idSchema,
  identityTagsBodySchema,
  paymentPlanBodySchema,
  pricingSettingsSchema,
  projectRefSchema,
  repriceBodySchema,
  repriceRequestSchema,
  unitRefSchema,
} from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import { parse, requirePrincipal } from '../context.js';

const discountRefSchema = z.strictObject({ discountId: idSchema });
const planRefSchema = z.strictObject({ planId: idSchema });
const priceListRefSchema = z.strictObject({ priceListId: idSchema });
const termsQuerySchema = z.strictObject({ all: z.enum(['0', '1']).optional() });

/**
 * Price book 价目表 and pricing terms (docs/price-book.md): terms, policy, discount rules, payment
 * plans, identity tags, price-list versions (preview, request, four-eyes decision), unit history.
 */
export function pricingRoutes(app: FastifyInstance, services: Services): void {
  app.get('/api/projects/:projectId/pricing', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const { all } = parse(termsQuerySchema, request.query);
    return services.priceBook.terms(principal, projectId, all === '1');
  });

  app.patch('/api/projects/:projectId/pricing', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(pricingSettingsSchema, request.body);
    return services.priceBook.updateSettings(principal, projectId, body);
  });

  app.post('/api/projects/:projectId/discounts', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(discountRuleBodySchema, request.body);
    return reply.code(201).send(await services.priceBook.createDiscount(principal, projectId, body));
  });

  app.put('/api/discounts/:discountId', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { discountId } = parse(discountRefSchema, request.params);
    const body = parse(discountRuleBodySchema, request.body);
    return services.priceBook.replaceDiscount(principal, discountId, body);
  });

  app.post('/api/projects/:projectId/payment-plans', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(paymentPlanBodySchema, request.body);
    return reply.code(201).send(await services.priceBook.createPlan(principal, projectId, body));
  });

  app.put('/api/payment-plans/:planId', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { planId } = parse(planRefSchema, request.params);
    const body = parse(paymentPlanBodySchema, request.body);
    return services.priceBook.replacePlan(principal, planId, body);
  });

  app.put('/api/customers/:customerId/identity-tags', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { customerId } = parse(customerRefSchema, request.params);
    const { tags } = parse(identityTagsBodySchema, request.body);
    return services.priceBook.setIdentityTags(principal, customerId, tags);
  });

  app.get('/api/projects/:projectId/price-lists', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return services.priceBook.listVersions(principal, projectId);
  });

  app.get('/api/price-lists/:priceListId/changes', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { priceListId } = parse(priceListRefSchema, request.params);
    return services.priceBook.changes(principal, priceListId);
  });

  app.post('/api/projects/:projectId/price-lists/preview', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(repriceBodySchema, request.body);
    return services.priceBook.preview(principal, projectId, body);
  });

  app.post('/api/projects/:projectId/price-lists', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(repriceRequestSchema, request.body);
    const { info, created } = await services.priceBook.requestReprice(principal, projectId, body);
    return reply.code(created ? 201 : 200).send(info);
  });

  app.post('/api/price-lists/:priceListId/decision', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { priceListId } = parse(priceListRefSchema, request.params);
    const body = parse(decisionBodySchema, request.body);
    return services.priceBook.decide(principal, priceListId, body);
  });

  app.post('/api/price-lists/:priceListId/withdraw', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { priceListId } = parse(priceListRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return services.priceBook.withdraw(principal, priceListId);
  });

  app.get('/api/units/:unitId/price-history', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { unitId } = parse(unitRefSchema, request.params);
    return services.priceBook.unitHistory(principal, unitId);
  });
}
