import { describe, expect, it } from 'vitest';
import { replayDealsAt, replayStateAt } from '@kaipan/shared';
import { dealsOf, replayWindow, stateFromRecord, statusChangesOf, type StatusEventRow } from './reconstruct.js';

const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 1, 0, s));
const row = (
  id: number,
  s: number,
  action: string,
  entityId: string,
  before: unknown,
  after: unknown,
): StatusEventRow => ({
  id: BigInt(id),
  action,
  entity: action.split('.')[0]!,
  entityId,
  before,
  after,
  createdAt: at(s),
});

const ROWS = [
  row(1, 0, 'batch.release', 'b1', { status: 'PENDING' }, { status: 'RELEASED', units: ['1-101', '1-102', 'gone'] }),
  row(2, 10, 'unit.lock', 'u1', { status: 'AVAILABLE' }, { status: 'LOCKED' }),
  row(3, 20, 'unit.confirm', 'u1', { status: 'LOCKED' }, { status: 'SUBSCRIBED', price: 100 }),
  row(4, 30, 'unit.withhold', 'u3', { status: 'AVAILABLE', reason: 'x' }, { status: 'WITHHELD', reason: 'x' }),
  row(5, 40, 'unit.lock_revoked', 'u2', { status: 'LOCKED' }, { status: null }),
];
const CODES = new Map([
  ['1-101', 'u1'],
  ['1-102', 'u2'],
  ['1-103', 'u3'],
]);
const UNITS = [
  { id: 'u1', status: 'SUBSCRIBED' as const },
  { id: 'u2', status: 'AVAILABLE' as const },
  { id: 'u3', status: 'WITHHELD' as const },
  { id: 'u4', status: 'AVAILABLE' as const },
];

describe('replay reconstruction', () => {
  it('reads status changes from the events: a 推盘 per unit by code, unreadable statuses skipped', () => {
    const changes = statusChangesOf(ROWS, CODES);
    expect(changes.map((c) => [c.eventId, c.unitId, c.from, c.to])).toEqual([
      ['1', 'u1', 'NOT_RELEASED', 'AVAILABLE'],
      ['1', 'u2', 'NOT_RELEASED', 'AVAILABLE'],
      ['2', 'u1', 'AVAILABLE', 'LOCKED'],
      ['3', 'u1', 'LOCKED', 'SUBSCRIBED'],
      ['4', 'u3', 'AVAILABLE', 'WITHHELD'],
    ]);
    // Nothing of the payload but the statuses (a withholding's reason never reaches a replay).
    expect(JSON.stringify(changes)).not.toContain('reason');
  });

  it('the state at T: after the last change at or before T; before the first, where it started; else now', () => {
    const changes = statusChangesOf(ROWS, CODES);
    const s = (sec: number) => stateFromRecord(UNITS, changes, at(sec).getTime());
    expect(s(-1)).toEqual({ u1: 'NOT_RELEASED', u2: 'NOT_RELEASED', u3: 'AVAILABLE', u4: 'AVAILABLE' });
    expect(s(0)).toEqual({ u1: 'AVAILABLE', u2: 'AVAILABLE', u3: 'AVAILABLE', u4: 'AVAILABLE' });
    expect(s(10)).toMatchObject({ u1: 'LOCKED' });
    expect(s(19)).toMatchObject({ u1: 'LOCKED' });
    expect(s(20)).toMatchObject({ u1: 'SUBSCRIBED' });
    expect(s(99)).toEqual({ u1: 'SUBSCRIBED', u2: 'AVAILABLE', u3: 'WITHHELD', u4: 'AVAILABLE' });
  });

  it('a window plays forward to the same states the record gives at every instant', () => {
    const changes = statusChangesOf(ROWS, CODES);
    const from = at(5).getTime();
    const window = replayWindow(UNITS, changes, [], from, at(35).getTime());
    expect(window.changes.map((c) => c.eventId)).toEqual(['2', '3', '4']);
    for (const sec of [5, 9, 10, 15, 20, 30, 35])
      expect(replayStateAt(window, at(sec).getTime())).toEqual(stateFromRecord(UNITS, changes, at(sec).getTime()));
  });

  it("deals: set by a confirmation or a 换房 replacement, repriced by a 调价, with the subscription's consultant", () => {
    const rows = [
      ...ROWS,
      row(
        6,
        50,
        'unit.change_in',
        'u4',
        { status: 'AVAILABLE' },
        { status: 'SUBSCRIBED', subscriptionId: 's4', price: 400 },
      ),
      row(7, 60, 'subscription.price_change', 's4', { price: 400 }, { price: 380 }),
      row(8, 70, 'subscription.price_change', 'seeded', { price: 1 }, { price: 2 }),
    ];
    const subscriptions = new Map([['s4', { id: 's4', unitId: 'u4', consultantId: 'c2' }]]);
    const deals = dealsOf(rows, subscriptions);
    expect(deals.map((d) => [d.unitId, d.price, d.consultantId])).toEqual([
      ['u1', 100, null],
      ['u4', 400, 'c2'],
      ['u4', 380, 'c2'],
    ]);
    const window = replayWindow(UNITS, statusChangesOf(rows, CODES), deals, at(55).getTime(), at(99).getTime());
    expect(window.initialDeals).toEqual({
      u1: { price: 100, consultantId: null },
      u4: { price: 400, consultantId: 'c2' },
    });
    expect(replayDealsAt(window, at(59).getTime()).u4).toEqual({ price: 400, consultantId: 'c2' });
    expect(replayDealsAt(window, at(60).getTime()).u4).toEqual({ price: 380, consultantId: 'c2' });
  });
});
