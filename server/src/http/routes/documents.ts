/**
 * Verifiable documents (docs/documents.md): request a rendering, poll its job, fetch the PDF, list a
 * project's documents, the 认购书 terms; and the public verification behind the QR codes.
 */
import type { FastifyRequest } from 'fastify';
import { AppError, type API } from '@kaipan/shared';
import type { AppConfig } from '../../config/index.js';
import { RateLimiter } from '../../infra/rate-limiter.js';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/** Public verifications per IP: 5 a second, bursts of 30 (as the public ticket routes). */
const PUBLIC_RATE = { perSecond: 5, burst: 30 };

export function documentHandlers(services: Services, config: AppConfig): Handlers<typeof API.documents> {
  const docs = services.docs;
  const publicLimiter = new RateLimiter(PUBLIC_RATE.perSecond, PUBLIC_RATE.burst);
  /** Where the QR codes point: PUBLIC_URL, else this request's origin. */
  const originOf = (request: FastifyRequest): string => config.publicUrl ?? `${request.protocol}://${request.host}`;
  return {
    /** 202 + DocumentJobInfo (queued) or 200 + DocumentJobInfo (completed: the record has not changed). */
    request: async ({ principal, body, request, reply }) => {
      const { queued, info } = await docs.request(principal, body, originOf(request));
      return reply
        .code(queued ? 202 : 200)
        .header('cache-control', 'no-store')
        .send(info);
    },
    job: async ({ principal, params, request, reply }) =>
      reply.header('cache-control', 'no-store').send(await docs.jobInfo(principal, params.jobId, originOf(request))),
    pdf: async ({ principal, params, request, reply }) => {
      const doc = await docs.pdf(principal, params.documentId);
      const etag = `"${doc.sha256}"`;
      void reply
        .header('etag', etag)
        .header('x-content-sha256', doc.sha256)
        // A version never changes once stored; only its members may read it.
        .header('cache-control', 'private, max-age=86400, immutable');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply
        .header('content-type', 'application/pdf')
        .header(
          'content-disposition',
          `inline; filename="${doc.filename.ascii}"; filename*=UTF-8''${encodeURIComponent(doc.filename.utf8)}`,
        )
        .send(doc.pdf);
    },
    list: ({ principal, params, query, request }) => docs.list(principal, params.projectId, query, originOf(request)),
    agreement: ({ principal, params }) => docs.agreementSettings(principal, params.projectId),
    updateAgreement: ({ principal, params, body }) => docs.updateAgreementSettings(principal, params.projectId, body),
    // A sample 认购书 of the form as it stands (saved or not): PDF bytes, stored nowhere.
    previewAgreement: async ({ principal, params, body, reply }) => {
      const pdf = await docs.previewAgreement(principal, params.projectId, body);
      return reply
        .header('cache-control', 'no-store')
        .header('content-type', 'application/pdf')
        .header(
          'content-disposition',
          `inline; filename="agreement-sample.pdf"; filename*=UTF-8''${encodeURIComponent('认购书-样本.pdf')}`,
        )
        .send(pdf);
    },
    // What the QR code on every document opens. A wildcard, not `:id`: an over-long or slash-laden
    // forgery must get found:false too, not a 414.
    verify: {
      beforeValidation: (request) => {
        if (!publicLimiter.take(request.ip)) throw new AppError('RATE_LIMITED');
      },
      // Unknown, malformed and forged ids all answer found:false with 200: nothing to probe.
      handle: async ({ params, reply }) =>
        reply.header('cache-control', 'no-store').send(await docs.verify(params['*'])),
    },
  };
}
