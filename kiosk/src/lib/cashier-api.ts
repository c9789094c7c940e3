/**
 * HTTP I/O of the cashier desk, typed from @kaipan/shared (shared/src/cashier.ts, documents.ts).
 * Authenticates with the signed-in user's bearer token; a 401 signs the desk out. Failures are
 * ApiErrors with a registered code (or NETWORK_ERROR / TIMEOUT / OFFLINE), never bare strings.
 */
import {
  ApiError,
  apiErrorFrom,
  toApiError,
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
  type ProjectSummary,
  type ReceiptBookInfo,
  type ReceiptInfo,
  type RecordPaymentBody,
  type RefundBody,
} from '@kaipan/shared';
import { cashierSession, signOut } from './cashier-session';

const REQUEST_TIMEOUT_MS = 15_000;
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

async function send(token: string | null, method: Method, path: string, body?: unknown, accept = 'application/json', credentials: RequestCredentials = 'omit'): Promise<Response> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) throw new ApiError('OFFLINE', 'The desk is offline.');
  const headers: Record<string, string> = { Accept: accept };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials,
      cache: 'no-store',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw toApiError(error);
  }
  if (!response.ok) {
    let parsed: unknown;
    try {
      parsed = await response.json();
    } catch {
      parsed = undefined;
    }
    const error = apiErrorFrom(response.status, parsed);
    // The token expired or the user was disabled: back to the sign-in.
    if (token && response.status === 401) signOut();
    throw error;
  }
  return response;
}

async function json<T>(token: string | null, method: Method, path: string, body?: unknown): Promise<{ status: number; data: T }> {
  const response = await send(token, method, path, body);
  try {
    return { status: response.status, data: (await response.json()) as T };
  } catch {
    throw new ApiError('INTERNAL', `Unexpected response from ${method} ${path}`, response.status);
  }
}

/** Sign in. With the browser's cookies: the desk keeps its trusted-device cookie, so failed sign-ins by others at the same address never slow it down. */
export async function login(username: string, password: string): Promise<LoginResponse> {
  const response = await send(null, 'POST', '/api/auth/login', { username, password }, 'application/json', 'same-origin');
  try {
    return (await response.json()) as LoginResponse;
  } catch {
    throw new ApiError('INTERNAL', 'Unexpected response from POST /api/auth/login', response.status);
  }
}

/**
 * Sign the desk out: the server ends the session (the token stops working everywhere at once), then it
 * is forgotten here — also when the server cannot be reached.
 */
export async function signOutDesk(): Promise<void> {
  const token = cashierSession()?.token ?? null;
  if (token) await send(token, 'POST', '/api/auth/logout', {}).catch(() => undefined);
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
  const get = async <T>(path: string): Promise<T> => (await json<T>(token, 'GET', path)).data;
  const post = async <T>(path: string, body: unknown): Promise<T> => (await json<T>(token, 'POST', path, body)).data;
  const blob = async (path: string, accept: string): Promise<Blob> => (await send(token, 'GET', path, undefined, accept)).blob();

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
