import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalList,
  drawOrder,
  isValidSeed,
  listCommitment,
  lotteryRecordSchema,
  seedCommitment,
  verifyDraw,
  type LotteryRecord,
} from './lottery.js';

/** Deterministic 32-byte seeds from a counter: no randomness in the suite. */
const seedFrom = (k: number): string => createHash('sha256').update(`test-seed-${k}`).digest('hex');
const regNos = (n: number): string[] => Array.from({ length: n }, (_, i) => `R-${String(i + 1).padStart(4, '0')}`);
const SEED = seedFrom(0);

/** Independent reimplementation of kaipan-lottery-v1 on node:crypto, straight from the spec. */
function referenceOrder(numbers: string[], seedHex: string): string[] {
  const a = [...numbers].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  const key = Buffer.from(seedHex, 'hex');
  for (let i = a.length - 1; i >= 1; i--) {
    const limit = Math.floor(0x1_0000_0000 / (i + 1)) * (i + 1);
    let v = 0;
    for (let t = 0; ; t++) {
      v = createHmac('sha256', key)
        .update(t ? `kaipan-lottery-v1:${i}:${t}` : `kaipan-lottery-v1:${i}`)
        .digest()
        .readUInt32BE(0);
      if (v < limit) break;
    }
    const j = v % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function makeRecord(entries: string[], seed = SEED): LotteryRecord {
  return {
    version: 'kaipan-lottery-v1',
    projectCode: 'DEMO-01',
    drawnAt: '2025-05-01T09:30:00+08:00',
    listCommitment: listCommitment(entries),
    seedCommitment: seedCommitment(seed),
    seed,
    entries,
    order: drawOrder(entries, seed),
  };
}

describe('canonical list and commitments', () => {
  it('sorts by code units with a trailing newline', () => {
    expect(canonicalList(['b', 'A-2', 'a', 'A-10'])).toBe('A-10\nA-2\na\nb\n');
  });

  it('rejects empty lists, malformed and duplicate numbers with a clear error', () => {
    expect(() => canonicalList([])).toThrow(/empty/);
    expect(() => canonicalList(['A1', 'A 2'])).toThrow(/invalid registration number "A 2"/);
    expect(() => canonicalList(['x'.repeat(33)])).toThrow(/invalid/);
    expect(() => canonicalList(['A1', 'B2', 'A1'])).toThrow(/duplicate registration number "A1"/);
  });

  it('changes the list commitment on any change to the list, not on its input order', () => {
    const list = regNos(20);
    const base = listCommitment(list);
    expect(listCommitment([...list].reverse())).toBe(base);
    expect(listCommitment([...list, 'R-9999'])).not.toBe(base);
    expect(listCommitment(list.slice(1))).not.toBe(base);
    expect(listCommitment(list.map((n, i) => (i === 7 ? n.replace('R-', 'r-') : n)))).not.toBe(base); // one char
  });

  it('validates seeds and commits to the seed bytes', () => {
    expect(isValidSeed(SEED)).toBe(true);
    expect(isValidSeed(SEED.toUpperCase())).toBe(false);
    expect(isValidSeed(SEED.slice(1))).toBe(false);
    expect(() => seedCommitment('zz')).toThrow(/64 lowercase hex/);
    const flipped = (SEED[0] === '0' ? '1' : '0') + SEED.slice(1);
    expect(seedCommitment(flipped)).not.toBe(seedCommitment(SEED));
  });
});

describe('drawOrder', () => {
  it('is reproducible and independent of the input order', () => {
    const list = regNos(50);
    const order = drawOrder(list, SEED);
    expect(drawOrder(list, SEED)).toEqual(order);
    expect(drawOrder([...list].reverse(), SEED)).toEqual(order);
  });

  it('is a permutation of the list', () => {
    const list = regNos(50);
    const order = drawOrder(list, SEED);
    expect(order).toHaveLength(50);
    expect([...order].sort()).toEqual([...list].sort());
    expect(order).not.toEqual([...list].sort()); // not the identity for this seed
  });

  it('changes for a list of 50 when the seed changes', () => {
    const list = regNos(50);
    const order = drawOrder(list, SEED);
    for (let k = 1; k <= 20; k++) expect(drawOrder(list, seedFrom(k))).not.toEqual(order);
  });

  it('handles a single entry', () => {
    expect(drawOrder(['A1'], SEED)).toEqual(['A1']);
  });

  it('matches an independent node:crypto implementation on a 200-entry list (known answer)', () => {
    const list = regNos(200).reverse();
    expect(listCommitment(list)).toBe(
      createHash('sha256')
        .update(`${[...list].sort().join('\n')}\n`)
        .digest('hex'),
    );
    expect(seedCommitment(SEED)).toBe(createHash('sha256').update(Buffer.from(SEED, 'hex')).digest('hex'));
    expect(drawOrder(list, SEED)).toEqual(referenceOrder(list, SEED));
    // Pinned values (also reproduced with sha256sum/openssl in docs/lottery.md): a change here is a new algorithm version.
    expect(SEED).toBe('42ae504982abc7b29490da8cb0cb9e9b7beb60853df1095c211ebc4959396a5c');
    expect(listCommitment(list)).toBe('14234a056e2a0a000d5d5f0e075ec10bf96993b941276aba508ff4b0db3b9d3e');
    expect(seedCommitment(SEED)).toBe('0a9500eca62c90df4b3940b9e26c7d17dc1cb52d129ffffc0698bdaee126a706');
    expect(drawOrder(list, SEED).slice(0, 5)).toEqual(['R-0101', 'R-0096', 'R-0086', 'R-0050', 'R-0118']);
  });

  it('is roughly uniform: 3 entries × 6,000 seeds give each permutation 850–1,150 times', () => {
    const counts = new Map<string, number>();
    for (let k = 0; k < 6000; k++) {
      const key = drawOrder(['A', 'B', 'C'], seedFrom(k)).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const [perm, c] of counts) {
      expect(c, perm).toBeGreaterThanOrEqual(850);
      expect(c, perm).toBeLessThanOrEqual(1150);
    }
  });
});

describe('verifyDraw', () => {
  const entries = regNos(30);

  it('accepts a good record, whose schema round-trips', () => {
    const record = makeRecord(entries);
    expect(lotteryRecordSchema.parse(JSON.parse(JSON.stringify(record)))).toEqual(record);
    const result = verifyDraw(record);
    expect(result).toMatchObject({ ok: true, problems: [], firstDifference: null });
    expect(result.expectedOrder).toEqual(record.order);
  });

  it('names an edited order and its first differing position', () => {
    const record = makeRecord(entries);
    const order = [...record.order];
    [order[3], order[9]] = [order[9]!, order[3]!];
    const result = verifyDraw({ ...record, order });
    expect(result.ok).toBe(false);
    expect(result.firstDifference).toBe(3);
    expect(result.problems).toEqual([expect.stringMatching(/^order differs at position 4:/)]);
  });

  it('names a truncated order', () => {
    const record = makeRecord(entries);
    const result = verifyDraw({ ...record, order: record.order.slice(0, -1) });
    expect(result.firstDifference).toBe(29);
    expect(result.problems).toEqual([expect.stringMatching(/published \(end\)/)]);
  });

  it('names a swapped entry in the list', () => {
    const record = makeRecord(entries);
    const result = verifyDraw({ ...record, entries: entries.map((n) => (n === 'R-0005' ? 'R-0500' : n)) });
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatch(/^list commitment mismatch/);
    expect(result.problems.some((p) => p.startsWith('order differs'))).toBe(true);
  });

  it('names a wrong seed', () => {
    const record = makeRecord(entries);
    const result = verifyDraw({ ...record, seed: seedFrom(99) });
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatch(/^seed commitment mismatch/);
    expect(result.problems.some((p) => p.startsWith('order differs'))).toBe(true);
  });

  it('reports a duplicate in the published list instead of throwing', () => {
    const record = makeRecord(entries);
    const result = verifyDraw({ ...record, entries: [...entries, 'R-0001'] });
    expect(result).toMatchObject({ ok: false, listCommitment: null, expectedOrder: null });
    expect(result.problems).toEqual(['duplicate registration number "R-0001"']);
  });

  it('schema rejects unknown fields and malformed values', () => {
    const record = makeRecord(entries);
    expect(lotteryRecordSchema.safeParse({ ...record, extra: 1 }).success).toBe(false);
    expect(lotteryRecordSchema.safeParse({ ...record, version: 'kaipan-lottery-v2' }).success).toBe(false);
    expect(lotteryRecordSchema.safeParse({ ...record, seed: SEED.toUpperCase() }).success).toBe(false);
    expect(lotteryRecordSchema.safeParse({ ...record, drawnAt: 'yesterday' }).success).toBe(false);
    expect(lotteryRecordSchema.safeParse({ ...record, entries: ['ok', 'not ok'] }).success).toBe(false);
  });
});
