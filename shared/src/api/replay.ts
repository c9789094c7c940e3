/** Launch replay 开盘回放 (docs/replay.md): the record of a morning, replayed on the board and the dashboard. */
import { z } from 'zod';
import { projectRefSchema } from '../schemas.js';
import { replaySchema } from '../replay.js';
import { defineRoute } from './route.js';

const instantSchema = z.iso.datetime({ offset: true });

export const replayQuerySchema = z.strictObject({
  /** Start of the window (the initial state is the one at this instant). */
  from: instantSchema,
  /** End of the window (default: now). */
  to: instantSchema.optional(),
});
export type ReplayQuery = z.infer<typeof replayQuerySchema>;

export const replayApi = {
  replay: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/replay',
    summary:
      "Launch replay: every unit's status and deal (price, consultant) at `from`, then every status change and deal set until `to` (default now), oldest first, from the audit record; the deals' consultants and the teams. Staff only (no buyer).",
    access: 'replay',
    params: projectRefSchema,
    query: replayQuerySchema,
    responses: { 200: replaySchema },
    errors: [],
  }),
};
