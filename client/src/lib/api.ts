/**
 * All HTTP I/O of the client, typed from @kaipan/shared. Every failure is thrown as an ApiError
 * carrying a registered ErrorCode (or a client-side code for network trouble), never a bare string.
 */
import {
  ApiError,
  DEVICE_KEY_HEADER,
  apiErrorFrom,
  toApiError,
  type AuditEntry,
  type BatchInfo,
  type WithholdChannel,
  type Buyer,
  type ConfirmResult,
  type DealInfo,
  type LockResult,
  type LoginResponse,
  type CreateLotteryBody,
  type LotteryDrawInfo,
  type LotteryDrawSummary,
  type ProjectCatalog,
  type ProjectSnapshot,
  type ProjectSettingsBody,
  type ProjectSummary,
  type RegistrationOverview,
  type RegistrationInfo,
  type CreateRegistrationBody,
  type LatestLotteryAnswer,
  type QueueState,
  type QueueTicketView,
  type BuyerView,
  type CallResult,
  type TicketStatus,
  type UnitRef,
  type UnitState,
  type UserInfo,
  type CreateCustomerBody,
  type CreateFollowUpBody,
  type CustomerDetail,
  type CustomerInfo,
  type CustomerOwner,
  type CustomerPage,
  type CustomerShortlist,
  type FollowUpInfo,
  type MoveIdleResult,
  type ReassignResult,
  type UpdateCustomerBody,
  type DecisionBody,
  type DiscountRuleBody,
  type DiscountRuleInfo,
  type PaymentPlanBody,
  type PaymentPlanInfo,
  type PriceListChange,
  type PriceListInfo,
  type PricingSettingsBody,
  type PricingTerms,
  type RepriceBody,
  type RepriceRequestBody,
  type RepriceRow,
  type DealQuoteInfo,
  type PriceApprovalInfo,
  type PriceApprovalRequestBody,
  type QuoteBody,
  type ChangeRequestBody,
  type ChangeRequestInfo,
  type ChangeStatus,
  type SubscriptionInfo,
  type WithheldUnitInfo,
  type AgreementSettings,
  type AgreementSettingsBody,
  type DocumentInfo,
  type DocumentJobInfo,
  type DocumentKind,
  type DocumentRequestBody,
  type VerifyResult,
  type FailedLoginPage,
  type SessionInfo,
  type SessionsEndedResult,
  type UserAccountInfo,
} from '@kaipan/shared';
import { UNIT_SHEET_CONTENT_TYPES, type UnitImportResult, type UnitSheetFormat } from '@kaipan/shared';
import { currentToken, signOut } from '../stores/session';

export { ApiError, CLIENT_ERROR_CODES, toApiError, type ClientErrorCode } from '@kaipan/shared';

/** How a request authenticates: the signed-in user's token, or a wall-board device key. */
export type ApiAuth = { kind: 'session' } | { kind: 'device'; deviceKey: string } | { kind: 'none' };

const REQUEST_TIMEOUT_MS = 15_000;

async function request<T>(
  auth: ApiAuth,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let usedToken = false;
  if (auth.kind === 'session') {
    const token = currentToken();
    if (token) {
      headers.Authorization = `Bearer ${token}`;
      usedToken = true;
    }
  } else if (auth.kind === 'device') {
    headers[DEVICE_KEY_HEADER] = auth.deviceKey;
  }
  if (typeof navigator !== 'undefined' && navigator.onLine === false) {
    throw new ApiError('OFFLINE', 'The device is offline.');
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw toApiError(error);
  }
  const text = await response.text();
  let parsed: unknown;
  if (text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const err = apiErrorFrom(response.status, parsed);
    // A rejected token means the session is over; the route guard sends the user to /login.
    if (usedToken && err.code === 'UNAUTHENTICATED') signOut();
    throw err;
  }
  if (parsed === undefined) {
    throw new ApiError('INTERNAL', `Unexpected response from ${method} ${path}`, response.status);
  }
  return parsed as T;
}

const enc = encodeURIComponent;

