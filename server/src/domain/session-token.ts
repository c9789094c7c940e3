/**
 * Session tokens: `v2.<base64url(claims)>.<base64url(HMAC-SHA256)>`.
 * Verification is a constant-time comparison; no storage round trip on the hot path. The claims name
 * their session (`sid`), so a session ended on the server (sign-out, "sign out this phone",
 * deactivation) refuses its token at once although the token itself is still well signed
 * (server/src/services/session-service.ts). Tokens of the earlier format (`v1`, no session) are refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const VERSION = 'v2';

export interface SessionClaims {
  /** user id */
  sub: string;
  /** session id (row of the `sessions` table) */
  sid: string;
  /** expiry, epoch seconds */
  exp: number;
  /**
   * Opened with a password an administrator reset: the session may only choose a new password
   * (register-api.ts refuses every other route, the hub the connection). Fixed for the session's life:
   * the change answers a fresh session without it.
   */
  pwc?: true;
}

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

export function issueSessionToken(secret: string, claims: SessionClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${VERSION}.${body}.${sign(secret, `${VERSION}.${body}`)}`;
}

/** The claims of a valid, unexpired token, or null. */
export function verifySessionToken(secret: string, token: string, nowMs: number): SessionClaims | null {
  if (token.length > 1024) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return null;
  const expected = Buffer.from(sign(secret, `${VERSION}.${parts[1]}`));
  const given = Buffer.from(parts[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Partial<SessionClaims>;
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || typeof claims.exp !== 'number') return null;
    if (claims.exp * 1000 <= nowMs) return null;
    if (claims.pwc !== undefined && claims.pwc !== true) return null;
    return claims as SessionClaims;
  } catch {
    return null;
  }
}
