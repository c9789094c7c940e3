import type { FastifyRequest } from 'fastify';
import { AppError, toLotteryRecord, type API, type LatestLotteryAnswer } from '@kaipan/shared';
import type { AppConfig } from '../../config/index.js';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/**
 * Lottery 摇号: managers commit and draw; anyone (no login) reads the published record, the
 * verification file for `npm run verify-lottery` and the result PDF.
 */
export function lotteryHandlers(services: Services, config: AppConfig): Handlers<typeof API.lottery> {
  const lottery = services.lottery;
  /** Where the PDF's links and QR code point: PUBLIC_URL, else this request's origin. */
  const originOf = (request: FastifyRequest): string => config.publicUrl ?? `${request.protocol}://${request.host}`;
  return {
    create: async ({ principal, params, body, reply }) =>
      reply.code(201).send(await lottery.create(principal, params.projectId, body)),
    list: ({ principal, params }) => lottery.list(principal, params.projectId),
    /** Members and devices of the project (wall boards): the latest drawn result, `{draw: null}` before any. */
    latest: async ({ principal, params }): Promise<LatestLotteryAnswer> => ({
      draw: await lottery.latestDrawn(principal, params.projectId),
      serverTime: new Date().toISOString(),
    }),
    draw: ({ principal, params }) => lottery.draw(principal, params.drawId),
    public: async ({ params, reply }) => {
      const draw = await lottery.getPublic(params.drawId);
      // Until drawn the record changes once (at the draw); afterwards never.
      return reply.header('cache-control', draw.status === 'DRAWN' ? 'public, max-age=3600' : 'no-cache').send(draw);
    },
    record: async ({ params: { drawId }, reply }) => {
      const record = toLotteryRecord(await lottery.getPublic(drawId));
      if (!record) throw new AppError('INVALID_TRANSITION', 'The lottery has not been drawn yet.');
      return reply
        .header(
          'content-disposition',
          `attachment; filename="lottery-${record.projectCode}-${drawId.slice(0, 8)}.json"`,
        )
        .header('cache-control', 'public, max-age=3600')
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(record, null, 2));
    },
    pdf: async ({ params: { drawId }, request, reply }) => {
      const pdf = await lottery.resultPdf(drawId, originOf(request));
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="lottery-${drawId.slice(0, 8)}.pdf"`)
        .header('cache-control', 'public, max-age=3600')
        .send(pdf);
    },
  };
}
