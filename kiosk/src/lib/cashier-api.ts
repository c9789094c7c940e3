/**
 * HTTP I/O of the cashier desk, typed from @kaipan/shared (shared/src/cashier.ts, documents.ts).
 * Authenticates with the signed-in user's bearer token; a 401 signs the desk out. Failures are
 * ApiErrors with a registered code (or NETWORK_ERROR / TIMEOUT / OFFLINE), never bare strings.
 */
import {
  ApiError,
  type CashierLookup,
  type CashierRegistration,
  type CashierSubscription,
  type ConvertSincerityBody,
  type DayEndTotals,
  type VoidRequestInfo,
  type DocumentInfo,
  type DocumentJobInfo,
  type DocumentKind,
  type DocumentVariant,
  type LoginResponse,
  type PaymentInfo,
  type PaymentKind,
  type ProjectSummary,
  type ReceiptBookInfo,
  type ReceiptInfo,
  type RecordPaymentBody,
  type RefundBody,
} from '@kaipan/shared';
import { createTransport } from '@kaipan/web/http/transport';
import { cashierSession, signOut } from './cashier-session';

/** How long the desk waits for a PDF to be rendered. */
const DOCUMENT_WAIT_MS = 60_000;

type Method = 'GET' | 'POST' | 'PATCH';

export interface CashierSubscriptionDetail extends CashierSubscription {
  payments: PaymentInfo[];
}
export interface CashierRegistrationDetail extends CashierRegistration {
  payments: PaymentInfo[];
}

/** A void request as GET /api/projects/:id/void-requests answers it. */
export type VoidRequestView = VoidRequestInfo;

/** Day-end as answered; the close id (when the server gives it) names the DAY_END document. */
export type DayEndView = DayEndTotals;

const enc = encodeURIComponent;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The desk's transport: the signed-in token, no cookies, never a cached answer; a refused token signs the desk out. */
const transport = createTransport({ credentials: 'omit', noStore: true, onSessionRejected: signOut });

function json<T>(token: string, method: Method, path: string, body?: unknown): Promise<T> {
  return transport.json<T>(method, path, { auth: { token }, json: body });
}

/** Sign in. With the browser's cookies: the desk keeps its trusted-device cookie, so failed sign-ins by others at the same address never slow it down. */
export function login(username: string, password: string): Promise<LoginResponse> {
  return transport.json<LoginResponse>('POST', '/api/auth/login', { auth: null, json: { username, password }, credentials: 'same-origin' });
}

/**
 * Sign the desk out: the server ends the session (the token stops working everywhere at once), then it
 * is forgotten here — also when the server cannot be reached.
 */
export async function signOutDesk(): Promise<void> {
  const token = cashierSession()?.token ?? null;
  if (token) await transport.send('POST', '/api/auth/logout', { auth: { token }, json: {} }).catch(() => undefined);
  signOut();
}

/** POST /api/documents answers a job (202) or, when nothing needs rendering, the current document. */
function asJob(v: DocumentJobInfo | DocumentInfo | { document: DocumentInfo }): DocumentJobInfo {
  if ('jobId' in v) return v;
  const document = 'pdfUrl' in v ? v : v.document;
  return { jobId: `current-${document.id}`, state: 'completed', progress: 100, document, error: null };
}

/** The API as seen by one signed-in cashier (or manager). */
export function createCashierApi(token: string) {
  const get = <T>(path: string): Promise<T> => json<T>(token, 'GET', path);
  const post = <T>(path: string, body: unknown): Promise<T> => json<T>(token, 'POST', path, body);
  const blob = async (path: string, accept: string): Promise<Blob> => (await transport.send('GET', path, { auth: { token }, accept })).blob();

  return {
    projects: () => get<ProjectSummary[]>('/api/projects'),
    lookup: (projectId: string, q: string) => get<CashierLookup>(`/api/projects/${enc(projectId)}/cashier/lookup?q=${enc(q)}`),
    subscription: (id: string) => get<CashierSubscriptionDetail>(`/api/subscriptions/${enc(id)}/cashier`),
    registration: (id: string) => get<CashierRegistrationDetail>(`/api/registrations/${enc(id)}/cashier`),
    receiptBooks: (projectId: string) => get<ReceiptBookInfo[]>(`/api/projects/${enc(projectId)}/receipt-books`),

    /** 201 recorded, 200 the same key again (the first result). */
    recordPayment: (projectId: string, body: RecordPaymentBody) => post<PaymentInfo>(`/api/projects/${enc(projectId)}/payments`, body),
    /** 诚意金转定金: answers the new deposit payment. */
    convert: (paymentId: string, body: ConvertSincerityBody) => post<PaymentInfo>(`/api/payments/${enc(paymentId)}/convert`, body),
    /** Answers the refund payment. */
    refund: (paymentId: string, body: RefundBody) => post<PaymentInfo>(`/api/payments/${enc(paymentId)}/refund`, body),
    requestVoid: (receiptId: string, reason: string) => post<unknown>(`/api/receipts/${enc(receiptId)}/void-requests`, { reason }),
    voidRequests: (projectId: string) => get<VoidRequestView[]>(`/api/projects/${enc(projectId)}/void-requests?status=PENDING`),
    decideVoid: (id: string, approve: boolean, note?: string) =>
      post<unknown>(`/api/void-requests/${enc(id)}/decision`, note ? { approve, note } : { approve }),
    /** Count one print of a receipt (every print after the first is a COPY / 重打). */
    recordPrint: (receiptId: string) => post<ReceiptInfo>(`/api/receipts/${enc(receiptId)}/prints`, {}),

    requestDocument: async (kind: DocumentKind, entityId: string, variant?: DocumentVariant): Promise<DocumentJobInfo> =>
      asJob(await post<DocumentJobInfo | DocumentInfo>('/api/documents', variant ? { kind, entityId, variant } : { kind, entityId })),
    documentJob: (jobId: string) => get<DocumentJobInfo>(`/api/document-jobs/${enc(jobId)}`),
    pdf: (pdfUrl: string) => blob(pdfUrl, 'application/pdf'),

    /** One cashier's payments of a business day, newest first. */
    payments: (projectId: string, date: string, cashierId: string) =>
      get<PaymentInfo[]>(`/api/projects/${enc(projectId)}/payments?date=${enc(date)}&cashierId=${enc(cashierId)}`),
    dayEnd: (projectId: string, date: string, cashierId?: string) =>
      get<DayEndView>(`/api/projects/${enc(projectId)}/day-end?date=${enc(date)}${cashierId ? `&cashierId=${enc(cashierId)}` : ''}`),
    closeDay: (projectId: string, date: string, cashierId?: string) =>
      post<DayEndView>(`/api/projects/${enc(projectId)}/day-end/close`, cashierId ? { date, cashierId } : { date }),
    dayEndCsv: (projectId: string, date: string, cashierId?: string) =>
      blob(`/api/projects/${enc(projectId)}/day-end.csv?date=${enc(date)}${cashierId ? `&cashierId=${enc(cashierId)}` : ''}`, 'text/csv'),
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
    if (job.state === 'failed') throw new ApiError('INTERNAL', job.error?.message ?? 'The document could not be rendered.');
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
