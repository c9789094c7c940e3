/**
 * Rehearsals 演练 (docs/setup.md "Rehearsal"): a copy of a configured project — buildings, units,
 * layouts, prices, permits, queue categories, receipt books, settings, members and teams — on which a
 * whole practice launch runs, reset with one action to the state right after the copy.
 */
import { z } from 'zod';

/** What a rehearsal's code adds to its source's: `-R1`, `-R2` … (the next number not in use). */
export const REHEARSAL_CODE_SUFFIX = '-R';

/** The code of the n-th rehearsal of a project (`KP2026` → `KP2026-R1`), cut to the code's 24 characters. */
export function rehearsalCode(sourceCode: string, n: number): string {
  const suffix = `${REHEARSAL_CODE_SUFFIX}${n}`;
  return `${sourceCode.slice(0, 24 - suffix.length)}${suffix}`;
}

/** A rehearsal as the source project's setup lists it. */
export const rehearsalInfoSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  createdAt: z.string(),
  /** When it was last reset (null: never since the copy). */
  resetAt: z.string().nullable(),
  archived: z.boolean(),
  /** Rows in the rehearsal now, to show what a reset would clear. */
  deals: z.number().int(),
  payments: z.number().int(),
  queueTickets: z.number().int(),
});
export type RehearsalInfo = z.infer<typeof rehearsalInfoSchema>;

/** `POST /api/projects/:projectId/rehearsals` → 201: the new rehearsal's id and code. */
export const createdRehearsalSchema = z.object({ id: z.string(), code: z.string() });
export type CreatedRehearsal = z.infer<typeof createdRehearsalSchema>;