/** The API as seen with one kind of credentials. */
export function createApi(auth: ApiAuth) {
  const get = <T>(path: string) => request<T>(auth, 'GET', path);
  const post = <T>(path: string, body: unknown = {}) => request<T>(auth, 'POST', path, body);
  const put = <T>(path: string, body: unknown) => request<T>(auth, 'PUT', path, body);
  const patch = <T>(path: string, body: unknown) => request<T>(auth, 'PATCH', path, body);
  return {
    login: (username: string, password: string) =>
      post<LoginResponse>('/api/auth/login', { username, password }),
    logout: () => post<{ ok: true }>('/api/auth/logout'),
    me: () => get<{ user: UserInfo }>('/api/auth/me'),
    /** My live sessions (devices), the current one marked; end one ("sign out this phone"). */
    mySessions: () => get<SessionInfo[]>('/api/auth/sessions'),
    endMySession: (sessionId: string) => post<SessionsEndedResult>(`/api/auth/sessions/${enc(sessionId)}/revoke`),
    /** Administrators: failed sign-ins (newest first), users, deactivation, ending a user's sessions. */
    failedLogins: (query: { limit?: number; before?: string; username?: string } = {}) => {
      const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string | number] => e[1] !== undefined).map(([k, v]) => [k, String(v)]));
      const text = qs.toString();
      return get<FailedLoginPage>(`/api/auth/failed-logins${text ? `?${text}` : ''}`);
    },
    users: () => get<UserAccountInfo[]>('/api/users'),
    deactivateUser: (userId: string) => post<UserAccountInfo>(`/api/users/${enc(userId)}/deactivate`),
    activateUser: (userId: string) => post<UserAccountInfo>(`/api/users/${enc(userId)}/activate`),
    endUserSessions: (userId: string) => post<SessionsEndedResult>(`/api/users/${enc(userId)}/sessions/revoke`),

    projects: () => get<ProjectSummary[]>('/api/projects'),
    catalog: (projectId: string) => get<ProjectCatalog>(`/api/projects/${enc(projectId)}/catalog`),
    snapshot: (projectId: string) => get<ProjectSnapshot>(`/api/projects/${enc(projectId)}/snapshot`),
    /** My live locks with their tokens (adopt locks taken on another device). */
    myLocks: (projectId: string) => get<LockResult[]>(`/api/projects/${enc(projectId)}/my-locks`),
    deals: (projectId: string, limit = 20) =>
      get<DealInfo[]>(`/api/projects/${enc(projectId)}/deals?limit=${limit}`),
    audit: (projectId: string, limit = 50) =>
      get<AuditEntry[]>(`/api/projects/${enc(projectId)}/audit?limit=${limit}`),

    batches: (projectId: string) => get<BatchInfo[]>(`/api/projects/${enc(projectId)}/batches`),
    /** Withheld units 保留房 with reason and channel (members and devices). */
    withheld: (projectId: string) => get<WithheldUnitInfo[]>(`/api/projects/${enc(projectId)}/withheld`),
    createBatch: (projectId: string, name: string, unitIds: string[], release = false) =>
      post<BatchInfo>(`/api/projects/${enc(projectId)}/batches`, { name, unitIds, release }),
    releaseBatch: (batchId: string) => post<BatchInfo>(`/api/batches/${enc(batchId)}/release`),
    /** (Re)schedule a pending batch (`releaseAt` ISO in the future) or remove its schedule (null). */
    scheduleBatch: (batchId: string, releaseAt: string | null) => patch<BatchInfo>(`/api/batches/${enc(batchId)}`, { releaseAt }),
    cancelBatch: (batchId: string) => post<BatchInfo>(`/api/batches/${enc(batchId)}/cancel`),

    updateSettings: (projectId: string, body: ProjectSettingsBody) =>
      patch<ProjectSummary>(`/api/projects/${enc(projectId)}/settings`, body),
    /** Set or change the kiosk PIN that opens the queue kiosks' setup screen (managers). */
    setKioskPin: (projectId: string, pin: string) => put<ProjectSummary>(`/api/projects/${enc(projectId)}/kiosk-pin`, { pin }),
    pause: (projectId: string) => post<ProjectSummary>(`/api/projects/${enc(projectId)}/pause`),
    resume: (projectId: string) => post<ProjectSummary>(`/api/projects/${enc(projectId)}/resume`),

    withhold: (unitId: string, reason: string, channel?: WithholdChannel) =>
      post<UnitState>(`/api/units/${enc(unitId)}/withhold`, channel ? { reason, channel } : { reason }),
    unwithhold: (unitId: string) => post<UnitState>(`/api/units/${enc(unitId)}/unwithhold`),

    registrations: (projectId: string) => get<RegistrationOverview>(`/api/projects/${enc(projectId)}/registrations`),
    createRegistration: (projectId: string, body: CreateRegistrationBody) =>
      post<RegistrationInfo>(`/api/projects/${enc(projectId)}/registrations`, body),
    setRegistrationEntitlement: (registrationId: string, unitsAllowed: number) =>
      post<RegistrationInfo>(`/api/registrations/${enc(registrationId)}/entitlement`, { unitsAllowed }),
    cancelRegistration: (registrationId: string) => post<RegistrationInfo>(`/api/registrations/${enc(registrationId)}/cancel`),

    /** Queue 排号 / calling 叫号 (docs/protocol.md "Queue and calling"). */
    queueState: (projectId: string) => get<QueueState>(`/api/projects/${enc(projectId)}/queue`),
    queueTickets: (projectId: string, query: { status?: TicketStatus; category?: string; limit?: number } = {}) => {
      const qs = Object.entries(query)
        .filter((e): e is [string, string | number] => e[1] !== undefined)
        .map(([k, v]) => `${enc(k)}=${enc(String(v))}`)
        .join('&');
      return get<QueueTicketView[]>(`/api/projects/${enc(projectId)}/queue/tickets${qs ? `?${qs}` : ''}`);
    },
    /** `idempotencyKey`: a retried press returns the first call's result instead of calling more. */
    callNext: (projectId: string, body: { category?: string; count: number; idempotencyKey: string }) =>
      post<CallResult>(`/api/projects/${enc(projectId)}/queue/call-next`, body),
    callTickets: (projectId: string, ticketIds: string[]) => post<CallResult>(`/api/projects/${enc(projectId)}/queue/call`, { ticketIds }),
    markServed: (projectId: string, ticketId: string) =>
      post<QueueTicketView>(`/api/projects/${enc(projectId)}/queue/tickets/${enc(ticketId)}/served`),
    markNoShow: (projectId: string, ticketId: string) =>
      post<QueueTicketView>(`/api/projects/${enc(projectId)}/queue/tickets/${enc(ticketId)}/no-show`),
    requeueTicket: (projectId: string, ticketId: string) =>
      post<QueueTicketView>(`/api/projects/${enc(projectId)}/queue/tickets/${enc(ticketId)}/requeue`),
    /** The public buyer page of a queue ticket (no login: the token from the ticket's QR is the credential). */
    publicTicket: (token: string) => get<BuyerView>(`/api/public/tickets/${enc(token)}`),

    /**
     * Documents 文件 (docs/documents.md). `requestDocument` answers a DocumentJobInfo: state
     * 'completed' (the record has not changed: the current version) or a job to poll with
     * `documentJob` until 'completed' / 'failed'. The PDF itself: fetch `document.pdfUrl` with the token.
     */
    requestDocument: (body: DocumentRequestBody) => post<DocumentJobInfo>('/api/documents', body),
    documentJob: (jobId: string) => get<DocumentJobInfo>(`/api/document-jobs/${enc(jobId)}`),
    documents: (projectId: string, query: { entityId?: string; kind?: DocumentKind } = {}) => {
      const qs = Object.entries(query)
        .filter((e): e is [string, string] => typeof e[1] === 'string')
        .map(([k, v]) => `${enc(k)}=${enc(v)}`)
        .join('&');
      return get<DocumentInfo[]>(`/api/projects/${enc(projectId)}/documents${qs ? `?${qs}` : ''}`);
    },
    agreementSettings: (projectId: string) => get<AgreementSettings>(`/api/projects/${enc(projectId)}/agreement`),
    updateAgreementSettings: (projectId: string, body: AgreementSettingsBody) =>
      patch<AgreementSettings>(`/api/projects/${enc(projectId)}/agreement`, body),
    /** Public (no login): is the document with this id (from its QR code) authentic and current? */
    verifyDocument: (id: string) => get<VerifyResult>(`/api/public/verify/${enc(id)}`),

    /** Lottery 摇号: managers commit and draw; the public record and file need no login. */
    lotteries: (projectId: string) => get<LotteryDrawSummary[]>(`/api/projects/${enc(projectId)}/lotteries`),
    /** The latest drawn result (members and devices: the wall board loads it on start). */
    latestLottery: (projectId: string) => get<LatestLotteryAnswer>(`/api/projects/${enc(projectId)}/lotteries/latest`),
    createLottery: (projectId: string, body: CreateLotteryBody) => post<LotteryDrawInfo>(`/api/projects/${enc(projectId)}/lotteries`, body),
    drawLottery: (drawId: string) => post<LotteryDrawInfo>(`/api/lotteries/${enc(drawId)}/draw`),
    publicLottery: (drawId: string) => get<LotteryDrawInfo>(`/api/public/lotteries/${enc(drawId)}`),
    /** The verification file (unvalidated JSON: check it with lotteryRecordSchema). */
    lotteryRecord: (drawId: string) => get<unknown>(`/api/public/lotteries/${enc(drawId)}/record.json`),

    /** HTTP twins of the hub commands (used when the hub is not connected). */
    lock: (unitId: string, registrationId?: string) =>
      post<LockResult>(`/api/units/${enc(unitId)}/lock`, registrationId ? { registrationId } : {}),
    release: (unitId: string, token: string) => post<UnitRef>(`/api/units/${enc(unitId)}/release`, { token }),
    /** Customer registry 客户 (docs/protocol.md "Customers"). */
    customers: (projectId: string, query: Record<string, string | number | undefined> = {}) => {
      const qs = Object.entries(query)
        .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
        .map(([k, v]) => `${enc(k)}=${enc(String(v))}`)
        .join('&');
      return get<CustomerPage>(`/api/projects/${enc(projectId)}/customers${qs ? `?${qs}` : ''}`);
    },
    customerOwners: (projectId: string) => get<CustomerOwner[]>(`/api/projects/${enc(projectId)}/customers/owners`),
    createCustomer: (projectId: string, body: CreateCustomerBody) =>
      post<CustomerInfo>(`/api/projects/${enc(projectId)}/customers`, body),
    customer: (customerId: string) => get<CustomerDetail>(`/api/customers/${enc(customerId)}`),
    updateCustomer: (customerId: string, body: UpdateCustomerBody) =>
      patch<CustomerInfo>(`/api/customers/${enc(customerId)}`, body),
    addFollowUp: (customerId: string, body: CreateFollowUpBody) =>
      post<FollowUpInfo>(`/api/customers/${enc(customerId)}/follow-ups`, body),
    shortlist: (customerId: string) => get<CustomerShortlist>(`/api/customers/${enc(customerId)}/shortlist`),
    setShortlist: (customerId: string, unitIds: string[]) =>
      put<CustomerShortlist>(`/api/customers/${enc(customerId)}/shortlist`, { unitIds }),
    claimCustomer: (customerId: string) => post<CustomerInfo>(`/api/customers/${enc(customerId)}/claim`),
    reassignCustomers: (projectId: string, customerIds: string[], ownerId: string | null) =>
      post<ReassignResult>(`/api/projects/${enc(projectId)}/customers/reassign`, { customerIds, ownerId }),
    moveIdleToPool: (projectId: string, days: number) =>
      post<MoveIdleResult>(`/api/projects/${enc(projectId)}/customers/move-idle-to-pool`, { days }),

    /** Price book 价目表 and pricing terms (docs/price-book.md). `all`: inactive rules and plans too (managers). */
    pricingTerms: (projectId: string, all = false) => get<PricingTerms>(`/api/projects/${enc(projectId)}/pricing${all ? '?all=1' : ''}`),
    updatePricing: (projectId: string, body: PricingSettingsBody) => patch<PricingTerms>(`/api/projects/${enc(projectId)}/pricing`, body),
    createDiscount: (projectId: string, body: DiscountRuleBody) => post<DiscountRuleInfo>(`/api/projects/${enc(projectId)}/discounts`, body),
    updateDiscount: (discountId: string, body: DiscountRuleBody) => put<DiscountRuleInfo>(`/api/discounts/${enc(discountId)}`, body),
    createPlan: (projectId: string, body: PaymentPlanBody) => post<PaymentPlanInfo>(`/api/projects/${enc(projectId)}/payment-plans`, body),
    updatePlan: (planId: string, body: PaymentPlanBody) => put<PaymentPlanInfo>(`/api/payment-plans/${enc(planId)}`, body),
    setIdentityTags: (customerId: string, tags: string[]) =>
      put<{ customerId: string; tags: string[] }>(`/api/customers/${enc(customerId)}/identity-tags`, { tags }),
    priceLists: (projectId: string) => get<PriceListInfo[]>(`/api/projects/${enc(projectId)}/price-lists`),
    priceListChanges: (priceListId: string) => get<PriceListChange[]>(`/api/price-lists/${enc(priceListId)}/changes`),
    previewReprice: (projectId: string, body: RepriceBody) =>
      post<{ rows: RepriceRow[]; floorAboveList: number }>(`/api/projects/${enc(projectId)}/price-lists/preview`, body),
    requestReprice: (projectId: string, body: RepriceRequestBody) => post<PriceListInfo>(`/api/projects/${enc(projectId)}/price-lists`, body),
    decidePriceList: (priceListId: string, body: DecisionBody) => post<PriceListInfo>(`/api/price-lists/${enc(priceListId)}/decision`, body),
    unitPriceHistory: (unitId: string) =>
      get<{ version: number; status: PriceListInfo['status']; listPrice: number; floorPrice: number; activatedAt: string | null }[]>(
        `/api/units/${enc(unitId)}/price-history`,
      ),

    /** Below-floor approvals 底价审批 and server quotes (docs/pricing.md "Floor price"). */
    quote: (unitId: string, body: QuoteBody) => post<DealQuoteInfo>(`/api/units/${enc(unitId)}/quote`, body),
    requestApproval: (unitId: string, body: PriceApprovalRequestBody) =>
      post<PriceApprovalInfo>(`/api/units/${enc(unitId)}/price-approvals`, body),
    approvals: (projectId: string) => get<PriceApprovalInfo[]>(`/api/projects/${enc(projectId)}/price-approvals`),
    decideApproval: (approvalId: string, body: DecisionBody) =>
      post<PriceApprovalInfo>(`/api/price-approvals/${enc(approvalId)}/decision`, body),
    withdrawApproval: (approvalId: string) => post<PriceApprovalInfo>(`/api/price-approvals/${enc(approvalId)}/withdraw`),

    /** Subscriptions 认购 and change requests 换房/退房/更名/调价 (docs/change-requests.md). */
    subscriptions: (projectId: string, query: { status?: SubscriptionInfo['status']; q?: string; limit?: number } = {}) => {
      const qs = Object.entries(query)
        .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
        .map(([k, v]) => `${enc(k)}=${enc(String(v))}`)
        .join('&');
      return get<SubscriptionInfo[]>(`/api/projects/${enc(projectId)}/subscriptions${qs ? `?${qs}` : ''}`);
    },
    subscription: (subscriptionId: string) =>
      get<SubscriptionInfo & { changes: ChangeRequestInfo[] }>(`/api/subscriptions/${enc(subscriptionId)}`),
    changeRequests: (projectId: string, status?: ChangeStatus) =>
      get<ChangeRequestInfo[]>(`/api/projects/${enc(projectId)}/change-requests${status ? `?status=${status}` : ''}`),
    /** 201 new, 200 the identical open request (pressed twice). */
    requestChange: (body: ChangeRequestBody) => post<ChangeRequestInfo>('/api/change-requests', body),
    decideChange: (requestId: string, body: DecisionBody) => post<ChangeRequestInfo>(`/api/change-requests/${enc(requestId)}/decision`, body),
    withdrawChange: (requestId: string) => post<ChangeRequestInfo>(`/api/change-requests/${enc(requestId)}/withdraw`),
    executeChange: (requestId: string) => post<ChangeRequestInfo>(`/api/change-requests/${enc(requestId)}/execute`),

    confirm: (unitId: string, token: string, buyer: Buyer) =>
      post<ConfirmResult>(`/api/units/${enc(unitId)}/confirm`, { token, buyer }),
  };
}

