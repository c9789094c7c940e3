import { describe, expect, it } from 'vitest';
import { formatZonedDateTime, wallClock } from './zoned-time.js';

describe('wall-clock time in a zone', () => {
  it('shows a UTC instant in the project zone, minutes or seconds', () => {
    expect(formatZonedDateTime('2026-11-28T01:30:05Z', 'Asia/Shanghai')).toBe('2026-11-28 09:30');
    expect(formatZonedDateTime('2026-11-28T01:30:05Z', 'Asia/Shanghai', { seconds: true })).toBe('2026-11-28 09:30:05');
    expect(formatZonedDateTime(Date.UTC(2026, 0, 1, 0, 0), 'America/New_York')).toBe('2025-12-31 19:00');
  });

  it('prints midnight as 00, never 24', () => {
    expect(wallClock('2026-11-27T16:00:00Z', 'Asia/Shanghai')).toMatchObject({ day: '28', hour: '00', minute: '00' });
  });

  it('refuses an invalid instant or zone', () => {
    expect(() => formatZonedDateTime('not a time', 'Asia/Shanghai')).toThrow(RangeError);
    expect(() => formatZonedDateTime('2026-11-28T01:30:05Z', 'Mars/Olympus')).toThrow(RangeError);
  });
});
