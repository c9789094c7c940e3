/**
 * Devices 设备 of a project (boards, kiosks, calling screens, cashier desks) and pairing a screen
 * without typing its key (shared/src/devices.ts; docs/protocol.md "Devices and pairing").
 */
import { z } from 'zod';
import {
  approvePairingBodySchema,
  claimPairingBodySchema,
  createDeviceBodySchema,
  createdDeviceSchema,
  deviceInfoSchema,
  deviceRefSchema,
  pairingClaimSchema,
  pairingInfoSchema,
  pairingRefSchema,
  pendingPairingSchema,
  renameDeviceBodySchema,
  startPairingBodySchema,
} from '../devices.js';
import { emptyBodySchema, projectRefSchema } from '../schemas.js';
import { defineRoute, okResponseSchema } from './route.js';

export const devicesApi = {
  list: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/devices',
    summary: 'The devices of a project that are not revoked, with when each was last seen.',
    access: 'manage',
    params: projectRefSchema,
    responses: { 200: z.array(deviceInfoSchema) },
    errors: [],
  }),
  create: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/devices',
    summary: 'A new device of the project (201); its key is in this answer only. Audited.',
    access: 'manage',
    params: projectRefSchema,
    body: createDeviceBodySchema,
    responses: { 201: createdDeviceSchema },
    errors: [],
  }),
  rename: defineRoute({
    method: 'PATCH',
    path: '/api/devices/:deviceId',
    summary: 'Rename a device. Audited.',
    access: 'manage',
    params: deviceRefSchema,
    body: renameDeviceBodySchema,
    responses: { 200: deviceInfoSchema },
    errors: [],
  }),
  revoke: defineRoute({
    method: 'DELETE',
    path: '/api/devices/:deviceId',
    summary:
      'Revoke a device: its live connections are cut on every server at once and its key is refused with DEVICE_REVOKED. Audited.',
    access: 'manage',
    params: deviceRefSchema,
    body: emptyBodySchema,
    responses: { 200: okResponseSchema },
    errors: [],
  }),

  // ── Pairing ──
  startPairing: defineRoute({
    method: 'POST',
    path: '/api/pairings',
    summary: 'A screen without a key asks for a pairing code (short-lived; per-address throttled).',
    access: 'public',
    body: startPairingBodySchema,
    responses: { 201: pendingPairingSchema },
    errors: ['RATE_LIMITED'],
  }),
  claimPairing: defineRoute({
    method: 'POST',
    path: '/api/pairings/claim',
    summary: 'The waiting screen asks (with its secret) whether it was approved; answers the device key once.',
    access: 'public',
    body: claimPairingBodySchema,
    responses: { 200: pairingClaimSchema },
    errors: ['PAIRING_EXPIRED', 'PAIRING_USED', 'RATE_LIMITED'],
  }),
  showPairing: defineRoute({
    method: 'GET',
    path: '/api/pairings/:code',
    summary: "A waiting screen's pairing code, as the manager's phone shows it before approving.",
    access: 'manage',
    params: pairingRefSchema,
    responses: { 200: pairingInfoSchema },
    errors: ['PAIRING_EXPIRED', 'PAIRING_USED'],
  }),
  approvePairing: defineRoute({
    method: 'POST',
    path: '/api/pairings/:code/approve',
    summary: 'Approve a waiting screen as a named device of a project (201); the screen then claims its key. Audited.',
    access: 'manage',
    params: pairingRefSchema,
    body: approvePairingBodySchema,
    responses: { 201: deviceInfoSchema },
    errors: ['PAIRING_EXPIRED', 'PAIRING_USED'],
  }),
};
