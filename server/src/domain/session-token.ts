/**
 * Stateless session tokens: `v1.<base64url(claims)>.<base64url(HMAC-SHA256)>`.
 * Verification is a constant-time comparison; no storage round trip on the hot path.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ROLES, type Role } from '@kaipan/shared';

export interface SessionClaims {
  /** user id */
  sub: string;
  role: Role;
  /** expiry, epoch seconds */
  exp: number;
}

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

export function issueSessionToken(secret: string, claims: SessionClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `v1.${body}.${sign(secret, `v1.${body}`)}`;
}

/** The claims of a valid, unexpired token, or null. */
export function verifySessionToken(secret: string, token: string, nowMs: number): SessionClaims | null {
  if (token.length > 1024) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1') return null;
  const expected = Buffer.from(sign(secret, `v1.${parts[1]}`));
  const given = Buffer.from(parts[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Partial<SessionClaims>;
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return null;
    if (!ROLES.includes(claims.role as Role)) return null;
    if (claims.exp * 1000 <= nowMs) return null;
    return claims as SessionClaims;
  } catch {
    return null;
  }
}
