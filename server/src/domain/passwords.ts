/** scrypt password hashes: `scrypt$N$r$p$salt$hash` (base64url). CPU work runs on libuv's pool. */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AppError } from '@kaipan/shared';

const N = 16_384;
const R = 8;
const P = 1;
const KEYLEN = 32;

/**
 * At most two hashes at once: a login storm (hundreds of consultants at 9:00) must not fill
 * libuv's small thread pool, which PostgreSQL's SCRAM handshake and other crypto also need.
 * The queue behind them is bounded too: beyond `maxWaiting` (over a minute of work at ~50 ms per
 * hash) a caller is refused at once with RATE_LIMITED instead of piling up memory and timeouts.
 */
export const SCRYPT_LIMITS = Object.freeze({ maxConcurrent: 2, maxWaiting: 2_000 });
let running = 0;
const waiting: (() => void)[] = [];

/** Hashes running and waiting right now (for tests and metrics). */
export function scryptQueueDepth(): { running: number; waiting: number } {
  return { running, waiting: waiting.length };
}

async function acquire(): Promise<void> {
  if (running < SCRYPT_LIMITS.maxConcurrent) {
    running += 1;
    return;
  }
  if (waiting.length >= SCRYPT_LIMITS.maxWaiting) {
    throw new AppError('RATE_LIMITED', 'Too many logins at once; try again in a moment.');
  }
  // release() hands its slot straight to us: `running` never exceeds the limit in between.
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function release(): void {
  const next = waiting.shift();
  if (next) next();
  else running -= 1;
}

async function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  await acquire();
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      scryptCb(password, salt, KEYLEN, options, (err, key) => (err ? reject(err) : resolve(key)));
    });
  } finally {
    release();
  }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