export type Api = ReturnType<typeof createApi>;

/** The signed-in user's API. */
export const api: Api = createApi({ kind: 'session' });

// ── Unit sheets 房源导入导出 (docs/import.md): binary bodies, so outside the JSON `request` ──────

/** A file the server sent as an attachment (export, template). */
export interface DownloadedFile {
  blob: Blob;
  fileName: string;
}

/** The name in `Content-Disposition` (the UTF-8 `filename*` when present). */
function attachmentName(header: string | null, fallback: string): string {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header ?? '');
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      // fall through to the plain name
    }
  }
  return /filename="([^"]+)"/i.exec(header ?? '')?.[1] ?? fallback;
}

/** Session-authenticated fetch with the same offline, timeout and error mapping as `request`. */
async function sessionFetch(method: 'GET' | 'POST', path: string, body?: { data: Blob | string; contentType: string }, timeoutMs = 60_000): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = currentToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body) headers['Content-Type'] = body.contentType;
  if (typeof navigator !== 'undefined' && navigator.onLine === false) throw new ApiError('OFFLINE', 'The device is offline.');
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body?.data, credentials: 'same-origin', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw toApiError(error);
  }
  if (!response.ok) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await response.text());
    } catch {
      parsed = undefined;
    }
    const err = apiErrorFrom(response.status, parsed);
    if (token && err.code === 'UNAUTHENTICATED') signOut();
    throw err;
  }
  return response;
}

