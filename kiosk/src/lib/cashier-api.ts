/**
 * HTTP I/O of the cashier desk, typed from @kaipan/shared (shared/src/cashier.ts, documents.ts).
 * Authenticates with the signed-in user's bearer token; a 401 signs the desk out. Failures are
 * ApiErrors with a registered code (or NETWORK_ERROR / TIMEOUT / OFFLINE), never bare strings.
 */
import {
  API,
  ApiError,
  callApi,
  urlOf,
  type ApiRoute,
  type CallArgs,
  type ConvertSincerityBody,
  type DocumentInfo,
  type DocumentJobInfo,
  type DocumentKind,
  type DocumentVariant,
  type LoginResponse,
  type RecordPaymentBody,
  type RefundBody,
  type SendRequest,
} from '@kaipan/shared';
import { createTransport } from '@kaipan/web/http/transport';
import { cashierSession, signOut } from './cashier-session';
import { deskKey } from './desk-key';

/** How long the desk waits for a PDF to be rendered. */
const DOCUMENT_WAIT_MS = 60_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The desk's transport: the signed-in token, no cookies, never a cached answer; a refused token signs the desk out. */
const transport = createTransport({ credentials: 'omit', noStore: true, onSessionRejected: signOut });

/** Sign in. With the browser's cookies: the desk keeps its trusted-device cookie, so failed sign-ins by others at the same address never slow it down. */
export function login(username: string, password: string): Promise<LoginResponse> {
  return transport.json<LoginResponse>('POST', urlOf(API.auth.login), {
    auth: null,
    json: { username, password },
    credentials: 'same-origin',
  });
}

/**
 * Sign the desk out: the server ends the session (the token stops working everywhere at once), then it
 * is forgotten here — also when the server cannot be reached.
 */
export async function signOutDesk(): Promise<void> {
  const token = cashierSession()?.token ?? null;
  if (token) await transport.send('POST', urlOf(API.auth.logout), { auth: { token }, json: {} }).catch(() => undefined);
  signOut();
}

/** POST /api/documents answers a job (202) or, when nothing needs rendering, the current document. */
function asJob(v: DocumentJobInfo | DocumentInfo | { document: DocumentInfo }): DocumentJobInfo {
  if ('jobId' in v) return v;
  const document = 'pdfUrl' in v ? v : v.document;
  return { jobId: `current-${document.id}`, state: 'completed', progress: 100, document, error: null };
}

/** The API as seen by one signed-in cashier (or manager): every call typed from the route table. */
export function createCashierApi(token: string) {
  const send: SendRequest = (method, path, body) =>
    transport.json<unknown>(method, path, { auth: { token, deskKey: deskKey() }, json: body });
  const call = <R extends ApiRoute>(route: R, ...args: CallArgs<R>) => callApi(send, route, ...args);
  const blob = async (path: string, accept: string): Promise<Blob> =>
    (await transport.send('GET', path, { auth: { token, deskKey: deskKey() }, accept })).blob();

  return {
    projects: () => call(API.projects.list),
    lookup: (projectId: string, q: string) => call(API.cashier.lookup, { params: { projectId }, query: { q } }),
    subscription: (subscriptionId: string) => call(API.cashier.subscription, { params: { subscriptionId } }),
    registration: (registrationId: string) => call(API.cashier.registration, { params: { registrationId } }),
    receiptBooks: (projectId: string) => call(API.cashier.books, { params: { projectId } }),

    /** 201 recorded, 200 the same key again (the first result). */
    recordPayment: (projectId: string, body: RecordPaymentBody) =>
      call(API.cashier.recordPayment, { params: { projectId }, body }),
    /** 诚意金转定金: answers the new deposit payment. */
    convert: (paymentId: string, body: ConvertSincerityBody) =>
      call(API.cashier.convert, { params: { paymentId }, body }),
    /** Answers the refund payment. */
    refund: (paymentId: string, body: RefundBody) => call(API.cashier.refund, { params: { paymentId }, body }),
    requestVoid: (receiptId: string, reason: string) =>
      call(API.cashier.requestVoid, { params: { receiptId }, body: { reason } }),
    voidRequests: (projectId: string) =>
      call(API.cashier.voidRequests, { params: { projectId }, query: { status: 'PENDING' } }),
    decideVoid: (requestId: string, approve: boolean, note?: string) =>
      call(API.cashier.decideVoid, { params: { requestId }, body: note ? { approve, note } : { approve } }),
    /** Whoever asked takes a pending void request back. */
    withdrawVoid: (requestId: string) => call(API.cashier.withdrawVoid, { params: { requestId }, body: {} }),
    /** Count one print of a receipt (every print after the first is a COPY / 重打). */
    recordPrint: (receiptId: string) => call(API.cashier.print, { params: { receiptId } }),

    requestDocument: async (
      kind: DocumentKind,
      entityId: string,
      variant?: DocumentVariant,
    ): Promise<DocumentJobInfo> =>
      asJob(await call(API.documents.request, { body: variant ? { kind, entityId, variant } : { kind, entityId } })),
    documentJob: (jobId: string) => call(API.documents.job, { params: { jobId } }),
    pdf: (pdfUrl: string) => blob(pdfUrl, 'application/pdf'),

    /** One cashier's payments of a business day, newest first. */
    payments: (projectId: string, date: string, cashierId: string) =>
      call(API.cashier.payments, { params: { projectId }, query: { date, cashierId } }),
    dayEnd: (projectId: string, date: string, cashierId?: string) =>
      call(API.cashier.dayEnd, { params: { projectId }, query: { date, cashierId } }),
    closeDay: (projectId: string, date: string, cashierId?: string) =>
      call(API.cashier.closeDay, { params: { projectId }, body: cashierId ? { date, cashierId } : { date } }),
    dayEndCsv: (projectId: string, date: string, cashierId?: string) =>
      blob(urlOf(API.cashier.dayEndCsv, { params: { projectId }, query: { date, cashierId } }), 'text/csv'),
  };
}

export type CashierApi = ReturnType<typeof createCashierApi>;

/**
 * Render (or reuse) a document and fetch its PDF: POST /api/documents, then poll the job
 * (progress 0–100 reported to `onProgress`) until it is completed, then GET the PDF with the token.
 */
export async function fetchDocument(
  api: CashierApi,
  request: { kind: DocumentKind; entityId: string; variant?: DocumentVariant },
  onProgress: (progress: number, state: DocumentJobInfo['state']) => void,
  signal?: AbortSignal,
): Promise<{ document: DocumentInfo; pdf: Blob }> {
  let job = await api.requestDocument(request.kind, request.entityId, request.variant);
  const deadline = Date.now() + DOCUMENT_WAIT_MS;
  let wait = 250;
  while (job.state !== 'completed' || !job.document) {
    if (signal?.aborted) throw new ApiError('TIMEOUT', 'Cancelled.');
    if (job.state === 'failed')
      throw new ApiError('INTERNAL', job.error?.message ?? 'The document could not be rendered.');
    onProgress(job.progress, job.state);
    if (Date.now() > deadline) throw new ApiError('TIMEOUT', 'The document was not rendered in time.');
    await sleep(wait);
    wait = Math.min(1_500, Math.round(wait * 1.5));
    job = await api.documentJob(job.jobId);
  }
  onProgress(100, 'completed');
  const pdf = await api.pdf(job.document.pdfUrl);
  return { document: job.document, pdf };
}
