/** Deal quotes and below-floor approvals 底价审批 (docs/pricing.md "Floor price"). */
import { z } from 'zod';
import {
  dealQuoteInfoSchema,
  decisionBodySchema,
  priceApprovalInfoSchema,
  priceApprovalRequestSchema,
  quoteBodySchema,
} from '../deals.js';
import { emptyBodySchema, idSchema, projectRefSchema, unitRefSchema } from '../schemas.js';
import { defineRoute } from './route.js';

export const approvalRefSchema = z.strictObject({ approvalId: idSchema });
export const approvalListQuerySchema = z.strictObject({
  status: z.enum(['PENDING', 'APPROVED', 'REJECTED', 'USED', 'CANCELLED']).optional(),
});

const PRICING_ERRORS = [
  'PRICE_VERSION_STALE',
  'DISCOUNT_NOT_APPLICABLE',
  'PLAN_NOT_APPLICABLE',
  'ABOVE_FILED_PRICE',
  'APPROVAL_REQUIRED',
  'CONFLICT',
  'INVALID_TRANSITION',
] as const;

export const approvalsApi = {
  quote: defineRoute({
    method: 'POST',
    path: '/api/units/:unitId/quote',
    summary: "Price a deal now (no lock): the consultant's sheet and the 置业计划书; floors only for managers.",
    access: 'sell',
    params: unitRefSchema,
    body: quoteBodySchema,
    responses: { 200: dealQuoteInfoSchema },
    errors: [...PRICING_ERRORS, 'UNIT_NOT_AVAILABLE'],
  }),
  request: defineRoute({
    method: 'POST',
    path: '/api/units/:unitId/price-approvals',
    summary: 'Ask a manager to approve a price below the floor (201; 200 for the same pending request).',
    access: 'sell',
    params: unitRefSchema,
    body: priceApprovalRequestSchema,
    responses: {
      201: priceApprovalInfoSchema,
      200: priceApprovalInfoSchema,
    },
    errors: [...PRICING_ERRORS, 'LOCK_EXPIRED', 'LOCK_HELD', 'UNIT_NOT_AVAILABLE'],
  }),
  list: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/price-approvals',
    summary: 'Price approvals of the project (a consultant: their own).',
    access: 'staff',
    params: projectRefSchema,
    query: approvalListQuerySchema,
    responses: { 200: z.array(priceApprovalInfoSchema) },
    errors: [],
  }),
  get: defineRoute({
    method: 'GET',
    path: '/api/price-approvals/:approvalId',
    summary: 'One price approval.',
    access: 'staff',
    params: approvalRefSchema,
    responses: { 200: priceApprovalInfoSchema },
    errors: [],
  }),
  decide: defineRoute({
    method: 'POST',
    path: '/api/price-approvals/:approvalId/decision',
    summary: 'Approve or reject (another manager than the requester).',
    access: 'manage',
    params: approvalRefSchema,
    body: decisionBodySchema,
    responses: { 200: priceApprovalInfoSchema },
    errors: ['INVALID_TRANSITION', 'CONFLICT'],
  }),
  withdraw: defineRoute({
    method: 'POST',
    path: '/api/price-approvals/:approvalId/withdraw',
    summary: "Withdraw one's own pending request.",
    access: 'work',
    params: approvalRefSchema,
    body: emptyBodySchema,
    responses: { 200: priceApprovalInfoSchema },
    errors: ['INVALID_TRANSITION', 'CONFLICT'],
  }),
};
