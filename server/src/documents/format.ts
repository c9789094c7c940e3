/**
 * What paper prints, as plain functions: money, areas, and local times (the words of codes: shared/src/labels.ts). No pdfkit
 * here, so the hub process (document-service) can use them without loading the PDF stack — the
 * renderers run in a worker thread (server/src/jobs/render-thread.ts).
 */
import { formatZonedDateTime } from '@kaipan/shared';

/** ¥100,000.00 — always two decimals (paper shows cents), integer arithmetic only. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  const yuan = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** 100.25 m² */
export function formatM2(m2: number): string {
  return `${m2.toFixed(2)} m²`;
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * "2026-11-28 09:03" in the project's IANA time zone: paper shows local wall-clock time while the
 * system stores UTC. Strings must be ISO 8601 with `Z` or an offset; a bare local time would be
 * read in the server's zone and print the wrong hour.
 */
export function formatProjectTime(at: Date | string, timeZone: string = DEFAULT_TIME_ZONE): string {
  if (typeof at === 'string' && !/(Z|[+-]\d{2}:?\d{2})$/i.test(at)) {
    throw new RangeError(`Time "${at}" has no UTC offset`);
  }
  return formatZonedDateTime(at, timeZone);
}
