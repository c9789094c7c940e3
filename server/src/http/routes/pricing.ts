import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/**
 * Price book 价目表 and pricing terms (docs/price-book.md): terms, policy, discount rules, payment
 * plans, identity tags, price-list versions (preview, request, four-eyes decision), unit history.
 */
export function pricingHandlers(services: Services): Handlers<typeof API.pricing> {
  const book = services.priceBook;
  return {
    terms: ({ principal, params, query }) => book.terms(principal, params.projectId, query.all === '1'),
    updateSettings: ({ principal, params, body }) => book.updateSettings(principal, params.projectId, body),
    createDiscount: async ({ principal, params, body, reply }) =>
      reply.code(201).send(await book.createDiscount(principal, params.projectId, body)),
    replaceDiscount: ({ principal, params, body }) => book.replaceDiscount(principal, params.discountId, body),
    createPlan: async ({ principal, params, body, reply }) =>
      reply.code(201).send(await book.createPlan(principal, params.projectId, body)),
    replacePlan: ({ principal, params, body }) => book.replacePlan(principal, params.planId, body),
    setIdentityTags: ({ principal, params, body }) => book.setIdentityTags(principal, params.customerId, body.tags),
    priceLists: ({ principal, params }) => book.listVersions(principal, params.projectId),
    priceListChanges: ({ principal, params }) => book.changes(principal, params.priceListId),
    previewReprice: ({ principal, params, body }) => book.preview(principal, params.projectId, body),
    requestReprice: async ({ principal, params, body, reply }) => {
      const { info, created } = await book.requestReprice(principal, params.projectId, body);
      return reply.code(created ? 201 : 200).send(info);
    },
    decidePriceList: ({ principal, params, body }) => book.decide(principal, params.priceListId, body),
    withdrawPriceList: ({ principal, params }) => book.withdraw(principal, params.priceListId),
    unitHistory: ({ principal, params }) => book.unitHistory(principal, params.unitId),
  };
}
