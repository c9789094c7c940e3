/**
 * The head of a project's audit hash chain (docs/audit.md): what the 日报 and the dispute pack print
 * and `GET /api/projects/:projectId/audit/chain-head` answers. Whoever keeps a printed head can later
 * check that nothing before it was rewritten: `npm run audit:verify -- --project <id> --expect-head
 * <reference>`.
 */
import { z } from 'zod';

export const chainHeadSchema = z.object({
  /** The project whose chain this is; null for the install's chain (events of no project). */
  projectId: z.string().nullable(),
  /** Events sealed in the chain so far: the head's position (0 when none is sealed yet). */
  events: z.number().int().nonnegative(),
  /** SHA-256 of the head, 64 hex digits (null when no event is sealed yet). */
  hash: z.string().nullable(),
  /** The first 16 hex digits of `hash`: what paper shows. */
  shortHash: z.string().nullable(),
  /** `<events>:<shortHash>` — the one token to print and to give `audit:verify --expect-head`. */
  reference: z.string().nullable(),
  /** Id of the event at the head (a decimal bigint). */
  headEventId: z.string().nullable(),
  /** When the head was sealed (ISO-8601 UTC). */
  sealedAt: z.string().nullable(),
  /** Events written but not sealed yet (sealed within about a second while a server runs). */
  unsealed: z.number().int().nonnegative(),
});
/** The head of a project's audit chain. */
export type ChainHead = z.infer<typeof chainHeadSchema>;

/** Hex digits of a head shown on paper (64 bits: a rewrite cannot be ground to match it). */
export const SHORT_HASH_LENGTH = 16;

/** `<events>:<first 16 hex digits>` of a head. */
export function chainReference(events: number | bigint, hashHex: string): string {
  return `${events}:${hashHex.slice(0, SHORT_HASH_LENGTH)}`;
}

/** Parse a printed reference (`1234:3f9a1c2b7e0d55aa`); null when it is not one. */
export function parseChainReference(text: string): { events: number; shortHash: string } | null {
  const m = /^(\d+):([0-9a-f]{16})$/i.exec(text.trim());
  return m ? { events: Number(m[1]), shortHash: m[2]!.toLowerCase() } : null;
}
