/**
 * Verifiable documents (docs/documents.md): request a rendering, poll its job, fetch the PDF, list a
 * project's documents, the 认购书 terms; and the public verification behind the QR codes.
 */
import {
  agreementSettingsInfoSchema,
  agreementSettingsSchema,
  documentJobRefSchema,
  documentListQuerySchema,
  documentRefSchema,
  documentRequestSchema,
} from '../documents.js';
import { z } from 'zod';
import { projectRefSchema } from '../schemas.js';
import { documentInfoSchema, documentJobInfoSchema, verifyResultSchema } from '../cashier.js';
import { defineRoute } from './route.js';

export const documentsApi = {
  request: defineRoute({
    method: 'POST',
    path: '/api/documents',
    summary: 'Render a document: 202 + the job while queued, 200 + the job when the record has not changed.',
    access: 'work',
    body: documentRequestSchema,
    responses: { 202: documentJobInfoSchema, 200: documentJobInfoSchema },
    errors: [
      'INVALID_TRANSITION',
      'UNPRINTABLE_CHARACTER',
      'CONFLICT',
      'PRICE_VERSION_STALE',
      'DISCOUNT_NOT_APPLICABLE',
      'PLAN_NOT_APPLICABLE',
      'ABOVE_FILED_PRICE',
    ],
  }),
  job: defineRoute({
    method: 'GET',
    path: '/api/document-jobs/:jobId',
    summary: 'A rendering job: queued, done (with the document) or failed.',
    access: 'staff',
    params: documentJobRefSchema,
    responses: { 200: documentJobInfoSchema },
    errors: [],
  }),
  pdf: defineRoute({
    method: 'GET',
    path: '/api/documents/:documentId/pdf',
    summary: 'The stored PDF of a document version (ETag; immutable).',
    access: 'staff',
    params: documentRefSchema,
    responses: {},
    file: 'application/pdf',
    errors: [],
  }),
  list: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/documents',
    summary: "The project's documents.",
    access: 'staff',
    params: projectRefSchema,
    query: documentListQuerySchema,
    responses: { 200: z.array(documentInfoSchema) },
    errors: [],
  }),
  agreement: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/agreement',
    summary: 'The 认购书 terms of the project.',
    access: 'signedIn',
    params: projectRefSchema,
    responses: { 200: agreementSettingsInfoSchema },
    errors: [],
  }),
  updateAgreement: defineRoute({
    method: 'PATCH',
    path: '/api/projects/:projectId/agreement',
    summary: 'Change the 认购书 terms.',
    access: 'manage',
    params: projectRefSchema,
    body: agreementSettingsSchema,
    responses: { 200: agreementSettingsInfoSchema },
    errors: ['CONFLICT', 'UNPRINTABLE_CHARACTER', 'PROJECT_ARCHIVED'],
  }),
  previewAgreement: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/agreement/preview',
    summary: 'A sample 认购书 of the terms as sent (saved or not): PDF bytes, stored nowhere.',
    access: 'manage',
    params: projectRefSchema,
    body: agreementSettingsSchema,
    responses: {},
    file: 'application/pdf',
    errors: ['UNPRINTABLE_CHARACTER'],
  }),
  verify: defineRoute({
    method: 'GET',
    path: '/api/public/verify/*',
    summary: 'What the QR code on every document opens: found and the facts, or found:false (no credentials).',
    access: 'public',
    /** Anything after /verify/ (unknown, malformed and forged ids all answer found:false). */
    params: z.object({ '*': z.string() }),
    responses: { 200: verifyResultSchema },
    errors: ['RATE_LIMITED'],
  }),
};
