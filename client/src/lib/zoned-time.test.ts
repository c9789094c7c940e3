import { describe, expect, it } from 'vitest';
import { formatCountdown, fromZonedInput, toZonedInput } from './zoned-time';

describe('project-time-zone inputs for scheduled releases', () => {
  it('reads the wall clock of Shanghai (UTC+8, no DST), across a UTC midnight', () => {
    expect(fromZonedInput('2026-11-28T09:00', 'Asia/Shanghai')).toBe('2026-11-28T01:00:00.000Z');
    expect(fromZonedInput('2026-11-28T07:30', 'Asia/Shanghai')).toBe('2026-11-27T23:30:00.000Z');
    expect(toZonedInput('2026-11-27T23:30:00.000Z', 'Asia/Shanghai')).toBe('2026-11-28T07:30');
  });

  it('round-trips every quarter hour of a day, in Shanghai and in New York across a DST change', () => {
    for (const [zone, day] of [
      ['Asia/Shanghai', '2026-11-28'],
      ['America/New_York', '2026-03-08'],
      ['America/New_York', '2026-11-01'],
    ] as const) {
      for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
        const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
        const mm = String(minutes % 60).padStart(2, '0');
        const wall = `${day}T${hh}:${mm}`;
        const iso = fromZonedInput(wall, zone);
        expect(iso).not.toBeNull();
        // 02:00–02:59 does not exist on the spring-forward day: it maps to an instant an hour later.
        if (zone === 'America/New_York' && day === '2026-03-08' && hh === '02') continue;
        expect(toZonedInput(iso!, zone)).toBe(wall);
      }
    }
  });

  it('takes New York’s offset from the date: EST in winter, EDT in summer', () => {
    expect(fromZonedInput('2026-01-15T09:00', 'America/New_York')).toBe('2026-01-15T14:00:00.000Z');
    expect(fromZonedInput('2026-07-15T09:00', 'America/New_York')).toBe('2026-07-15T13:00:00.000Z');
  });

  it('refuses malformed input', () => {
    for (const bad of ['', '2026-11-28', '2026-11-28 09:00', '2026-11-28T9:00', '28/11/2026 09:00']) {
      expect(fromZonedInput(bad, 'Asia/Shanghai')).toBeNull();
    }
  });

  it('formats countdowns', () => {
    expect(formatCountdown(-5)).toBe('00:00');
    expect(formatCountdown(999)).toBe('00:01');
    expect(formatCountdown(61_000)).toBe('01:01');
    expect(formatCountdown(3_600_000 + 62_000)).toBe('1:01:02');
  });
});
