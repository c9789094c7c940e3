import { describe, expect, it } from 'vitest';
import {
  CALL_RATE_BOUNDS,
  MAX_WAIT_ESTIMATE_MINUTES,
  SORT_KEY_STEP,
  callNextSchema,
  countPeopleAhead,
  isAheadInLine,
  callingRatePerMinute,
  estimateWaitMinutes,
  formatTicketLabel,
  planNoShow,
  requeueKey,
  sortForCalling,
  takeTicketSchema,
} from './queue.js';

describe('formatTicketLabel', () => {
  it('pads to three digits after the prefix', () => {
    expect(formatTicketLabel('V', 12)).toBe('V012');
    expect(formatTicketLabel('A', 1)).toBe('A001');
    expect(formatTicketLabel('A', 999)).toBe('A999');
    expect(formatTicketLabel('A', 1234)).toBe('A1234');
  });
});

describe('calling order', () => {
  it('calls by category priority, then sort key, then number', () => {
    const tickets = [
      { id: 'a2', priority: 1, sortKey: 2000, number: 2 },
      { id: 'v3', priority: 0, sortKey: 3000, number: 3 },
      { id: 'a1', priority: 1, sortKey: 1000, number: 1 },
      { id: 'v1r', priority: 0, sortKey: 3500, number: 1 }, // re-queued V001
      { id: 'v2', priority: 0, sortKey: 2000, number: 2 },
      { id: 'a5', priority: 1, sortKey: 5000, number: 5 },
      { id: 'a4r', priority: 1, sortKey: 5000, number: 4 }, // re-queued past the end: ties with A005
    ];
    expect(sortForCalling(tickets).map((t) => t.id)).toEqual(['v2', 'v3', 'v1r', 'a1', 'a2', 'a4r', 'a5']);
  });
});

describe('no-show rule', () => {
  const waiting = [5000, 6000, 7000, 8000];

  it('DROP drops at once', () => {
    expect(planNoShow({ rule: 'DROP', requeueAfter: 2, missedCount: 0, waitingKeys: waiting, endKey: 8000 })).toEqual({
      status: 'DROPPED',
      missedCount: 1,
    });
  });

  it('REQUEUE places the ticket after the K-th waiting ticket of its category', () => {
    expect(
      planNoShow({ rule: 'REQUEUE', requeueAfter: 2, missedCount: 0, waitingKeys: waiting, endKey: 8000 }),
    ).toEqual({
      status: 'WAITING',
      sortKey: 6500,
      missedCount: 1,
    });
    // Unsorted input is fine.
    expect(requeueKey([8000, 5000, 7000, 6000], 1, 8000)).toBe(5500);
  });

  it('REQUEUE past the end when fewer than K wait, or nobody waits', () => {
    expect(requeueKey(waiting, 4, 8000)).toBe(9000);
    expect(requeueKey(waiting, 10, 8000)).toBe(9000);
    expect(requeueKey([], 3, 12_000)).toBe(13_000);
  });

  it('K = 0 puts the ticket first in line', () => {
    const key = requeueKey(waiting, 0, 8000);
    expect(key).toBeLessThan(5000);
    expect(key).toBeGreaterThan(0);
  });

  it('uses the first later gap when no integer fits between the two keys', () => {
    // 6000 and 6001 are adjacent: the ticket goes after at least K waiting tickets, as early as fits.
    expect(requeueKey([5000, 6000, 6001, 8000], 2, 8000)).toBe(7000);
    expect(requeueKey([1, 2, 3], 1, 3)).toBe(1003);
  });

  it('repeated re-queues into the same gap keep every key distinct and ordered', () => {
    const keys = [1000, 2000];
    for (let i = 0; i < 12; i += 1) {
      const key = requeueKey(keys, 1, 2000);
      expect(keys).not.toContain(key);
      expect(key).toBeGreaterThan(1000);
      keys.push(key);
    }
  });

  it('a ticket missed twice is dropped, whatever the rule', () => {
    expect(
      planNoShow({ rule: 'REQUEUE', requeueAfter: 2, missedCount: 1, waitingKeys: waiting, endKey: 8000 }),
    ).toEqual({
      status: 'DROPPED',
      missedCount: 2,
    });
  });
});

