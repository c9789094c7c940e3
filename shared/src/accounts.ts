/**
 * Accounts and sign-in security (issue 12): sessions a user can see and end, failed sign-ins for
 * admins, and the minimal user administration (deactivate / activate) that user management (issue 14)
 * extends. HTTP: docs/protocol.md "Sessions and accounts".
 */
import { z } from 'zod';
import type { SessionEndedEvent } from './socket-events.js';
import { idSchema } from './schemas.js';

export const userRefSchema = z.strictObject({ userId: idSchema });
export const sessionRefSchema = z.strictObject({ sessionId: idSchema });

/** Why a session ended: signed out, ended by its user or an admin ("sign out this phone"), or its user was deactivated. */
export type SessionEndReason = SessionEndedEvent['reason'];

/** GET /api/auth/sessions (own) and GET /api/users/:id/sessions (admins): live sessions, newest first. */
export const sessionInfoSchema = z.object({
  id: z.string(),
  /** The device id the client sent (`X-Kaipan-Device`) or its user agent at sign-in. */
  device: z.string().nullable(),
  /** Source address at sign-in. */
  address: z.string().nullable(),
  createdAt: z.string(),
  /** Last request or hub command (accurate to about a minute). */
  lastUsedAt: z.string(),
  expiresAt: z.string(),
  /** The session the request itself came from. */
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

/** POST …/revoke answers: the sessions that were ended by this call (0 when already ended). */
export const sessionsEndedResultSchema = z.object({ ended: z.number().int() });
export type SessionsEndedResult = z.infer<typeof sessionsEndedResultSchema>;

/** GET /api/auth/failed-logins (admins): failed sign-ins, newest first. */
export const failedLoginInfoSchema = z.object({
  id: z.string(),
  at: z.string(),
  /** As typed (may name no account). */
  username: z.string(),
  /** Source address (the client's, through a trusted proxy). */
  address: z.string(),
  /** User agent or `X-Kaipan-Device` of the attempt. */
  device: z.string().nullable(),
  /** True when the browser held a trusted-device cookie for this username (it signed in as them before). */
  trustedDevice: z.boolean(),
  /** Failures in a row from this source, this one included. */
  failures: z.number().int(),
  /** How long this source must now wait before its next attempt, seconds (0 while within the free tries). */
  waitSeconds: z.number(),
});
export type FailedLoginInfo = z.infer<typeof failedLoginInfoSchema>;

export const failedLoginPageSchema = z.object({
  items: z.array(failedLoginInfoSchema),
  /** Pass as `before` for the next (older) page; null at the end. */
  next: z.string().nullable(),
});
export type FailedLoginPage = z.infer<typeof failedLoginPageSchema>;

export const failedLoginsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Only entries older than this id (paging). */
  before: z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, 'must be an id from a previous page')
    .optional(),
  /** Only attempts for this username. */
  username: z.string().trim().min(1).max(64).optional(),
});
export type FailedLoginsQuery = z.infer<typeof failedLoginsQuerySchema>;

/** GET /api/users (admins): every account, for the admin screen. */
export const userAccountInfoSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  /** Install-level administrator (roles in projects: GET /api/projects/:projectId/members). */
  admin: z.boolean(),
  active: z.boolean(),
  /** Live (unexpired, not ended) sessions. */
  sessions: z.number().int(),
});
export type UserAccountInfo = z.infer<typeof userAccountInfoSchema>;
