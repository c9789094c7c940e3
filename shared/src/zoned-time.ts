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
