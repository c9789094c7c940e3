/**
 * Price book 价目表 and pricing terms (docs/price-book.md): terms, policy, discount rules, payment
 * plans, identity tags, price-list versions (preview, request, four-eyes decision), unit history.
 */
import { z } from 'zod';
import { customerRefSchema } from '../customers.js';
import {
  decisionBodySchema,
  discountRuleBodySchema,
  discountRuleInfoSchema,
  identityTagsBodySchema,
  paymentPlanBodySchema,
  paymentPlanInfoSchema,
  priceListChangeSchema,
  priceListInfoSchema,
  pricingSettingsSchema,
  pricingTermsSchema,
  repricePreviewResultSchema,
  repriceRequestSchema,
  unitPriceHistoryRowSchema,
} from '../deals.js';
import { repriceBodySchema } from '../pricing.js';
import { emptyBodySchema, idSchema, projectRefSchema, unitRefSchema } from '../schemas.js';
import { defineRoute } from './route.js';

export const discountRefSchema = z.strictObject({ discountId: idSchema });
export const planRefSchema = z.strictObject({ planId: idSchema });
export const priceListRefSchema = z.strictObject({ priceListId: idSchema });
/** `all=1`: every rule and plan, inactive ones too (managers). */
export const termsQuerySchema = z.strictObject({ all: z.enum(['0', '1']).optional() });

const WRITE_ERRORS = ['CONFLICT', 'INVALID_TRANSITION'] as const;

export const pricingApi = {
  terms: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/pricing',
    summary: 'Pricing terms: policy, discount rules, payment plans, identity tags.',
    access: 'signedIn',
    params: projectRefSchema,
    query: termsQuerySchema,
    responses: { 200: pricingTermsSchema },
    errors: [],
  }),
  updateSettings: defineRoute({
    method: 'PATCH',
    path: '/api/projects/:projectId/pricing',
    summary: 'The pricing policy (rounding, floor rule, kind order).',
    access: 'manage',
    params: projectRefSchema,
    body: pricingSettingsSchema,
    responses: { 200: pricingTermsSchema },
    errors: WRITE_ERRORS,
  }),
  createDiscount: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/discounts',
    summary: 'A new discount rule.',
    access: 'manage',
    params: projectRefSchema,
    body: discountRuleBodySchema,
    responses: { 201: discountRuleInfoSchema },
    errors: WRITE_ERRORS,
  }),
  replaceDiscount: defineRoute({
    method: 'PUT',
    path: '/api/discounts/:discountId',
    summary: 'Replace a discount rule.',
    access: 'manage',
    params: discountRefSchema,
    body: discountRuleBodySchema,
    responses: { 200: discountRuleInfoSchema },
    errors: WRITE_ERRORS,
  }),
  createPlan: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/payment-plans',
    summary: 'A new payment plan.',
    access: 'manage',
    params: projectRefSchema,
    body: paymentPlanBodySchema,
    responses: { 201: paymentPlanInfoSchema },
    errors: WRITE_ERRORS,
  }),
  replacePlan: defineRoute({
    method: 'PUT',
    path: '/api/payment-plans/:planId',
    summary: 'Replace a payment plan.',
    access: 'manage',
    params: planRefSchema,
    body: paymentPlanBodySchema,
    responses: { 200: paymentPlanInfoSchema },
    errors: WRITE_ERRORS,
  }),
  setIdentityTags: defineRoute({
    method: 'PUT',
    path: '/api/customers/:customerId/identity-tags',
    summary: "A customer's identity tags (for identity discounts).",
    access: 'manage',
    params: customerRefSchema,
    body: identityTagsBodySchema,
    responses: { 200: z.object({ customerId: z.string(), tags: z.array(z.string()) }) },
    errors: WRITE_ERRORS,
  }),
  priceLists: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/price-lists',
    summary: 'Price-list versions of the project.',
    access: 'manage',
    params: projectRefSchema,
    responses: { 200: z.array(priceListInfoSchema) },
    errors: [],
  }),
  priceListChanges: defineRoute({
    method: 'GET',
    path: '/api/price-lists/:priceListId/changes',
    summary: 'The unit price changes of a version.',
    access: 'manage',
    params: priceListRefSchema,
    responses: { 200: z.array(priceListChangeSchema) },
    errors: [],
  }),
  previewReprice: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/price-lists/preview',
    summary: 'What a repricing would change (nothing is stored).',
    access: 'manage',
    params: projectRefSchema,
    body: repriceBodySchema,
    responses: { 200: repricePreviewResultSchema },
    errors: WRITE_ERRORS,
  }),
  requestReprice: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/price-lists',
    summary: 'Propose a new price-list version (four-eyes; 201, 200 for the same pending proposal).',
    access: 'manage',
    params: projectRefSchema,
    body: repriceRequestSchema,
    responses: { 201: priceListInfoSchema, 200: priceListInfoSchema },
    errors: WRITE_ERRORS,
  }),
  decidePriceList: defineRoute({
    method: 'POST',
    path: '/api/price-lists/:priceListId/decision',
    summary: 'Approve (activate) or reject a proposed version (another manager).',
    access: 'manage',
    params: priceListRefSchema,
    body: decisionBodySchema,
    responses: { 200: priceListInfoSchema },
    errors: [...WRITE_ERRORS, 'PRICE_VERSION_STALE'],
  }),
  withdrawPriceList: defineRoute({
    method: 'POST',
    path: '/api/price-lists/:priceListId/withdraw',
    summary: 'The requester takes a pending version back (WITHDRAWN; docs/approvals.md).',
    access: 'manage',
    params: priceListRefSchema,
    body: emptyBodySchema,
    responses: { 200: priceListInfoSchema },
    errors: WRITE_ERRORS,
  }),
  unitHistory: defineRoute({
    method: 'GET',
    path: '/api/units/:unitId/price-history',
    summary: "A unit's prices across versions.",
    access: 'manage',
    params: unitRefSchema,
    responses: { 200: z.array(unitPriceHistoryRowSchema) },
    errors: [],
  }),
};
