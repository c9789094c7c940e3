import { describe, expect, it } from 'vitest';
import { floorBand, perMinute, shapeDashboard, type DashboardRows, type UnitGroupRow } from './dashboard.js';

const T0 = new Date('2026-11-28T01:30:00Z'); // 09:30 in Shanghai

function rows(over: Partial<DashboardRows> = {}): DashboardRows {
  return {
    now: new Date('2026-11-28T02:00:00Z'),
    project: { name: '测试项目', nameEn: 'Test Project', rehearsal: false },
    timeZone: 'Asia/Shanghai',
    target: { units: 10, area: null, amountFen: null },
    buildings: [
      { id: 'b1', name: '1号楼', nameEn: 'Tower 1' },
      { id: 'b2', name: '2号楼', nameEn: 'Tower 2' },
    ],
    units: [],
    minutes: [],
    consultants: [],
    teams: [],
    deposits: [],
    depositPayments: 0,
    activeRegistrations: 0,
    tickets: [],
    lockExpiries: [],
    pendingApprovals: [],
    overdueDeposits: { count: 0, oldestDueAt: null },
    ...over,
  };
}

const group = (g: Partial<UnitGroupRow>): UnitGroupRow => ({
  buildingId: 'b1',
  layout: 'A',
  layoutName: '三房',
  floor: 3,
  status: 'AVAILABLE',
  units: 1,
  areaCenti: 8956,
  amountFen: 0,
  ...g,
});

describe('shapeDashboard', () => {
  it('no sales yet: zero totals, every building listed, no minutes, no ratio while nothing is released', () => {
    const d = shapeDashboard(rows({ units: [group({ status: 'NOT_RELEASED', units: 4 })] }));
    expect(d.totals).toEqual({
      units: 4,
      released: 0,
      available: 0,
      withheld: 0,
      sold: 0,
      soldArea: 0,
      soldAmountFen: 0,
    });
    expect(d.byBuilding.map((b) => [b.key, b.released, b.sold])).toEqual([
      ['b1', 0, 0],
      ['b2', 0, 0],
    ]);
    expect(d.perMinute).toEqual({ day: null, minutes: [] });
    expect(d.registrations.ratio).toBeNull();
    expect(d.alerts).toEqual([]);
  });

  it('totals, slices and floor bands add up to the rows; area sums exactly in hundredths', () => {
    const d = shapeDashboard(
      rows({
        units: [
          group({ status: 'SUBSCRIBED', units: 2, areaCenti: 2 * 8956 + 1, amountFen: 500_000_00 }),
          group({
            status: 'CONTRACTED',
            floor: 7,
            layout: 'B',
            layoutName: 'B',
            units: 1,
            areaCenti: 11_001,
            amountFen: 300_000_00,
          }),
          group({ buildingId: 'b2', status: 'AVAILABLE', units: 5, floor: 12 }),
          group({ buildingId: 'b2', status: 'WITHHELD', units: 1, floor: 12 }),
          group({ buildingId: 'b2', status: 'NOT_RELEASED', units: 9, floor: 20 }),
        ],
        activeRegistrations: 18,
      }),
    );
    expect(d.totals).toEqual({
      units: 18,
      released: 9,
      available: 5,
      withheld: 1,
      sold: 3,
      soldArea: 289.14,
      soldAmountFen: 800_000_00,
    });
    expect(d.byBuilding).toMatchObject([
      { key: 'b1', label: '1号楼', released: 3, sold: 3, soldAmountFen: 800_000_00 },
      { key: 'b2', labelEn: 'Tower 2', released: 6, sold: 0 },
    ]);
    expect(d.byLayout.map((l) => [l.key, l.label, l.released, l.sold])).toEqual([
      ['A', 'A 三房', 8, 2],
      ['B', 'B', 1, 1],
    ]);
    expect(d.byFloorBand.map((b) => [b.key, b.released, b.sold])).toEqual([
      ['1-5', 2, 2],
      ['6-10', 1, 1],
      ['11-15', 6, 0],
    ]);
    expect(d.registrations).toEqual({ active: 18, released: 9, ratio: 2 });
  });

  it('ranks consultants by units then amount, and teams by the sum of their consultants', () => {
    const d = shapeDashboard(
      rows({
        teams: [
          { id: 't1', name: '一组' },
          { id: 't2', name: '二组' },
        ],
        consultants: [
          { id: 'c1', name: '甲', teamId: 't1', units: 1, amountFen: 900 },
          { id: 'c2', name: '乙', teamId: 't2', units: 2, amountFen: 100 },
          { id: 'c3', name: '丙', teamId: 't1', units: 2, amountFen: 200 },
          { id: 'c4', name: '丁', teamId: null, units: 1, amountFen: 50 },
        ],
      }),
    );
    expect(d.consultants.map((c) => c.id)).toEqual(['c3', 'c2', 'c1', 'c4']);
    expect(d.teams).toEqual([
      { id: 't1', name: '一组', units: 3, amountFen: 1100 },
      { id: 't2', name: '二组', units: 2, amountFen: 100 },
      { id: null, name: '', units: 1, amountFen: 50 },
    ]);
  });

  it('queue: counts by state, missed = no-show + dropped, the average selection time of served numbers', () => {
    const d = shapeDashboard(
      rows({
        tickets: [
          { status: 'WAITING', count: 4, avgSelectionSeconds: null },
          { status: 'SERVED', count: 3, avgSelectionSeconds: 312.5 },
          { status: 'NO_SHOW', count: 1, avgSelectionSeconds: null },
          { status: 'DROPPED', count: 1, avgSelectionSeconds: null },
        ],
      }),
    );
    expect(d.queue).toEqual({ issued: 9, waiting: 4, called: 0, served: 3, missed: 2, avgSelectionSeconds: 312.5 });
  });

  it('alerts: repeated lock expiries (not a single one), approvals oldest first, overdue deposits', () => {
    const d = shapeDashboard(
      rows({
        lockExpiries: [
          { consultantId: 'c1', consultant: '甲', count: 1, lastAt: T0 },
          { consultantId: 'c2', consultant: '乙', count: 3, lastAt: T0 },
        ],
        pendingApprovals: [
          { id: 'a2', unitCode: '1-0302', consultant: '甲', requestedAt: new Date(T0.getTime() + 60_000) },
          { id: 'a1', unitCode: '1-0301', consultant: '乙', requestedAt: T0 },
        ],
        overdueDeposits: { count: 2, oldestDueAt: T0 },
      }),
    );
    expect(d.alerts.map((a) => a.kind)).toEqual([
      'LOCKS_EXPIRING',
      'APPROVAL_WAITING',
      'APPROVAL_WAITING',
      'DEPOSITS_OVERDUE',
    ]);
    expect(d.alerts[0]).toMatchObject({ consultantId: 'c2', expiries: 3 });
    expect(d.alerts[1]).toMatchObject({ approvalId: 'a1' });
  });

  it('deposits: the total is the sum of the methods, largest first', () => {
    const d = shapeDashboard(
      rows({
        deposits: [
          { method: 'CASH', payments: 1, amountFen: 100 },
          { method: 'WECHAT', payments: 2, amountFen: 700 },
        ],
        depositPayments: 2,
      }),
    );
    expect(d.deposits).toEqual({
      totalFen: 800,
      payments: 2,
      byMethod: [
        { method: 'WECHAT', payments: 2, amountFen: 700 },
        { method: 'CASH', payments: 1, amountFen: 100 },
      ],
    });
  });
});

