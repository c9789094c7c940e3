/**
 * Wall-clock time of an instant in an IANA time zone: times are stored in UTC and shown in the
 * project's zone (screens, paper, exports). One cached formatter per zone.
 */

/** The zero-padded fields of a wall-clock time (hour 00–23). */
export interface WallClock {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws RangeError for an unknown zone or an invalid instant. */
export function wallClock(at: Date | string | number, timeZone: string): WallClock {
  const date = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Invalid time "${String(at)}"`);
  let format = formatters.get(timeZone);
  if (!format) {
    // hourCycle h23, not hour12:false: the latter prints midnight as "24" in some ICU versions.
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  const part: Record<string, string> = {};
  for (const p of format.formatToParts(date)) part[p.type] = p.value;
  return {
    year: (part.year ?? '').padStart(4, '0'),
    month: part.month ?? '',
    day: part.day ?? '',
    hour: part.hour ?? '',
    minute: part.minute ?? '',
    second: part.second ?? '',
  };
}

/** "2026-11-28 09:30" in the zone; with `seconds`, "2026-11-28 09:30:05". */
export function formatZonedDateTime(
  at: Date | string | number,
  timeZone: string,
  options: { seconds?: boolean } = {},
): string {
  const w = wallClock(at, timeZone);
  const time = `${w.hour}:${w.minute}${options.seconds ? `:${w.second}` : ''}`;
  return `${w.year}-${w.month}-${w.day} ${time}`;
}

/** Offset of the zone from UTC at an instant, in ms (wall clock − UTC). */
function zoneOffsetMs(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const asUtc = Date.UTC(+w.year, +w.month - 1, +w.day, +w.hour, +w.minute, +w.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The instant of a wall-clock midnight (00:00 of YYYY-MM-DD) in the zone. */
function zonedMidnight(date: string, timeZone: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`Invalid date "${date}"`);
  const guess = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!);
  // Two passes: the offset at the guess, then at the corrected instant (a DST change near midnight).
  const first = guess - zoneOffsetMs(guess, timeZone);
  return new Date(guess - zoneOffsetMs(first, timeZone));
}

/**
 * A project-local calendar day (YYYY-MM-DD) as the UTC instants [from, to): what "the day" of a
 * 日报 covers. Throws RangeError for a malformed date or an unknown zone.
 */
export function zonedDayWindow(date: string, timeZone: string): { from: Date; to: Date } {
  const from = zonedMidnight(date, timeZone);
  const next = new Date(Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10) + 1))
    .toISOString()
    .slice(0, 10);
  return { from, to: zonedMidnight(next, timeZone) };
}

/** The project-local calendar date (YYYY-MM-DD) of an instant. */
export function zonedDate(at: Date | string | number, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${w.year}-${w.month}-${w.day}`;
}
