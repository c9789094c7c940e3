/**
 * Verifiable lottery (摇号): decides the selection order of registered buyers so that anyone can
 * check afterwards that nobody chose the result. Pure and browser-safe (no node:crypto); the full
 * algorithm is specified here and in docs/lottery.md so it can be reimplemented independently.
 *
 * Protocol: `seedCommitment` (of a secret 32-byte random seed) is published before the eligible list is
 * frozen, `listCommitment` when it is frozen, and only then is the seed revealed; the published record
 * (seed, list, order) is checked against both by {@link verifyDraw}. Seed first matters: whoever knows
 * the list before committing to a seed could try seeds until one favours a buyer.
 *
 * Algorithm `kaipan-lottery-v1`:
 * 1. Canonical list: registration numbers (each /^[A-Za-z0-9-]{1,32}$/, case-sensitive, no
 *    duplicates, at least one) sorted ascending by UTF-16 code units — for this ASCII alphabet that is
 *    byte order, i.e. `LC_ALL=C sort` — each followed by "\n", encoded as UTF-8.
 * 2. listCommitment = lowercase hex SHA-256 of the canonical list bytes.
 * 3. seed = 64 lowercase hex characters (32 bytes); seedCommitment = lowercase hex SHA-256 of those
 *    32 bytes (not of the hex text): `echo -n $SEED | xxd -r -p | sha256sum`.
 * 4. Order: start from the sorted list `a` (n entries). For i = n-1 down to 1:
 *    - for attempt = 0, 1, 2, …: msg = "kaipan-lottery-v1:" + i when attempt = 0, otherwise
 *      "kaipan-lottery-v1:" + i + ":" + attempt (decimal, no padding, UTF-8);
 *      v = first 4 bytes of HMAC-SHA256(key = the 32 seed bytes, msg) as a big-endian uint32;
 *      accept when v < limit, where limit = floor(2^32 / (i+1)) * (i+1) (rejection removes modulo bias);
 *    - j = v mod (i+1); swap a[i] and a[j].
 *    The result `a` is the order: a[0] selects first.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';

export const LOTTERY_VERSION = 'kaipan-lottery-v1';

const REGISTRATION_NO = /^[A-Za-z0-9-]{1,32}$/;
const HEX32 = /^[0-9a-f]{64}$/;
/** Upper bound on a published list; keeps verification in a browser tab to about a second. */
export const LOTTERY_MAX_ENTRIES = 100_000;

/** Registration number (认筹号) as it appears in a lottery list: 1–32 ASCII letters, digits or '-'. */
export const registrationNoSchema = z.string().regex(REGISTRATION_NO, 'must be 1–32 letters, digits or "-"');

/** Total order of the canonical list: plain UTF-16 code-unit comparison (not locale-aware). */
const compareCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Validates and sorts registration numbers; throws an Error naming the first bad or duplicate one. */
function sortedList(numbers: readonly string[]): string[] {
  if (numbers.length === 0) throw new Error('lottery list is empty');
  if (numbers.length > LOTTERY_MAX_ENTRIES)
    throw new Error(`lottery list has more than ${LOTTERY_MAX_ENTRIES} entries`);
  for (const n of numbers) {
    if (!REGISTRATION_NO.test(n)) throw new Error(`invalid registration number ${JSON.stringify(n)}`);
  }
  const sorted = [...numbers].sort(compareCodeUnits);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw new Error(`duplicate registration number ${JSON.stringify(sorted[i])}`);
  }
  return sorted;
}

/** Canonical text of the list: sorted numbers, each followed by "\n". Input order does not matter. */
export function canonicalList(numbers: readonly string[]): string {
  return sortedList(numbers)
    .map((n) => `${n}\n`)
    .join('');
}

/** Lowercase hex SHA-256 of the UTF-8 canonical list. */
export function listCommitment(numbers: readonly string[]): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalList(numbers))));
}

/** True for a seed in its published form: exactly 64 lowercase hex characters (32 bytes). */
export function isValidSeed(seedHex: string): boolean {
  return HEX32.test(seedHex);
}

function seedBytes(seedHex: string): Uint8Array {
  if (!isValidSeed(seedHex)) throw new Error('seed must be 64 lowercase hex characters (32 bytes)');
  return hexToBytes(seedHex);
}

/** Lowercase hex SHA-256 of the 32 seed bytes (not of the hex text). */
export function seedCommitment(seedHex: string): string {
  return bytesToHex(sha256(seedBytes(seedHex)));
}