describe('perMinute', () => {
  const at = (iso: string) => new Date(iso);
  it('keeps the latest day in the project zone and fills empty minutes with 0', () => {
    const out = perMinute(
      [
        { at: at('2026-11-27T02:00:00Z'), count: 5 }, // the day before (10:00 local)
        { at: at('2026-11-28T01:30:00Z'), count: 2 },
        { at: at('2026-11-28T01:33:00Z'), count: 1 },
      ],
      'Asia/Shanghai',
    );
    expect(out.day).toBe('2026-11-28');
    expect(out.minutes).toEqual([
      { at: '2026-11-28T01:30:00.000Z', count: 2 },
      { at: '2026-11-28T01:31:00.000Z', count: 0 },
      { at: '2026-11-28T01:32:00.000Z', count: 0 },
      { at: '2026-11-28T01:33:00.000Z', count: 1 },
    ]);
  });

  it('the day is the local one: 23:59 and 00:01 in Shanghai are two days though one UTC date', () => {
    const out = perMinute(
      [
        { at: at('2026-11-28T15:59:00Z'), count: 1 }, // 23:59 on the 28th
        { at: at('2026-11-28T16:01:00Z'), count: 1 }, // 00:01 on the 29th
      ],
      'Asia/Shanghai',
    );
    expect(out).toEqual({ day: '2026-11-29', minutes: [{ at: '2026-11-28T16:01:00.000Z', count: 1 }] });
  });
});

describe('floorBand', () => {
  it('bands of five floors; basements together', () => {
    expect([1, 5, 6, 33].map((f) => floorBand(f).key)).toEqual(['1-5', '1-5', '6-10', '31-35']);
    expect(floorBand(-1).key).toBe('B');
  });
});
