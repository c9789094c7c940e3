import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AppError,
  createLotterySchema,
  emptyBodySchema,
  lotteryRefSchema,
  projectRefSchema,
  toLotteryRecord,
  type LatestLotteryAnswer,
} from '@kaipan/shared';
import type { AppConfig } from '../../config/index.js';
import type { Services } from '../../services/index.js';
import { parse, requirePrincipal } from '../context.js';

/**
 * Lottery 摇号: managers commit and draw; anyone (no login) reads the published record, the
 * verification file for `npm run verify-lottery` and the result PDF.
 */
export function lotteryRoutes(app: FastifyInstance, services: Services, config: AppConfig): void {
  /** Where the PDF's links and QR code point: PUBLIC_URL, else this request's origin. */
  const originOf = (request: FastifyRequest): string => config.publicUrl ?? `${request.protocol}://${request.host}`;

  app.post('/api/projects/:projectId/lotteries', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(createLotterySchema, request.body);
    return reply.code(201).send(await services.lottery.create(principal, projectId, body));
  });

  app.get('/api/projects/:projectId/lotteries', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return services.lottery.list(principal, projectId);
  });

  /** Members and devices of the project (wall boards): the latest drawn result, `{draw: null}` before any. */
  app.get('/api/projects/:projectId/lotteries/latest', async (request): Promise<LatestLotteryAnswer> => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return { draw: await services.lottery.latestDrawn(principal, projectId), serverTime: new Date().toISOString() };
  });

  app.post('/api/lotteries/:drawId/draw', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { drawId } = parse(lotteryRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return services.lottery.draw(principal, drawId);
  });

  app.get('/api/public/lotteries/:drawId', async (request, reply) => {
    const { drawId } = parse(lotteryRefSchema, request.params);
    const draw = await services.lottery.getPublic(drawId);
    // Until drawn the record changes once (at the draw); afterwards never.
    return reply.header('cache-control', draw.status === 'DRAWN' ? 'public, max-age=3600' : 'no-cache').send(draw);
  });

  app.get('/api/public/lotteries/:drawId/record.json', async (request, reply) => {
    const { drawId } = parse(lotteryRefSchema, request.params);
    const record = toLotteryRecord(await services.lottery.getPublic(drawId));
    if (!record) throw new AppError('INVALID_TRANSITION', 'The lottery has not been drawn yet.');
    return reply
      .header('content-disposition', `attachment; filename="lottery-${record.projectCode}-${drawId.slice(0, 8)}.json"`)
      .header('cache-control', 'public, max-age=3600')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(record, null, 2));
  });

  app.get('/api/public/lotteries/:drawId/pdf', async (request, reply) => {
    const { drawId } = parse(lotteryRefSchema, request.params);
    const pdf = await services.lottery.resultPdf(drawId, originOf(request));
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="lottery-${drawId.slice(0, 8)}.pdf"`)
      .header('cache-control', 'public, max-age=3600')
      .send(pdf);
  });
}
