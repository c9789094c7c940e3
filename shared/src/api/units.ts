/** The hub's unit commands over HTTP (lock, release, confirm), withhold/unwithhold for managers. */
import {
  confirmBodySchema,
  emptyBodySchema,
  lockBodySchema,
  releaseBodySchema,
  unitRefSchema,
  withholdBodySchema,
} from '../schemas.js';
import { confirmResultSchema, lockResultSchema, unitStateSchema } from '../protocol.js';
import { defineRoute } from './route.js';

/** Refusals of the selling commands (docs/protocol.md "Errors"). */
const SELLING_ERRORS = [
  'UNIT_NOT_AVAILABLE',
  'NOT_RELEASED',
  'LOCK_HELD',
  'LOCK_EXPIRED',
  'LOCK_LIMIT',
  'SALES_PAUSED',
  'CONFLICT',
  'ENTITLEMENT_EXCEEDED',
  'REGISTRATION_REQUIRED',
  'SELECTION_NOT_OPEN',
  'RATE_LIMITED',
] as const;

export const unitsApi = {
  lock: defineRoute({
    method: 'POST',
    path: '/api/units/:unitId/lock',
    summary: 'Lock a unit for the caller (as the hub command unit:lock).',
    access: 'sell',
    params: unitRefSchema,
    body: lockBodySchema,
    responses: { 200: lockResultSchema },
    errors: SELLING_ERRORS,
  }),
  release: defineRoute({
    method: 'POST',
    path: '/api/units/:unitId/release',
    summary: "Release the caller's lock (fencing token).",
    access: 'sell',
    params: unitRefSchema,
    body: releaseBodySchema,
    responses: { 200: unitRefSchema },
    errors: SELLING_ERRORS,
  }),
  confirm: defineRoute({
    method: 'POST',
    path: '/api/units/:unitId/confirm',
    summary: 'Confirm the sale of a locked unit: the deal at the quoted price and terms.',
    access: 'sell',
    params: unitRefSchema,
    body: confirmBodySchema,
    responses: { 200: confirmResultSchema },
    errors: [
      ...SELLING_ERRORS,
      'PRICE_VERSION_STALE',
      'APPROVAL_REQUIRED',
      'DISCOUNT_NOT_APPLICABLE',
      'PLAN_NOT_APPLICABLE',
      'ABOVE_FILED_PRICE',
      'DUPLICATE_CUSTOMER',
      'INVALID_TRANSITION',
    ],
  }),
  withhold: defineRoute({
    method: 'POST',
    path: '/api/units/:unitId/withhold',
    summary: 'Withhold 保留 an available unit from sale, with a reason.',
    access: 'manage',
    params: unitRefSchema,
    body: withholdBodySchema,
    responses: { 200: unitStateSchema },
    errors: ['INVALID_TRANSITION', 'UNIT_NOT_AVAILABLE', 'NOT_RELEASED', 'LOCK_HELD', 'CONFLICT'],
  }),
  unwithhold: defineRoute({
    method: 'POST',
    path: '/api/units/:unitId/unwithhold',
    summary: 'Put a withheld unit back on sale.',
    access: 'manage',
    params: unitRefSchema,
    body: emptyBodySchema,
    responses: { 200: unitStateSchema },
    errors: ['INVALID_TRANSITION', 'UNIT_NOT_AVAILABLE', 'CONFLICT'],
  }),
};