describe('estimated wait', () => {
  const now = 1_000_000_000;
  const min = 60_000;

  it('is unknown before any call', () => {
    expect(callingRatePerMinute([], now)).toBeNull();
    expect(estimateWaitMinutes(5, null)).toBeNull();
  });

  it('is zero with nobody ahead', () => {
    expect(estimateWaitMinutes(0, null)).toBe(0);
    expect(estimateWaitMinutes(0, 2)).toBe(0);
  });

  it('measures the rate over the last N calls up to now', () => {
    // 10 calls, one a minute, the oldest 10 minutes ago → 1 call per minute.
    const calls = Array.from({ length: 10 }, (_, i) => now - (10 - i) * min);
    expect(callingRatePerMinute(calls, now)).toBe(1);
    expect(estimateWaitMinutes(7, 1)).toBe(7);
    // Older calls beyond the window do not count.
    expect(callingRatePerMinute([...calls, now - 600 * min], now)).toBe(1);
  });

  it('does not read a batch of simultaneous calls as an infinite rate', () => {
    const rate = callingRatePerMinute([now, now, now, now, now], now);
    expect(rate).toBe(5);
  });

  it('slows as calling pauses, and stays within bounds', () => {
    const calls = [now - 2 * min, now - min];
    const soon = callingRatePerMinute(calls, now);
    const later = callingRatePerMinute(calls, now + 60 * min);
    expect(soon).toBe(1);
    expect(later).toBeLessThan(soon ?? 0);
    expect(callingRatePerMinute([now - 100_000 * min], now)).toBe(CALL_RATE_BOUNDS.min);
    expect(estimateWaitMinutes(1000, CALL_RATE_BOUNDS.min)).toBe(MAX_WAIT_ESTIMATE_MINUTES);
    expect(estimateWaitMinutes(3, 1_000_000)).toBe(1);
  });
});

describe('payload schemas', () => {
  it('take-a-number needs exactly one of phone or registrationNo', () => {
    expect(takeTicketSchema.safeParse({ category: 'VIP', phone: '+86 138 0000-1111' }).data?.phone).toBe('13800001111');
    expect(takeTicketSchema.safeParse({ category: 'VIP', phone: '12345' }).success).toBe(false);
    expect(takeTicketSchema.safeParse({ category: 'VIP', registrationNo: 'R0007' }).success).toBe(true);
    expect(takeTicketSchema.safeParse({ category: 'VIP' }).success).toBe(false);
    expect(takeTicketSchema.safeParse({ category: 'VIP', phone: '13800001111', registrationNo: 'R1' }).success).toBe(
      false,
    );
    expect(takeTicketSchema.safeParse({ category: 'VIP', phone: '13800001111', extra: 1 }).success).toBe(false);
  });

  it('call-next counts 1..20, default 1', () => {
    expect(callNextSchema.parse({}).count).toBe(1);
    expect(callNextSchema.safeParse({ count: 0 }).success).toBe(false);
    expect(callNextSchema.safeParse({ count: 21 }).success).toBe(false);
  });
});

describe('people ahead 前面还有 N 人', () => {
  const vip = (number: number, sortKey = number * SORT_KEY_STEP) => ({
    categoryId: 'vip',
    number,
    sortKey,
    priority: 0,
  });
  const gen = (number: number, sortKey = number * SORT_KEY_STEP) => ({
    categoryId: 'gen',
    number,
    sortKey,
    priority: 1,
  });

  it('counts the waiting tickets of the same category only: A002 behind A001 has 1 ahead, whatever VIPs wait', () => {
    const waiting = [vip(1), gen(1), gen(2), vip(2)];
    expect(countPeopleAhead(gen(2), waiting)).toBe(1);
    expect(countPeopleAhead(gen(1), waiting)).toBe(0);
    expect(countPeopleAhead(vip(1), waiting)).toBe(0);
    expect(countPeopleAhead(vip(2), waiting)).toBe(1);
    // A VIP issued later changes nothing for the general queue.
    expect(countPeopleAhead(gen(2), [...waiting, vip(3), vip(4)])).toBe(1);
  });

  it('follows the calling order inside the category: sort key (a re-queued ticket), then number', () => {
    const requeued = gen(1, 2500); // missed once, back after A002
    const waiting = [gen(2), requeued, gen(3), gen(4, 2500)];
    expect(countPeopleAhead(requeued, waiting)).toBe(1); // A002
    expect(countPeopleAhead(gen(4, 2500), waiting)).toBe(2); // A002, then A001 (same key, lower number)
    expect(countPeopleAhead(gen(3), waiting)).toBe(3);
    expect(isAheadInLine(gen(2), gen(2))).toBe(false);
  });

  it('equals the position in the category of the calling order, for any mix of tickets', () => {
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const tickets = Array.from({ length: 60 }, (_, i) =>
      rand(2) === 0 ? vip(i + 1, (rand(20) + 1) * 100) : gen(i + 1, (rand(20) + 1) * 100),
    );
    const ordered = sortForCalling(tickets);
    for (const t of tickets) {
      const line = ordered.filter((o) => o.categoryId === t.categoryId);
      expect(countPeopleAhead(t, tickets)).toBe(line.indexOf(t));
    }
  });
});
