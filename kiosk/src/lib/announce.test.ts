import { describe, expect, it } from 'vitest';
import type { QueueBoardTicket, QueueState } from '@kaipan/shared';
import { announcementSpeech, announcementText, newlyCalled, spokenLabel, voiceLanguages } from './announce';

const at = (s: number): string => new Date(Date.UTC(2026, 10, 28, 1, 0, s)).toISOString();
const tk = (
  id: string,
  label: string,
  calledAt: string | null,
  status: QueueBoardTicket['status'] = 'CALLED',
): QueueBoardTicket => ({
  id,
  label,
  status,
  calledAt,
  missedCount: 0,
});

function state(vip: QueueBoardTicket[], gen: QueueBoardTicket[] = [], projectId = 'p1'): QueueState {
  const category = (code: string, prefix: string, nowServing: QueueBoardTicket[]) => ({
    id: code,
    code,
    name: code,
    nameEn: code,
    prefix,
    priority: 0,
    issued: 50,
    nowServing,
    next: [],
    waitingCount: 0,
    callsPerMinute: null,
  });
  return {
    projectId,
    categories: [category('VIP', 'V', vip), category('GEN', 'A', gen)],
    callsPerMinute: null,
    serverTime: at(59),
  };
}

describe('newly called numbers', () => {
  it('announces nothing for the first state a screen sees', () => {
    expect(newlyCalled(undefined, state([tk('1', 'V001', at(1))]))).toEqual([]);
  });

  it('finds the numbers called since the last state, oldest first, across categories', () => {
    const before = state([tk('1', 'V001', at(1))]);
    const after = state(
      [tk('3', 'V003', at(5)), tk('2', 'V002', at(4)), tk('1', 'V001', at(1))],
      [tk('9', 'A001', at(3))],
    );
    expect(newlyCalled(before, after).map((c) => c.label)).toEqual(['A001', 'V002', 'V003']);
  });

  it('announces a re-queued number called again, but not an old call that scrolls back into the list', () => {
    const before = state([tk('2', 'V002', at(10)), tk('1', 'V001', at(2))]);
    // V002 served: V000 (called long ago) reappears at the end of "now serving".
    const scrolled = state([tk('1', 'V001', at(2)), tk('0', 'V000', at(1))]);
    expect(newlyCalled(before, scrolled)).toEqual([]);
    const recalled = state([tk('1', 'V001', at(20)), tk('2', 'V002', at(10))]);
    expect(newlyCalled(before, recalled).map((c) => c.label)).toEqual(['V001']);
  });

  it('ignores another project', () => {
    expect(newlyCalled(state([]), state([tk('1', 'V001', at(1))], [], 'p2'))).toEqual([]);
  });
});

describe('announcement text', () => {
  it('shows the sentence with the label and speaks the label digit by digit', () => {
    expect(announcementText('V012', 'zh-CN')).toBe('请 V012 号到选房区');
    expect(announcementText('V012', 'en')).toBe('Number V012, please proceed to the selection hall');
    expect(spokenLabel('V012', 'zh-CN')).toBe('V 零 一 二');
    expect(spokenLabel('a107', 'en')).toBe('A, one, zero, seven');
    expect(announcementSpeech('V012', 'zh-CN')).toContain('V 零 一 二');
    expect(announcementSpeech('V012', 'en')).toBe('Number V, zero, one, two. Please proceed to the selection hall.');
  });

  it('voice modes give the languages in speaking order', () => {
    expect(voiceLanguages('both')).toEqual(['zh-CN', 'en']);
    expect(voiceLanguages('en')).toEqual(['en']);
  });
});
