/**
 * Sign-in throttling rules (pure; the state lives in Redis, server/src/services/login-throttle.ts).
 *
 * Failed sign-ins are counted per (username, source), never per username alone: a stranger's wrong
 * guesses slow down that stranger's source, not the real user signing in from elsewhere. The source
 * is the browser's trusted-device id when it holds a valid device cookie for that username (it signed
 * in as that user before — OWASP "device cookies"), else its address. A sales hall behind one NAT
 * address therefore does not share one counter for its trusted laptops and phones.
 *
 * After `freeFailures` failures in a row, each attempt must wait `baseDelayMs · 2^(n − free)` since the
 * last failure, capped at `maxDelayMs`; a successful sign-in starts again from zero.
 */

export interface LoginThrottlePolicy {
  /** Failures in a row that cost nothing (typos on a phone keyboard). */
  freeFailures: number;
  /** Wait after the first failure beyond the free ones, ms; doubles with each further failure. */
  baseDelayMs: number;
  /** Longest wait, ms. */
  maxDelayMs: number;
  /** A (username, source) without any attempt for this long is forgotten, ms. */
  memoryMs: number;
  /**
   * Longest time an attempt is being judged, ms. Beyond the free failures no further attempt is let
   * in while one is being judged (its failure, from which the next wait runs, is not known yet); an
   * attempt whose process died before settling it stops blocking after this long.
   */
  judgingMs: number;
}

export const LOGIN_THROTTLE: LoginThrottlePolicy = {
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  memoryMs: 24 * 3_600_000,
  judgingMs: 30_000,
};

/** The wait (ms) required before the next attempt after `failures` failures in a row. */
export function loginDelayMs(failures: number, policy: LoginThrottlePolicy = LOGIN_THROTTLE): number {
  if (failures < policy.freeFailures) return 0;
  const exponent = failures - policy.freeFailures;
  // 2^exponent overflows nothing before the cap is reached; beyond ~40 doublings it is the cap anyway.
  return exponent >= 40 ? policy.maxDelayMs : Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}

/**
 * The waits for 0, 1, 2 … failures up to the first capped one (which then repeats): what the Redis
 * script indexes, so the rule is written once, here.
 */
export function loginDelaySchedule(policy: LoginThrottlePolicy = LOGIN_THROTTLE): number[] {
  const schedule: number[] = [];
  for (let n = 0; ; n++) {
    const delay = loginDelayMs(n, policy);
    schedule.push(delay);
    if (delay >= policy.maxDelayMs) return schedule;
  }
}

/**
 * The address part of a source: IPv4 as is (also when IPv4-mapped, `::ffff:1.2.3.4`), IPv6 by its
 * /64 prefix — one subscriber line holds a whole /64, so counting single IPv6 addresses would let a
 * guesser rotate through billions of fresh counters.
 */
export function addressSource(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** Who an attempt is counted against besides its username: a trusted device, else an address. */
export function throttleSource(input: { trustedDevice: string | null; ip: string }): string {
  return input.trustedDevice ? `device:${input.trustedDevice}` : `addr:${addressSource(input.ip)}`;
}
