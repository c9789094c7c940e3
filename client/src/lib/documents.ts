/**
 * Documents 文件 on the signed-in screens (docs/documents.md): ask the server for a PDF (POST
 * /api/documents), follow its render job (GET /api/document-jobs/:jobId, progress 0–100) and fetch
 * the bytes with the session's bearer token. The PDF is handed back as a Blob so it can be opened
 * as an object URL: that works on phones too, where a plain link to the PDF route would carry no
 * token.
 */
import {
  isErrorCode,
  type AgreementSettingsBody,
  type DocumentInfo,
  type DocumentJobInfo,
  type DocumentRequestBody,
} from '@kaipan/shared';
import { ApiError, api, fetchAgreementSample, fetchDocumentPdf } from './api';

/** Give up waiting for a render after this long (the queue may be busy on launch morning). */
export const DOCUMENT_WAIT_MS = 90_000;

/** Where a document request stands, for the progress line. */
export type DocumentPhase = 'requesting' | 'waiting' | 'active' | 'downloading';

/**
 * A sample 认购书 of the terms form as it stands (the terms page's preview): rendered on request
 * and answered as PDF bytes — no document row, no version, no verification code.
 */
export interface AgreementSampleRequest {
  kind: 'AGREEMENT_SAMPLE';
  projectId: string;
  body: AgreementSettingsBody;
}

/** What a document button produces: a stored document, or a sample. */
export type DocumentSource = DocumentRequestBody | AgreementSampleRequest;

export const isSampleSource = (s: DocumentSource): s is AgreementSampleRequest => s.kind === 'AGREEMENT_SAMPLE';

/** Fetch a sample's PDF (one request: the server renders while it answers). */
export async function produceSample(
  req: AgreementSampleRequest,
  onProgress: (phase: DocumentPhase, progress: number) => void,
): Promise<Blob> {
  onProgress('active', 0);
  return fetchAgreementSample(req.projectId, req.body);
}

export interface ProducedDocument {
  document: DocumentInfo;
  pdf: Blob;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** A failed job's coded error as an ApiError (unknown codes read as INTERNAL). */
export function jobError(job: DocumentJobInfo): ApiError {
  const code = job.error?.code;
  return new ApiError(
    isErrorCode(code) ? code : 'INTERNAL',
    job.error?.message ?? 'The document could not be rendered.',
  );
}

/**
 * Render (or reuse) a document and fetch its PDF. `onProgress` hears every step; an aborted
 * `signal` stops polling and throws TIMEOUT (callers that aborted ignore it).
 */
export async function produceDocument(
  body: DocumentRequestBody,
  onProgress: (phase: DocumentPhase, progress: number) => void,
  signal?: AbortSignal,
): Promise<ProducedDocument> {
  onProgress('requesting', 0);
  let job = await api.requestDocument(body);
  const deadline = Date.now() + DOCUMENT_WAIT_MS;
  let wait = 250;
  while (job.state !== 'completed' || !job.document) {
    if (signal?.aborted) throw new ApiError('TIMEOUT', 'Cancelled.');
    if (job.state === 'failed' || job.state === 'completed') throw jobError(job);
    onProgress(job.state === 'active' ? 'active' : 'waiting', job.progress);
    if (Date.now() > deadline) throw new ApiError('TIMEOUT', 'The document was not rendered in time.');
    await sleep(wait, signal);
    wait = Math.min(1_500, Math.round(wait * 1.5));
    if (signal?.aborted) throw new ApiError('TIMEOUT', 'Cancelled.');
    job = await api.documentJob(job.jobId);
  }
  onProgress('downloading', 100);
  const pdf = await fetchDocumentPdf(job.document.pdfUrl);
  return { document: job.document, pdf };
}

/** A file name for the download link: "认购书 Subscription agreement · A-0101" → "认购书-…-A-0101-v2.pdf". */
export function pdfFileName(doc: DocumentInfo): string {
  const base = doc.title
    .replace(/[\\/:*?"<>|]+/g, '-')
    .replace(/\s*·\s*/g, '-')
    .replace(/\s+/g, '-');
  return `${base}-v${doc.version}.pdf`;
}
