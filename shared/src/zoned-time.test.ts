import { describe, expect, it } from 'vitest';
import { formatZonedDateTime, wallClock, zonedDate, zonedDayWindow } from './zoned-time.js';

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

describe('a project-local day as UTC instants', () => {
  it('Shanghai: 00:00 local is 16:00 UTC the day before', () => {
    const { from, to } = zonedDayWindow('2026-11-28', 'Asia/Shanghai');
    expect(from.toISOString()).toBe('2026-11-27T16:00:00.000Z');
    expect(to.toISOString()).toBe('2026-11-28T16:00:00.000Z');
    expect(zonedDate('2026-11-28T15:59:00Z', 'Asia/Shanghai')).toBe('2026-11-28');
    expect(zonedDate('2026-11-28T16:01:00Z', 'Asia/Shanghai')).toBe('2026-11-29');
  });

  it('a day with a daylight-saving change is 23 or 25 hours long', () => {
    const spring = zonedDayWindow('2026-03-08', 'America/New_York');
    expect(spring.from.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(spring.to.getTime() - spring.from.getTime()).toBe(23 * 3600_000);
    const fall = zonedDayWindow('2026-11-01', 'America/New_York');
    expect(fall.to.getTime() - fall.from.getTime()).toBe(25 * 3600_000);
  });

  it('refuses a malformed date', () => {
    expect(() => zonedDayWindow('2026-13', 'Asia/Shanghai')).toThrow(RangeError);
  });
});
