/** Pre-registration 认筹: create, overview (with the oversubscription warning), cancel, entitlement. */
import {
  createRegistrationSchema,
  entitlementBodySchema,
  registrationInfoSchema,
  registrationOverviewSchema,
  registrationRefSchema,
} from '../registrations.js';
import { emptyBodySchema, projectRefSchema } from '../schemas.js';
import { defineRoute } from './route.js';

export const registrationsApi = {
  create: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/registrations',
    summary: 'Register a buyer 认筹.',
    access: 'work',
    params: projectRefSchema,
    body: createRegistrationSchema,
    responses: { 201: registrationInfoSchema },
    errors: ['ALREADY_REGISTERED', 'DUPLICATE_CUSTOMER', 'CONFLICT'],
  }),
  overview: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/registrations',
    summary: 'Registrations of the project with the oversubscription warning.',
    access: 'staff',
    params: projectRefSchema,
    responses: { 200: registrationOverviewSchema },
    errors: [],
  }),
  get: defineRoute({
    method: 'GET',
    path: '/api/registrations/:registrationId',
    summary: 'One registration.',
    access: 'staff',
    params: registrationRefSchema,
    responses: { 200: registrationInfoSchema },
    errors: [],
  }),
  cancel: defineRoute({
    method: 'POST',
    path: '/api/registrations/:registrationId/cancel',
    summary: 'Cancel a registration.',
    access: 'work',
    params: registrationRefSchema,
    body: emptyBodySchema,
    responses: { 200: registrationInfoSchema },
    errors: ['INVALID_TRANSITION', 'CONFLICT'],
  }),
  setEntitlement: defineRoute({
    method: 'POST',
    path: '/api/registrations/:registrationId/entitlement',
    summary: 'How many units the registration may select.',
    access: 'work',
    params: registrationRefSchema,
    body: entitlementBodySchema,
    responses: { 200: registrationInfoSchema },
    errors: ['INVALID_TRANSITION', 'CONFLICT'],
  }),
};
