/**
 * The documents module (docs/documents.md). The service parts, one file per job:
 * - document-service.ts   DocumentService: request / poll / read / list / refresh after a change
 * - loaders/              one loader per kind: the record → the renderer's input and the /verify facts
 * - versions.ts           identity, fingerprint, the newest version
 * - access.ts             who may read a document (the privacy rule)
 * - verification.ts       the public /verify answer
 * - agreement-settings.ts the 认购书 terms and signing period, and their sample preview
 * - render-job.ts         the worker side of a `document-pdf` job: render and store a version
 * The templates (pdfkit) are the other files here (receipt.ts, agreement.ts, …); they run only in
 * the render thread (jobs/render-thread.ts) — this index never loads them.
 */
export { DocumentService, type DocumentRefresher } from './document-service.js';
export { processDocumentJob } from './render-job.js';