/** A rendered document's PDF (`DocumentInfo.pdfUrl`), fetched with the session's bearer token. */
export async function fetchDocumentPdf(pdfUrl: string, timeoutMs = 60_000): Promise<Blob> {
  const res = await sessionFetch('GET', pdfUrl, undefined, timeoutMs);
  const blob = await res.blob();
  return blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' });
}

/** A sample 认购书 of the given (unsaved) terms: POST …/agreement/preview answers the PDF itself; nothing is stored. */
export async function fetchAgreementSample(projectId: string, body: AgreementSettingsBody, timeoutMs = 60_000): Promise<Blob> {
  const res = await sessionFetch('POST', `/api/projects/${enc(projectId)}/agreement/preview`, { data: JSON.stringify(body), contentType: 'application/json' }, timeoutMs);
  const blob = await res.blob();
  return blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' });
}

export const unitSheets = {
  /** The current units with active prices (`export`) or the empty template. */
  async download(projectId: string, kind: 'export' | 'template', format: UnitSheetFormat): Promise<DownloadedFile> {
    const res = await sessionFetch('GET', `/api/projects/${enc(projectId)}/units/${kind}?format=${format}`);
    return { blob: await res.blob(), fileName: attachmentName(res.headers.get('content-disposition'), `units.${format}`) };
  },
  /** Check (`dryRun`) or import a file. A refused file throws IMPORT_INVALID with ImportInvalidDetails. */
  async import(projectId: string, file: Blob, options: { format: UnitSheetFormat; dryRun: boolean; fileName: string }): Promise<UnitImportResult> {
    const qs = new URLSearchParams({ format: options.format, fileName: options.fileName.slice(0, 120) });
    if (options.dryRun) qs.set('dryRun', '1');
    const res = await sessionFetch('POST', `/api/projects/${enc(projectId)}/units/import?${qs}`, {
      data: file,
      contentType: UNIT_SHEET_CONTENT_TYPES[options.format],
    });
    return (await res.json()) as UnitImportResult;
  },
};
