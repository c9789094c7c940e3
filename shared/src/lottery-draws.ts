/**
 * The lottery draw flow (摇号) in Kaipan: commit → draw → publish. Contracts only; the algorithm and
 * the published record format are in ./lottery.ts (`kaipan-lottery-v1`, docs/lottery.md).
 */
import { z } from 'zod';
import { lineText } from './text.js';
import { idSchema } from './schemas.js';
import { LOTTERY_VERSION, type LotteryRecord } from './lottery.js';

/** Which registrations enter a draw: ACTIVE ones whose sincerity deposit 诚意金 was received (default), or all ACTIVE ones. */
export const LOTTERY_ELIGIBILITY = ['ACTIVE_WITH_DEPOSIT', 'ALL_ACTIVE'] as const;
export type LotteryEligibility = (typeof LOTTERY_ELIGIBILITY)[number];

/**
 * POST /api/projects/:projectId/lotteries — freeze the eligible list and commit to a fresh server
 * seed. A repeated request with the same `idempotencyKey` (per project, kept for good) returns the
 * draw the first one created.
 */
export const createLotterySchema = z.strictObject({
  /** Shown on the board, the public page and the PDF, e.g. "首开摇号 First release". */
  title: lineText(100),
  eligible: z.enum(LOTTERY_ELIGIBILITY).default('ACTIVE_WITH_DEPOSIT'),
  idempotencyKey: z
    .string()
    .min(8)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, - or _')
    .optional(),
});
export type CreateLotteryBody = z.input<typeof createLotterySchema>;
export type CreateLotteryInput = z.output<typeof createLotterySchema>;

export const lotteryRefSchema = z.strictObject({ drawId: idSchema });

export const lotteryDrawStatusSchema = z.enum(['COMMITTED', 'DRAWN']);
export type LotteryDrawStatus = z.infer<typeof lotteryDrawStatusSchema>;

/** The fields of a draw both the full view and the manager list answer. */
const lotteryDrawFields = {
  id: z.string(),
  projectId: z.string(),
  projectCode: z.string(),
  projectName: z.string(),
  projectNameEn: z.string(),
  /** IANA zone times are shown in. */
  timezone: z.string(),
  title: z.string(),
  status: lotteryDrawStatusSchema,
  /** Always `kaipan-lottery-v1`. */
  version: z.string(),
  listCommitment: z.string(),
  seedCommitment: z.string(),
  committedAt: z.string(),
  seed: z.string().nullable(),
  drawnAt: z.string().nullable(),
};

/**
 * A draw as the public sees it (GET /api/public/lotteries/:drawId, no login). `seed` and `order`
 * are null until the draw: the seed is secret while COMMITTED.
 */
export const lotteryDrawInfoSchema = z.object({
  ...lotteryDrawFields,
  /** The frozen eligible registration labels (R0001…), canonical (sorted) order. */
  entries: z.array(z.string()),
  /** order[0] selects first: a registration's selection position is its index + 1. */
  order: z.array(z.string()).nullable(),
});
export type LotteryDrawInfo = z.infer<typeof lotteryDrawInfoSchema>;

/** Manager list (GET /api/projects/:projectId/lotteries): newest first, without the long lists. */
export const lotteryDrawSummarySchema = z.object({ ...lotteryDrawFields, entryCount: z.number().int() });
export type LotteryDrawSummary = z.infer<typeof lotteryDrawSummarySchema>;

/**
 * GET /api/projects/:projectId/lotteries/latest — the project's most recently drawn lottery (its
 * public record), for screens that start after the `lottery:drawn` broadcast (wall boards read it
 * with their device key). `draw` is null until a draw of the project has been made; committed but
 * undrawn lotteries are never returned here.
 */
export const latestLotteryAnswerSchema = z.object({
  draw: lotteryDrawInfoSchema.nullable(),
  /** The server's clock when it answered, so a screen can tell how long ago `drawnAt` was without trusting its own clock. */
  serverTime: z.string(),
});
export type LatestLotteryAnswer = z.infer<typeof latestLotteryAnswerSchema>;

/** Broadcast `lottery:drawn` to the project's room when a draw is made (once per draw). */
export interface LotteryDrawnEvent {
  projectId: string;
  drawId: string;
  title: string;
  /** Registration labels in selection order. */
  order: string[];
  drawnAt: string;
}

/** The verification file of a drawn lottery (exactly `lotteryRecordSchema`). */
export function toLotteryRecord(draw: LotteryDrawInfo): LotteryRecord | null {
  if (draw.status !== 'DRAWN' || draw.seed === null || draw.order === null || draw.drawnAt === null) return null;
  return {
    version: LOTTERY_VERSION,
    projectCode: draw.projectCode,
    drawnAt: draw.drawnAt,
    listCommitment: draw.listCommitment,
    seedCommitment: draw.seedCommitment,
    seed: draw.seed,
    entries: draw.entries,
    order: draw.order,
  };
}

/** Public page path and API paths of a draw (absolute when `origin` is given). */
export function lotteryPaths(drawId: string, origin = ''): { page: string; json: string; record: string; pdf: string } {
  const base = origin.replace(/\/+$/, '');
  return {
    page: `${base}/lottery/${drawId}`,
    json: `${base}/api/public/lotteries/${drawId}`,
    record: `${base}/api/public/lotteries/${drawId}/record.json`,
    pdf: `${base}/api/public/lotteries/${drawId}/pdf`,
  };
}