/**
 * Selection order: HMAC-SHA256-driven Fisher–Yates shuffle of the canonical (sorted) list, exactly as
 * specified in the module comment. Deterministic in (set of numbers, seed); input order is irrelevant.
 */
export function drawOrder(numbers: readonly string[], seedHex: string): string[] {
  const a = sortedList(numbers);
  const keyed = hmac.create(sha256, seedBytes(seedHex)); // key schedule once; cloned per message
  for (let i = a.length - 1; i >= 1; i--) {
    const range = i + 1;
    const limit = Math.floor(2 ** 32 / range) * range;
    for (let attempt = 0; ; attempt++) {
      const msg = attempt === 0 ? `${LOTTERY_VERSION}:${i}` : `${LOTTERY_VERSION}:${i}:${attempt}`;
      const mac = keyed.clone().update(utf8ToBytes(msg)).digest();
      const v = new DataView(mac.buffer, mac.byteOffset, 4).getUint32(0, false);
      if (v < limit) {
        const j = v % range;
        [a[i], a[j]] = [a[j] as string, a[i] as string];
        break;
      }
    }
  }
  return a;
}

const hex32Schema = z.string().regex(HEX32, 'must be 64 lowercase hex characters');

/** A published draw (摇号结果公示). Strict: unknown fields are rejected. */
export const lotteryRecordSchema = z.strictObject({
  version: z.literal(LOTTERY_VERSION),
  projectCode: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, "_" or "-"'),
  /** When the draw took place, ISO 8601 with offset, e.g. 2025-05-01T09:30:00+08:00. */
  drawnAt: z.iso.datetime({ offset: true }),
  /** Published before the draw: {@link listCommitment} of `entries`. */
  listCommitment: hex32Schema,
  /** Published before the draw: {@link seedCommitment} of `seed`. */
  seedCommitment: hex32Schema,
  /** Revealed after the list was fixed. */
  seed: hex32Schema,
  /** The eligible list, any order (verification canonicalizes it). */
  entries: z.array(registrationNoSchema).min(1).max(LOTTERY_MAX_ENTRIES),
  /** The drawn order: order[0] selects first. */
  order: z.array(registrationNoSchema).max(LOTTERY_MAX_ENTRIES),
});
export type LotteryRecord = z.infer<typeof lotteryRecordSchema>;

export interface DrawVerification {
  ok: boolean;
  /** One English sentence per failed check; empty when ok. */
  problems: string[];
  /** Recomputed from `entries`; null when the list is invalid (e.g. duplicates). */
  listCommitment: string | null;
  /** Recomputed from `seed`; null when the seed is malformed. */
  seedCommitment: string | null;
  /** Recomputed order; null when list or seed is invalid. */
  expectedOrder: string[] | null;
  /** First 0-based position where `order` differs from `expectedOrder` (incl. length); null if equal or not computable. */
  firstDifference: number | null;
}

/** Recomputes both commitments and the order from a published record and reports every mismatch. */
export function verifyDraw(record: LotteryRecord): DrawVerification {
  const problems: string[] = [];
  const attempt = <T>(f: () => T): T | null => {
    try {
      return f();
    } catch (e) {
      problems.push((e as Error).message);
      return null;
    }
  };
  const list = attempt(() => listCommitment(record.entries));
  if (list !== null && list !== record.listCommitment) {
    problems.push(`list commitment mismatch: entries hash to ${list}, published ${record.listCommitment}`);
  }
  const seed = attempt(() => seedCommitment(record.seed));
  if (seed !== null && seed !== record.seedCommitment) {
    problems.push(`seed commitment mismatch: seed hashes to ${seed}, published ${record.seedCommitment}`);
  }
  const expectedOrder = list !== null && seed !== null ? drawOrder(record.entries, record.seed) : null;
  let firstDifference: number | null = null;
  if (expectedOrder) {
    const len = Math.max(expectedOrder.length, record.order.length);
    for (let k = 0; k < len; k++) {
      if (expectedOrder[k] !== record.order[k]) {
        firstDifference = k;
        problems.push(
          `order differs at position ${k + 1}: expected ${expectedOrder[k] ?? '(end)'}, published ${record.order[k] ?? '(end)'}`,
        );
        break;
      }
    }
  }
  return {
    ok: problems.length === 0,
    problems,
    listCommitment: list,
    seedCommitment: seed,
    expectedOrder,
    firstDifference,
  };
}
