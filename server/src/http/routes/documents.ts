/**
 * Verifiable documents (docs/documents.md): request a rendering, poll its job, fetch the PDF, list a
 * project's documents, the 认购书 terms; and the public verification behind the QR codes.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AppError,
  agreementSettingsSchema,
  documentJobRefSchema,
  documentListQuerySchema,
  documentRefSchema,
  documentRequestSchema,
  projectRefSchema,
} from '@kaipan/shared';
import type { AppConfig } from '../../config/index.js';
import { RateLimiter } from '../../infra/rate-limiter.js';
import type { Services } from '../../services/index.js';
import { parse, requirePrincipal } from '../context.js';

/** Public verifications per IP: 5 a second, bursts of 30 (as the public ticket routes). */
const PUBLIC_RATE = { perSecond: 5, burst: 30 };

export function documentRoutes(app: FastifyInstance, services: Services, config: AppConfig): void {
  const publicLimiter = new RateLimiter(PUBLIC_RATE.perSecond, PUBLIC_RATE.burst);
  /** Where the QR codes point: PUBLIC_URL, else this request's origin. */
  const originOf = (request: FastifyRequest): string => config.publicUrl ?? `${request.protocol}://${request.host}`;

  /** 202 + DocumentJobInfo (queued) or 200 + DocumentJobInfo (completed: the record has not changed). */
  app.post('/api/documents', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const body = parse(documentRequestSchema, request.body);
    const { queued, info } = await services.docs.request(principal, body, originOf(request));
    return reply.code(queued ? 202 : 200).header('cache-control', 'no-store').send(info);
  });

  app.get('/api/document-jobs/:jobId', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { jobId } = parse(documentJobRefSchema, request.params);
    const info = await services.docs.jobInfo(principal, jobId, originOf(request));
    return reply.header('cache-control', 'no-store').send(info);
  });

  app.get('/api/documents/:documentId/pdf', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { documentId } = parse(documentRefSchema, request.params);
    const doc = await services.docs.pdf(principal, documentId);
    const etag = `"${doc.sha256}"`;
    reply
      .header('etag', etag)
      .header('x-content-sha256', doc.sha256)
      // A version never changes once stored; only its members may read it.
      .header('cache-control', 'private, max-age=86400, immutable');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `inline; filename="${doc.filename.ascii}"; filename*=UTF-8''${encodeURIComponent(doc.filename.utf8)}`)
      .send(doc.pdf);
  });

  app.get('/api/projects/:projectId/documents', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const query = parse(documentListQuerySchema, request.query);
    return services.docs.list(principal, projectId, query, originOf(request));
  });

  app.get('/api/projects/:projectId/agreement', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return services.docs.agreementSettings(principal, projectId);
  });

  app.patch('/api/projects/:projectId/agreement', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(agreementSettingsSchema, request.body);
    return services.docs.updateAgreementSettings(principal, projectId, body);
  });

  // A sample 认购书 of the form as it stands (saved or not): PDF bytes, stored nowhere.
  app.post('/api/projects/:projectId/agreement/preview', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(agreementSettingsSchema, request.body);
    const pdf = await services.docs.previewAgreement(principal, projectId, body);
    return reply
      .header('cache-control', 'no-store')
      .header('content-type', 'application/pdf')
      .header('content-disposition', `inline; filename="agreement-sample.pdf"; filename*=UTF-8''${encodeURIComponent('认购书-样本.pdf')}`)
      .send(pdf);
  });

  // ── Public: what the QR code on every document opens ────────────────────────────────────────
  // A wildcard, not `:id`: an over-long or slash-laden forgery must get found:false too, not a 414.
  app.get('/api/public/verify/*', async (request, reply) => {
    if (!publicLimiter.take(request.ip)) throw new AppError('RATE_LIMITED');
    const raw = (request.params as { '*'?: unknown })['*'];
    const id = typeof raw === 'string' ? raw : '';
    // Unknown, malformed and forged ids all answer found:false with 200: nothing to probe.
    const result = await services.docs.verify(id);
    return reply.header('cache-control', 'no-store').send(result);
  });
}
