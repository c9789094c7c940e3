/**
 * Trusted-device cookies (OWASP "device cookies" against lockout): a browser that signed in as a user
 * gets a signed cookie naming that user and a random device id. Its later sign-in attempts for that
 * user are counted against the device, not against the address it shares with the rest of the hall,
 * so a stranger's failures elsewhere never slow it down (server/src/domain/login-throttle.ts).
 *
 * Value: `d1.<base64url({u: username, d: deviceId, iat})>.<base64url(HMAC-SHA256)>`, keyed with a key
 * derived from the auth secret (never verifiable as a session token, nor the reverse). One cookie per
 * username (the name carries a hash of it), so a laptop shared by a manager and a cashier keeps both.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 'd1';
/** How long a browser stays trusted after its last successful sign-in, seconds. */
export const DEVICE_COOKIE_MAX_AGE_S = 180 * 24 * 3600;
/** Only sent to the sign-in route. */
export const DEVICE_COOKIE_PATH = '/api/auth';

/** The cookie for one username: `kaipan_dev_<16 hex of SHA-256(username)>`. */
export function deviceCookieName(username: string): string {
  return `kaipan_dev_${createHash('sha256').update(username).digest('hex').slice(0, 16)}`;
}

function key(secret: string): Buffer {
  return createHmac('sha256', secret).update('kaipan device cookie v1').digest();
}

function sign(secret: string, body: string): string {
  return createHmac('sha256', key(secret)).update(body).digest('base64url');
}

export function newDeviceId(): string {
  return randomBytes(12).toString('base64url');
}

export function issueDeviceCookie(secret: string, username: string, deviceId: string, nowMs: number): string {
  const body = Buffer.from(JSON.stringify({ u: username, d: deviceId, iat: Math.floor(nowMs / 1000) })).toString(
    'base64url',
  );
  return `${VERSION}.${body}.${sign(secret, `${VERSION}.${body}`)}`;
}

/** The device id of a valid, unexpired cookie issued for `username`, or null. */
export function verifyDeviceCookie(
  secret: string,
  value: string | undefined,
  username: string,
  nowMs: number,
): string | null {
  if (!value || value.length > 512) return null;
  const parts = value.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return null;
  const expected = Buffer.from(sign(secret, `${VERSION}.${parts[1]}`));
  const given = Buffer.from(parts[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as {
      u?: unknown;
      d?: unknown;
      iat?: unknown;
    };
    if (claims.u !== username || typeof claims.d !== 'string' || !/^[A-Za-z0-9_-]{8,32}$/.test(claims.d)) return null;
    if (typeof claims.iat !== 'number' || (claims.iat + DEVICE_COOKIE_MAX_AGE_S) * 1000 <= nowMs) return null;
    return claims.d;
  } catch {
    return null;
  }
}
