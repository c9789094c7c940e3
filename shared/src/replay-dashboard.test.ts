import { describe, expect, it } from 'vitest';
import { dashboardAt, type ReplayedDashboardBase } from './replay-dashboard.js';
import type { Replay, ReplayChange } from './replay.js';

const base: ReplayedDashboardBase = {
  project: { name: '测试项目', nameEn: 'Test Project', rehearsal: false },
  timeZone: 'Asia/Shanghai',
  target: { units: 4, area: null, amountFen: null },
  buildings: [{ id: 'b1', name: '1号楼', nameEn: 'Tower 1' }],
  units: [
    { id: 'u1', buildingId: 'b1', layout: 'A', layoutName: '两室', floor: 1, grossArea: 88.12, listPrice: 100 },
    { id: 'u2', buildingId: 'b1', layout: 'A', layoutName: '两室', floor: 2, grossArea: 88.12, listPrice: 100 },
    { id: 'u3', buildingId: 'b1', layout: 'B', layoutName: '三室', floor: 7, grossArea: 120.5, listPrice: 300 },
  ],
};
const change = (at: string, unitId: string, from: string, to: string, action: string): ReplayChange =>
  ({ eventId: at, at, unitId, from, to, action }) as ReplayChange;
const record: Pick<Replay, 'initial' | 'changes' | 'initialDeals' | 'deals' | 'consultants' | 'teams'> = {
  initial: { u1: 'AVAILABLE', u2: 'AVAILABLE', u3: 'AVAILABLE' },
  changes: [
    change('2026-11-28T01:30:10.000Z', 'u1', 'AVAILABLE', 'LOCKED', 'unit.lock'),
    change('2026-11-28T01:30:20.000Z', 'u1', 'LOCKED', 'SUBSCRIBED', 'unit.confirm'),
    change('2026-11-28T01:31:05.000Z', 'u2', 'AVAILABLE', 'WITHHELD', 'unit.withhold'),
    change('2026-11-28T01:32:00.000Z', 'u3', 'AVAILABLE', 'SUBSCRIBED', 'unit.change_in'),
  ],
  initialDeals: {},
  deals: [
    { at: '2026-11-28T01:30:20.000Z', unitId: 'u1', price: 90, consultantId: 'c1' },
    { at: '2026-11-28T01:40:00.000Z', unitId: 'u1', price: 85, consultantId: 'c1' },
  ],
  consultants: [{ id: 'c1', name: '王顾问', teamId: 't1' }],
  teams: [{ id: 't1', name: '一组' }],
};

describe('dashboardAt', () => {
  it('a lock is no sale and counts as available (as PostgreSQL holds it)', () => {
    const d = dashboardAt(base, record, Date.parse('2026-11-28T01:30:15Z'));
    expect(d.totals).toEqual({
      units: 3,
      released: 3,
      available: 3,
      withheld: 0,
      sold: 0,
      soldArea: 0,
      soldAmountFen: 0,
    });
  });

  it('sells, withholds and slices at T; changes after T are not applied', () => {
    const d = dashboardAt(base, record, Date.parse('2026-11-28T01:31:05Z'));
    expect(d.totals).toEqual({
      units: 3,
      released: 3,
      available: 1,
      withheld: 1,
      sold: 1,
      soldArea: 88.12,
      soldAmountFen: 90,
    });
    expect(d.byLayout.map((s) => [s.key, s.released, s.sold])).toEqual([
      ['A', 2, 1],
      ['B', 1, 0],
    ]);
    expect(d.byFloorBand.map((s) => [s.key, s.sold])).toEqual([
      ['1-5', 1],
      ['6-10', 0],
    ]);
    expect(d.generatedAt).toBe('2026-11-28T01:31:05.000Z');
  });

  it("amounts: a sold unit's deal price at T (a 调价 from its instant), else its list price", () => {
    expect(dashboardAt(base, record, Date.parse('2026-11-28T01:39:59.999Z')).totals.soldAmountFen).toBe(90 + 300);
    const d = dashboardAt(base, record, Date.parse('2026-11-28T01:40:00Z'));
    expect(d.totals.soldAmountFen).toBe(85 + 300);
    expect(d.byLayout.map((s) => [s.key, s.soldAmountFen])).toEqual([
      ['A', 85],
      ['B', 300],
    ]);
    // Ranked: the deal the record tells (u3's seeded sale has no consultant in the record).
    expect(d.consultants).toEqual([{ id: 'c1', name: '王顾问', teamId: 't1', units: 1, amountFen: 85 }]);
    expect(d.teams).toEqual([{ id: 't1', name: '一组', units: 1, amountFen: 85 }]);
  });

  it('counts new subscriptions per minute, not a 换房 replacement', () => {
    const d = dashboardAt(base, record, Date.parse('2026-11-28T02:00:00Z'));
    expect(d.totals.sold).toBe(2);
    expect(d.perMinute).toEqual({
      day: '2026-11-28',
      minutes: [{ at: '2026-11-28T01:30:00.000Z', count: 1 }],
    });
    expect(dashboardAt(base, record, Date.parse('2026-11-28T01:30:19.999Z')).perMinute).toEqual({
      day: null,
      minutes: [],
    });
  });
});
