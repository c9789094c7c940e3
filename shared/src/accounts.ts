/**
 * Accounts and sign-in security (issue 12): sessions a user can see and end, failed sign-ins for
 * admins, and the minimal user administration (deactivate / activate) that user management (issue 14)
 * extends. HTTP: docs/protocol.md "Sessions and accounts".
 */
import { z } from 'zod';
import type { SessionEndedEvent } from './socket-events.js';
import { PASSWORD_MAX_LENGTH } from './password-policy.js';
import { idSchema } from './schemas.js';
import { lineText } from './text.js';

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
  /** The latest sign-in (the newest session's start), ISO; null when never signed in. */
  lastSignInAt: z.string().nullable(),
  /** An administrator reset the password: the next sign-in must choose a new one. */
  mustChangePassword: z.boolean(),
  createdAt: z.string(),
});
export type UserAccountInfo = z.infer<typeof userAccountInfoSchema>;

/**
 * A username: 2–32 lowercase letters, digits, `.`, `_` or `-`, starting with a letter or digit — typed
 * on phones at 9:00, printed in the audit trail, never ambiguous in case.
 */
export const usernameSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, 'must be 2–32 lowercase letters, digits, ".", "_" or "-"');

/**
 * A password as sent: any text up to the policy's maximum (the rules themselves — length, not the
 * username, not a common one — are checked by the service with a coded WEAK_PASSWORD answer,
 * shared/src/password-policy.ts).
 */
export const passwordInputSchema = z
  .string()
  .min(1)
  .max(PASSWORD_MAX_LENGTH * 4);

/** POST /api/users (administrators): a new account (no project role until a project's manager adds it). */
export const createUserBodySchema = z.strictObject({
  username: usernameSchema,
  displayName: lineText(50),
  password: passwordInputSchema,
});
export type CreateUserBody = z.infer<typeof createUserBodySchema>;

/** 201 of POST /api/users and of the first run: the new account. */
export const createdUserSchema = z.object({ id: z.string(), username: z.string() });
export type CreatedUser = z.infer<typeof createdUserSchema>;

/**
 * POST /api/users/:userId/reset-password (administrators): the temporary password the admin typed,
 * or none for one the server makes up (answered once, never stored in clear). The user must choose a
 * new one at their next sign-in; their sessions end now.
 */
export const resetPasswordBodySchema = z.strictObject({ password: passwordInputSchema.optional() });
export type ResetPasswordBody = z.infer<typeof resetPasswordBodySchema>;

export const resetPasswordResultSchema = z.object({
  user: userAccountInfoSchema,
  /** The temporary password (shown to the administrator once); null when they typed it. */
  temporaryPassword: z.string().nullable(),
});
export type ResetPasswordResult = z.infer<typeof resetPasswordResultSchema>;

/** POST /api/auth/password: the signed-in user chooses a new password. */
export const changePasswordBodySchema = z.strictObject({
  currentPassword: passwordInputSchema,
  newPassword: passwordInputSchema,
});
export type ChangePasswordBody = z.infer<typeof changePasswordBodySchema>;

/** GET /api/setup/first-run (public): does this install still need its first administrator? */
export const firstRunStatusSchema = z.object({ needed: z.boolean() });
export type FirstRunStatus = z.infer<typeof firstRunStatusSchema>;

/** POST /api/setup/first-run (public, with the setup code the server printed at start). */
export const firstRunBodySchema = z.strictObject({
  /** As printed (`ABCD-EFGH`); case, spaces and dashes do not matter. */
  code: z.string().trim().min(1).max(64),
  username: usernameSchema,
  displayName: lineText(50),
  password: passwordInputSchema,
});
export type FirstRunBody = z.infer<typeof firstRunBodySchema>;
