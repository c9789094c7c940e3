import { describe, expect, it } from 'vitest';
import type { BuyerView, QueueState } from '@kaipan/shared';
import { applyAvailability, applyQueueState, mergeFetched } from './buyer-ticket';

function view(over: Partial<BuyerView> = {}): BuyerView {
  return {
    ticketId: 't1',
    project: {
      id: 'p1',
      name: '测试',
      nameEn: 'Test',
      timezone: 'Asia/Shanghai',
      rehearsal: false,
      rehearsalOf: null,
    },
    category: { code: 'GEN', name: '普通', nameEn: 'General' },
    label: 'A007',
    status: 'WAITING',
    issuedAt: '2026-11-28T01:00:00.000Z',
    calledAt: null,
    selectionEndsAt: null,
    nowServing: ['A002'],
    peopleAhead: 4,
    estimatedWaitMinutes: 8,
    shortlist: [
      {
        unitId: 'u1',
        code: 'A-0101',
        layout: 'A',
        layoutName: '3室',
        grossArea: 100,
        listPrice: 1_000_000_00,
        status: 'AVAILABLE',
        rank: 1,
      },
      {
        unitId: 'u2',
        code: 'A-0102',
        layout: 'A',
        layoutName: '3室',
        grossArea: 100,
        listPrice: 1_000_000_00,
        status: 'AVAILABLE',
        rank: 2,
      },
    ],
    availability: [{ layout: 'A', layoutName: '3室', available: 10, total: 12 }],
    serverTime: '2026-11-28T01:10:00.000Z',
    ...over,
  };
}

describe('buyer page updates', () => {
  it('availability:changed updates shortlisted statuses and the layout counts', () => {
    const next = applyAvailability(view(), {
      projectId: 'p1',
      changes: [
        { unitId: 'u2', status: 'LOCKED' },
        { unitId: 'other', status: 'SUBSCRIBED' },
      ],
      availability: [{ layout: 'A', layoutName: '3室', available: 8, total: 12 }],
    });
    expect(next.shortlist.map((u) => u.status)).toEqual(['AVAILABLE', 'LOCKED']);
    expect(next.availability[0]?.available).toBe(8);
    expect(
      applyAvailability(view(), { projectId: 'p2', changes: [{ unitId: 'u1', status: 'LOCKED' }], availability: [] }),
    ).toEqual(view());
  });

  it('queue:changed updates "now serving" of the buyer\'s own category', () => {
    const queue: QueueState = {
      projectId: 'p1',
      callsPerMinute: 1,
      serverTime: '2026-11-28T01:11:00.000Z',
      categories: [
        {
          id: 'c1',
          code: 'VIP',
          name: '贵宾',
          nameEn: 'VIP',
          prefix: 'V',
          priority: 0,
          issued: 3,
          nowServing: [{ id: 'x', label: 'V003', status: 'CALLED', calledAt: null, missedCount: 0 }],
          next: [],
          waitingCount: 0,
          callsPerMinute: 1,
        },
        {
          id: 'c2',
          code: 'GEN',
          name: '普通',
          nameEn: 'General',
          prefix: 'A',
          priority: 1,
          issued: 9,
          nowServing: [
            { id: 'y', label: 'A004', status: 'CALLED', calledAt: null, missedCount: 0 },
            { id: 'z', label: 'A003', status: 'CALLED', calledAt: null, missedCount: 0 },
          ],
          next: [],
          waitingCount: 5,
          callsPerMinute: 1,
        },
      ],
    };
    expect(applyQueueState(view(), queue).nowServing).toEqual(['A004', 'A003']);
    expect(applyQueueState(view(), { ...queue, projectId: 'p2' })).toEqual(view());
  });

  it('a fetched view never replaces a newer one, and keeps statuses from newer availability events', () => {
    const shown = view({ status: 'CALLED', serverTime: '2026-11-28T01:12:00.000Z' });
    expect(mergeFetched(shown, view(), false)).toBe(shown);
    const locked = applyAvailability(view(), {
      projectId: 'p1',
      changes: [{ unitId: 'u1', status: 'LOCKED' }],
      availability: [{ layout: 'A', layoutName: '3室', available: 9, total: 12 }],
    });
    const fetched = view({ peopleAhead: 2, serverTime: '2026-11-28T01:10:01.000Z' });
    const merged = mergeFetched(locked, fetched, true);
    expect(merged.peopleAhead).toBe(2);
    expect(merged.shortlist[0]?.status).toBe('LOCKED');
    expect(merged.availability[0]?.available).toBe(9);
    expect(mergeFetched(locked, fetched, false).shortlist[0]?.status).toBe('AVAILABLE');
    expect(mergeFetched(null, fetched, true)).toBe(fetched);
  });
});
