/** Subscriptions 认购 and their change requests 换房/退房/更名/调价 (docs/change-requests.md). */
import { z } from 'zod';
import {
  changeRequestBodySchema,
  changeRequestInfoSchema,
  decisionBodySchema,
  subscriptionDetailSchema,
  subscriptionInfoSchema,
} from '../deals.js';
import { emptyBodySchema, idSchema, projectRefSchema } from '../schemas.js';
import { defineRoute } from './route.js';

export const subscriptionRefSchema = z.strictObject({ subscriptionId: idSchema });
export const changeRefSchema = z.strictObject({ requestId: idSchema });
export const subscriptionQuerySchema = z.strictObject({
  status: z.enum(['ACTIVE', 'CANCELLED', 'CONTRACTED', 'CHANGED']).optional(),
  q: z.string().trim().max(50).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export const changeQuerySchema = z.strictObject({
  status: z.enum(['PENDING', 'APPROVED', 'REJECTED', 'EXECUTED', 'WITHDRAWN']).optional(),
});

const CHANGE_ERRORS = [
  'INVALID_TRANSITION',
  'CONFLICT',
  'UNIT_NOT_AVAILABLE',
  'NOT_RELEASED',
  'LOCK_HELD',
  'PRICE_VERSION_STALE',
  'APPROVAL_REQUIRED',
  'DISCOUNT_NOT_APPLICABLE',
  'PLAN_NOT_APPLICABLE',
  'ABOVE_FILED_PRICE',
  'SALES_PAUSED',
] as const;

export const changesApi = {
  subscriptions: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/subscriptions',
    summary: 'Subscriptions 认购 of the project (a consultant: their own).',
    access: 'sell',
    params: projectRefSchema,
    query: subscriptionQuerySchema,
    responses: { 200: z.array(subscriptionInfoSchema) },
    errors: [],
  }),
  subscription: defineRoute({
    method: 'GET',
    path: '/api/subscriptions/:subscriptionId',
    summary: 'One subscription with its history.',
    access: 'sell',
    params: subscriptionRefSchema,
    responses: { 200: subscriptionDetailSchema },
    errors: [],
  }),
  request: defineRoute({
    method: 'POST',
    path: '/api/change-requests',
    summary: 'Request a change (201; 200 for the same pending request).',
    access: 'sell',
    body: changeRequestBodySchema,
    responses: {
      201: changeRequestInfoSchema,
      200: changeRequestInfoSchema,
    },
    errors: CHANGE_ERRORS,
  }),
  list: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/change-requests',
    summary: 'Change requests of the project.',
    access: 'staff',
    params: projectRefSchema,
    query: changeQuerySchema,
    responses: { 200: z.array(changeRequestInfoSchema) },
    errors: [],
  }),
  decide: defineRoute({
    method: 'POST',
    path: '/api/change-requests/:requestId/decision',
    summary: 'Approve or reject a change request.',
    access: 'work',
    params: changeRefSchema,
    body: decisionBodySchema,
    responses: { 200: changeRequestInfoSchema },
    errors: CHANGE_ERRORS,
  }),
  withdraw: defineRoute({
    method: 'POST',
    path: '/api/change-requests/:requestId/withdraw',
    summary: "Withdraw one's own pending request.",
    access: 'work',
    params: changeRefSchema,
    body: emptyBodySchema,
    responses: { 200: changeRequestInfoSchema },
    errors: CHANGE_ERRORS,
  }),
  execute: defineRoute({
    method: 'POST',
    path: '/api/change-requests/:requestId/execute',
    summary: 'Carry out an approved change.',
    access: 'work',
    params: changeRefSchema,
    body: emptyBodySchema,
    responses: { 200: changeRequestInfoSchema },
    errors: CHANGE_ERRORS,
  }),
};
