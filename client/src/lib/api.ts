/**
 * All HTTP I/O of the client, typed from @kaipan/shared. Every failure is thrown as an ApiError
 * carrying a registered ErrorCode (or a client-side code for network trouble), never a bare string.
 */
import {
  API,
  UNIT_SHEET_CONTENT_TYPES,
  callApi,
  urlOf,
  type AddMemberBody,
  type AgreementSettingsBody,
  type AuditFilter,
  type Locale,
  type ReportKind,
  type ReportQueryInput,
  type ApprovePairingBody,
  type ApiRoute,
  type BuildingPatternInput,
  type Buyer,
  type CallArgs,
  type CallInput,
  type ChangeRequestBody,
  type ChangeStatus,
  type CreateCustomerBody,
  type CreateDeviceBody,
  type CreateFollowUpBody,
  type CreateLotteryBody,
  type CreateProjectBody,
  type CreateRegistrationBody,
  type DecisionBody,
  type DiscountRuleBody,
  type DocumentKind,
  type DocumentRequestBody,
  type EditUnitsBody,
  type HttpMethod,
  type LayoutBody,
  type PaymentPlanBody,
  type PermitBody,
  type PriceApprovalRequestBody,
  type PriceFormulaInput,
  type ReceiptBookBody,
  type SalesTarget,
  type PricingSettingsBody,
  type ProjectSettingsBody,
  type QuoteBody,
  type RepriceBody,
  type RepriceRequestBody,
  type SendRequest,
  type SetMemberBody,
  type SubscriptionInfo,
  type TeamBody,
  type TicketStatus,
  type UnitImportResult,
  type UnitSheetFormat,
  type UpdateCustomerBody,
  type UpdateTeamBody,
  type UpdateProjectBody,
  type WithholdChannel,
  type BulkUnwithholdBody,
  type BulkWithholdBody,
} from '@kaipan/shared';
import { createTransport, type RequestAuth } from '@kaipan/web/http/transport';
import { currentToken, signOut } from '../stores/session';

export { ApiError, CLIENT_ERROR_CODES, toApiError, type ClientErrorCode } from '@kaipan/shared';

/** How a request authenticates: the signed-in user's token, or a wall-board device key. */
export type ApiAuth = { kind: 'session' } | { kind: 'device'; deviceKey: string } | { kind: 'none' };

/** The customer list's filters, as the route table types them. */
type CustomerListQueryInput = NonNullable<CallInput<typeof API.customers.list>['query']>;

/** The consultant app's transport: the session's token, the browser's cookies, a refused token signs out. */
const transport = createTransport({
  credentials: 'same-origin',
  auth: () => ({ token: currentToken() }),
  onSessionRejected: signOut,
});

function requestAuth(auth: ApiAuth): RequestAuth {
  if (auth.kind === 'device') return { deviceKey: auth.deviceKey };
  return auth.kind === 'session' ? { token: currentToken() } : null;
}

function request(auth: ApiAuth, method: HttpMethod, path: string, body?: unknown): Promise<unknown> {
  return transport.json<unknown>(method, path, { auth: requestAuth(auth), json: body });
}

/** The API as seen with one kind of credentials: every call typed from the route table (shared/src/api). */
export function createApi(auth: ApiAuth) {
  const send: SendRequest = (method, path, body) => request(auth, method, path, body);
  const call = <R extends ApiRoute>(route: R, ...args: CallArgs<R>) => callApi(send, route, ...args);
  return {
    login: (username: string, password: string) => call(API.auth.login, { body: { username, password } }),
    logout: () => call(API.auth.logout),
    me: () => call(API.auth.me),
    /** My live sessions (devices), the current one marked; end one ("sign out this phone"). */
    mySessions: () => call(API.auth.sessions),
    endMySession: (sessionId: string) => call(API.auth.revokeSession, { params: { sessionId } }),
    /** Administrators: failed sign-ins (newest first), users, deactivation, ending a user's sessions. */
    failedLogins: (query: { limit?: number; before?: string; username?: string } = {}) =>
      call(API.auth.failedLogins, { query }),
    users: () => call(API.users.list),
    createUser: (body: { username: string; displayName: string; password: string }) => call(API.users.create, { body }),
    resetPassword: (userId: string, password?: string) =>
      call(API.users.resetPassword, { params: { userId }, body: password ? { password } : {} }),
    /** The signed-in user chooses a new password; answers a fresh session (as sign-in). */
    changePassword: (currentPassword: string, newPassword: string) =>
      call(API.auth.changePassword, { body: { currentPassword, newPassword } }),
    /** First run (no login): does the install need its first administrator; create it with the setup code. */
    firstRunStatus: () => call(API.firstRun.status),
    firstRun: (body: { code: string; username: string; displayName: string; password: string }) =>
      call(API.firstRun.create, { body }),
    /** Managers: the project's devices; create (the key in this answer only), rename, revoke. */
    devices: (projectId: string) => call(API.devices.list, { params: { projectId } }),
    createDevice: (projectId: string, body: CreateDeviceBody) =>
      call(API.devices.create, { params: { projectId }, body }),
    renameDevice: (deviceId: string, name: string) =>
      call(API.devices.rename, { params: { deviceId }, body: { name } }),
    revokeDevice: (deviceId: string) => call(API.devices.revoke, { params: { deviceId } }),
    /** A waiting screen's pairing code, and approving it as a named device. */
    pairing: (code: string) => call(API.devices.showPairing, { params: { code } }),
    approvePairing: (code: string, body: ApprovePairingBody) =>
      call(API.devices.approvePairing, { params: { code }, body }),
    deactivateUser: (userId: string) => call(API.users.deactivate, { params: { userId } }),
    activateUser: (userId: string) => call(API.users.activate, { params: { userId } }),
    endUserSessions: (userId: string) => call(API.users.revokeSessions, { params: { userId } }),

    /** Members of a project with their role and team, and its teams (managers). */
    members: (projectId: string) => call(API.members.list, { params: { projectId } }),
    addMember: (projectId: string, body: AddMemberBody) => call(API.members.add, { params: { projectId }, body }),
    setMember: (projectId: string, userId: string, body: SetMemberBody) =>
      call(API.members.set, { params: { projectId, userId }, body }),
    removeMember: (projectId: string, userId: string) => call(API.members.remove, { params: { projectId, userId } }),
    createTeam: (projectId: string, body: TeamBody) => call(API.members.createTeam, { params: { projectId }, body }),
    updateTeam: (projectId: string, teamId: string, body: UpdateTeamBody) =>
      call(API.members.updateTeam, { params: { projectId, teamId }, body }),
    deleteTeam: (projectId: string, teamId: string) => call(API.members.deleteTeam, { params: { projectId, teamId } }),
    projects: (includeArchived = false) =>
      call(API.projects.list, { query: { includeArchived: includeArchived ? 'true' : 'false' } }),
    /** Project setup (docs/setup.md): create (administrators), details, edit, archive, presale permits. */
    createProject: (body: CreateProjectBody) => call(API.projects.create, { body }),
    projectDetails: (projectId: string) => call(API.projects.details, { params: { projectId } }),
    updateProject: (projectId: string, body: UpdateProjectBody) =>
      call(API.projects.update, { params: { projectId }, body }),
    archiveProject: (projectId: string) => call(API.projects.archive, { params: { projectId } }),
    unarchiveProject: (projectId: string) => call(API.projects.unarchive, { params: { projectId } }),
    permits: (projectId: string) => call(API.projects.permits, { params: { projectId } }),
    /** Rehearsals 演练 of a project: list, copy (administrators), reset (docs/setup.md "Rehearsal"). */
    rehearsals: (projectId: string) => call(API.rehearsals.list, { params: { projectId } }),
    createRehearsal: (projectId: string) => call(API.rehearsals.create, { params: { projectId } }),
    resetRehearsal: (projectId: string) => call(API.rehearsals.reset, { params: { projectId } }),
    createPermit: (projectId: string, body: PermitBody) =>
      call(API.projects.createPermit, { params: { projectId }, body }),
    deletePermit: (permitId: string) => call(API.projects.deletePermit, { params: { permitId } }),
    /** The deposit rule 定金时限 and required deposit (fen on the wire). */
    cashierSettings: (projectId: string) => call(API.cashier.settings, { params: { projectId } }),
    updateCashierSettings: (
      projectId: string,
      body: { depositWindowMinutes?: number | null; requiredDepositFen?: number },
    ) => call(API.cashier.updateSettings, { params: { projectId }, body }),
    queueCategories: (projectId: string) => call(API.queue.categories, { params: { projectId } }),
    receiptBooks: (projectId: string) => call(API.cashier.books, { params: { projectId } }),
    createReceiptBook: (projectId: string, body: ReceiptBookBody) =>
      call(API.cashier.createBook, { params: { projectId }, body }),
    closeReceiptBook: (bookId: string) => call(API.cashier.closeBook, { params: { bookId }, body: {} }),
    catalog: (projectId: string) => call(API.projects.catalog, { params: { projectId } }),
    snapshot: (projectId: string) => call(API.projects.snapshot, { params: { projectId } }),
    /** My live locks with their tokens (adopt locks taken on another device). */
    myLocks: (projectId: string) => call(API.projects.myLocks, { params: { projectId } }),
    deals: (projectId: string, limit = 20) => call(API.projects.deals, { params: { projectId }, query: { limit } }),
    /** The live sales dashboard's figures (docs/dashboard.md). */
    dashboard: (projectId: string) => call(API.dashboard.read, { params: { projectId } }),
    salesTarget: (projectId: string) => call(API.dashboard.target, { params: { projectId } }),
    updateSalesTarget: (projectId: string, body: SalesTarget) =>
      call(API.dashboard.updateTarget, { params: { projectId }, body }),
    /** One page of the audit log (newest first; `before` = the previous page's nextCursor). */
    audit: (projectId: string, query: AuditFilter & { limit?: number; before?: string }) =>
      call(API.audit.log, { params: { projectId }, query: { limit: 50, ...query } }),
    /** Run a report as a job (docs/reports.md); poll it with `reportJob`. */
    startReportJob: (projectId: string, kind: ReportKind, body: ReportQueryInput) =>
      call(API.reports.startJob, { params: { projectId, kind }, body }),
    /** Export the filtered audit log through the same jobs. */
    startAuditJob: (projectId: string, body: AuditFilter & { lang: Locale }) =>
      call(API.reports.startAuditJob, { params: { projectId }, body }),
    reportJob: (projectId: string, reportJobId: string) =>
      call(API.reports.job, { params: { projectId, reportJobId } }),
    /** A unit's timeline: its events and those of its deals, payments and documents, oldest first. */
    unitTimeline: (projectId: string, unitId: string) =>
      call(API.audit.unitTimeline, { params: { projectId, unitId } }),
    /** Launch replay (managers): the state at `from` and the changes until `to` (default now). */
    replay: (projectId: string, from: string, to?: string) =>
      call(API.replay.replay, { params: { projectId }, query: to ? { from, to } : { from } }),

    batches: (projectId: string) => call(API.projects.batches, { params: { projectId } }),
    /** Withheld units 保留房 with reason and channel (members and devices). */
    withheld: (projectId: string) => call(API.projects.withheld, { params: { projectId } }),
    createBatch: (projectId: string, name: string, unitIds: string[], release = false) =>
      call(API.projects.createBatch, { params: { projectId }, body: { name, unitIds, release } }),
    releaseBatch: (batchId: string) => call(API.projects.releaseBatch, { params: { batchId } }),
    /** (Re)schedule a pending batch (`releaseAt` ISO in the future) or remove its schedule (null). */
    scheduleBatch: (batchId: string, releaseAt: string | null) =>
      call(API.projects.updateBatch, { params: { batchId }, body: { releaseAt } }),
    cancelBatch: (batchId: string) => call(API.projects.cancelBatch, { params: { batchId } }),

    updateSettings: (projectId: string, body: ProjectSettingsBody) =>
      call(API.projects.updateSettings, { params: { projectId }, body }),
    /** Set or change the kiosk PIN that opens the queue kiosks' setup screen (managers). */
    setKioskPin: (projectId: string, pin: string) =>
      call(API.queue.setKioskPin, { params: { projectId }, body: { pin } }),
    pause: (projectId: string) => call(API.projects.pause, { params: { projectId } }),
    resume: (projectId: string) => call(API.projects.resume, { params: { projectId } }),

    withhold: (unitId: string, reason: string, channel?: WithholdChannel) =>
      call(API.units.withhold, { params: { unitId }, body: channel ? { reason, channel } : { reason } }),
    unwithhold: (unitId: string) => call(API.units.unwithhold, { params: { unitId } }),
    /** Withhold many units with one reason; refused units come back in `refused` (docs/protocol.md). */
    withholdMany: (projectId: string, body: BulkWithholdBody) =>
      call(API.units.withholdMany, { params: { projectId }, body }),
    unwithholdMany: (projectId: string, body: BulkUnwithholdBody) =>
      call(API.units.unwithholdMany, { params: { projectId }, body }),

    /** Project setup: buildings from a pattern, layouts 户型, formula prices, the grid editor (docs/buildings.md). */
    buildings: (projectId: string) => call(API.buildings.list, { params: { projectId } }),
    previewBuilding: (projectId: string, body: BuildingPatternInput) =>
      call(API.buildings.preview, { params: { projectId }, body }),
    createBuilding: (projectId: string, body: BuildingPatternInput) =>
      call(API.buildings.create, { params: { projectId }, body }),
    deleteBuilding: (buildingId: string) => call(API.buildings.remove, { params: { buildingId } }),
    setupUnits: (projectId: string, buildingId?: string) =>
      call(API.buildings.units, { params: { projectId }, query: buildingId ? { buildingId } : {} }),
    editUnits: (projectId: string, body: EditUnitsBody) =>
      call(API.buildings.editUnits, { params: { projectId }, body }),
    deleteUnits: (projectId: string, unitIds: string[]) =>
      call(API.buildings.deleteUnits, { params: { projectId }, body: { unitIds } }),
    layouts: (projectId: string) => call(API.buildings.layouts, { params: { projectId } }),
    createLayout: (projectId: string, body: LayoutBody) =>
      call(API.buildings.createLayout, { params: { projectId }, body }),
    updateLayout: (layoutId: string, body: LayoutBody) =>
      call(API.buildings.updateLayout, { params: { layoutId }, body }),
    previewFormula: (projectId: string, body: PriceFormulaInput) =>
      call(API.buildings.formulaPreview, { params: { projectId }, body }),
    applyFormula: (projectId: string, body: PriceFormulaInput) =>
      call(API.buildings.formulaApply, { params: { projectId }, body }),
    filedPriceRule: (projectId: string) => call(API.buildings.getFiledPriceRule, { params: { projectId } }),
    setFiledPriceRule: (projectId: string, refuseAboveFiledPrice: boolean) =>
      call(API.buildings.filedPriceRule, { params: { projectId }, body: { refuseAboveFiledPrice } }),

    registrations: (projectId: string) => call(API.registrations.overview, { params: { projectId } }),
    createRegistration: (projectId: string, body: CreateRegistrationBody) =>
      call(API.registrations.create, { params: { projectId }, body }),
    setRegistrationEntitlement: (registrationId: string, unitsAllowed: number) =>
      call(API.registrations.setEntitlement, { params: { registrationId }, body: { unitsAllowed } }),
    cancelRegistration: (registrationId: string) => call(API.registrations.cancel, { params: { registrationId } }),

    /** Queue 排号 / calling 叫号 (docs/protocol.md "Queue and calling"). */
    queueState: (projectId: string) => call(API.queue.state, { params: { projectId } }),
    queueTickets: (projectId: string, query: { status?: TicketStatus; category?: string; limit?: number } = {}) =>
      call(API.queue.tickets, { params: { projectId }, query }),
    /** `idempotencyKey`: a retried press returns the first call's result instead of calling more. */
    callNext: (projectId: string, body: { category?: string; count: number; idempotencyKey: string }) =>
      call(API.queue.callNext, { params: { projectId }, body }),
    callTickets: (projectId: string, ticketIds: string[]) =>
      call(API.queue.call, { params: { projectId }, body: { ticketIds } }),
    markServed: (projectId: string, ticketId: string) => call(API.queue.served, { params: { projectId, ticketId } }),
    markNoShow: (projectId: string, ticketId: string) => call(API.queue.noShow, { params: { projectId, ticketId } }),
    requeueTicket: (projectId: string, ticketId: string) =>
      call(API.queue.requeue, { params: { projectId, ticketId } }),
    /** The public buyer page of a queue ticket (no login: the token from the ticket's QR is the credential). */
    publicTicket: (token: string) => call(API.queue.buyerView, { params: { token } }),

    /**
     * Documents 文件 (docs/documents.md). `requestDocument` answers a DocumentJobInfo: state
     * 'completed' (the record has not changed: the current version) or a job to poll with
     * `documentJob` until 'completed' / 'failed'. The PDF itself: fetch `document.pdfUrl` with the token.
     */
    requestDocument: (body: DocumentRequestBody) => call(API.documents.request, { body }),
    documentJob: (jobId: string) => call(API.documents.job, { params: { jobId } }),
    documents: (projectId: string, query: { entityId?: string; kind?: DocumentKind } = {}) =>
      call(API.documents.list, { params: { projectId }, query }),
    agreementSettings: (projectId: string) => call(API.documents.agreement, { params: { projectId } }),
    updateAgreementSettings: (projectId: string, body: AgreementSettingsBody) =>
      call(API.documents.updateAgreement, { params: { projectId }, body }),
    /** Public (no login): is the document with this id (from its QR code) authentic and current? */
    verifyDocument: (id: string) => call(API.documents.verify, { params: { '*': encodeURIComponent(id) } }),

    /** Lottery 摇号: managers commit and draw; the public record and file need no login. */
    lotteries: (projectId: string) => call(API.lottery.list, { params: { projectId } }),
    /** The latest drawn result (members and devices: the wall board loads it on start). */
    latestLottery: (projectId: string) => call(API.lottery.latest, { params: { projectId } }),
    createLottery: (projectId: string, body: CreateLotteryBody) =>
      call(API.lottery.create, { params: { projectId }, body }),
    drawLottery: (drawId: string) => call(API.lottery.draw, { params: { drawId } }),
    publicLottery: (drawId: string) => call(API.lottery.public, { params: { drawId } }),
    /** The verification file (check it with lotteryRecordSchema before trusting it). */
    lotteryRecord: (drawId: string) => call(API.lottery.record, { params: { drawId } }),

    /** HTTP twins of the hub commands (used when the hub is not connected). */
    lock: (unitId: string, registrationId?: string) =>
      call(API.units.lock, { params: { unitId }, body: registrationId ? { registrationId } : {} }),
    release: (unitId: string, token: string) => call(API.units.release, { params: { unitId }, body: { token } }),
    /** Customer registry 客户 (docs/protocol.md "Customers"). */
    customers: (projectId: string, query: CustomerListQueryInput = {}) =>
      call(API.customers.list, { params: { projectId }, query }),
    customerOwners: (projectId: string) => call(API.customers.owners, { params: { projectId } }),
    createCustomer: (projectId: string, body: CreateCustomerBody) =>
      call(API.customers.create, { params: { projectId }, body }),
    customer: (customerId: string) => call(API.customers.get, { params: { customerId } }),
    updateCustomer: (customerId: string, body: UpdateCustomerBody) =>
      call(API.customers.update, { params: { customerId }, body }),
    addFollowUp: (customerId: string, body: CreateFollowUpBody) =>
      call(API.customers.addFollowUp, { params: { customerId }, body }),
    shortlist: (customerId: string) => call(API.customers.shortlist, { params: { customerId } }),
    setShortlist: (customerId: string, unitIds: string[]) =>
      call(API.customers.setShortlist, { params: { customerId }, body: { unitIds } }),
    claimCustomer: (customerId: string) => call(API.customers.claim, { params: { customerId } }),
    reassignCustomers: (projectId: string, customerIds: string[], ownerId: string | null) =>
      call(API.customers.reassign, { params: { projectId }, body: { customerIds, ownerId } }),
    moveIdleToPool: (projectId: string, days: number) =>
      call(API.customers.moveIdleToPool, { params: { projectId }, body: { days } }),

    /** Price book 价目表 and pricing terms (docs/price-book.md). `all`: inactive rules and plans too (managers). */
    pricingTerms: (projectId: string, all = false) =>
      call(API.pricing.terms, { params: { projectId }, query: all ? { all: '1' } : {} }),
    updatePricing: (projectId: string, body: PricingSettingsBody) =>
      call(API.pricing.updateSettings, { params: { projectId }, body }),
    createDiscount: (projectId: string, body: DiscountRuleBody) =>
      call(API.pricing.createDiscount, { params: { projectId }, body }),
    updateDiscount: (discountId: string, body: DiscountRuleBody) =>
      call(API.pricing.replaceDiscount, { params: { discountId }, body }),
    createPlan: (projectId: string, body: PaymentPlanBody) =>
      call(API.pricing.createPlan, { params: { projectId }, body }),
    updatePlan: (planId: string, body: PaymentPlanBody) => call(API.pricing.replacePlan, { params: { planId }, body }),
    setIdentityTags: (customerId: string, tags: string[]) =>
      call(API.pricing.setIdentityTags, { params: { customerId }, body: { tags } }),
    priceLists: (projectId: string) => call(API.pricing.priceLists, { params: { projectId } }),
    priceListChanges: (priceListId: string) => call(API.pricing.priceListChanges, { params: { priceListId } }),
    previewReprice: (projectId: string, body: RepriceBody) =>
      call(API.pricing.previewReprice, { params: { projectId }, body }),
    requestReprice: (projectId: string, body: RepriceRequestBody) =>
      call(API.pricing.requestReprice, { params: { projectId }, body }),
    decidePriceList: (priceListId: string, body: DecisionBody) =>
      call(API.pricing.decidePriceList, { params: { priceListId }, body }),
    /** The requester takes a pending version back (WITHDRAWN). */
    withdrawPriceList: (priceListId: string) =>
      call(API.pricing.withdrawPriceList, { params: { priceListId }, body: {} }),
    unitPriceHistory: (unitId: string) => call(API.pricing.unitHistory, { params: { unitId } }),

    /** Below-floor approvals 底价审批 and server quotes (docs/pricing.md "Floor price"). */
    quote: (unitId: string, body: QuoteBody) => call(API.approvals.quote, { params: { unitId }, body }),
    requestApproval: (unitId: string, body: PriceApprovalRequestBody) =>
      call(API.approvals.request, { params: { unitId }, body }),
    approvals: (projectId: string) => call(API.approvals.list, { params: { projectId } }),
    decideApproval: (approvalId: string, body: DecisionBody) =>
      call(API.approvals.decide, { params: { approvalId }, body }),
    withdrawApproval: (approvalId: string) => call(API.approvals.withdraw, { params: { approvalId } }),

    /** Subscriptions 认购 and change requests 换房/退房/更名/调价 (docs/change-requests.md). */
    subscriptions: (
      projectId: string,
      query: { status?: SubscriptionInfo['status']; q?: string; limit?: number } = {},
    ) => call(API.changes.subscriptions, { params: { projectId }, query }),
    subscription: (subscriptionId: string) => call(API.changes.subscription, { params: { subscriptionId } }),
    changeRequests: (projectId: string, status?: ChangeStatus) =>
      call(API.changes.list, { params: { projectId }, query: { status } }),
    /** 201 new, 200 the identical open request (pressed twice). */
    requestChange: (body: ChangeRequestBody) => call(API.changes.request, { body }),
    decideChange: (requestId: string, body: DecisionBody) => call(API.changes.decide, { params: { requestId }, body }),
    withdrawChange: (requestId: string) => call(API.changes.withdraw, { params: { requestId } }),
    executeChange: (requestId: string) => call(API.changes.execute, { params: { requestId } }),

    confirm: (unitId: string, token: string, buyer: Buyer) =>
      call(API.units.confirm, { params: { unitId }, body: { token, buyer } }),
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

/** Session-authenticated request for a binary body or answer (60 s by default: files take longer). */
function sessionFetch(
  method: 'GET' | 'POST',
  path: string,
  body?: { data: Blob | string; contentType: string },
  timeoutMs = 60_000,
): Promise<Response> {
  return transport.send(method, path, body ? { raw: body, timeoutMs } : { timeoutMs });
}

/** A rendered document's PDF (`DocumentInfo.pdfUrl`), fetched with the session's bearer token. */
export async function fetchDocumentPdf(pdfUrl: string, timeoutMs = 60_000): Promise<Blob> {
  const res = await sessionFetch('GET', pdfUrl, undefined, timeoutMs);
  const blob = await res.blob();
  return blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' });
}

/** A sample 认购书 of the given (unsaved) terms: POST …/agreement/preview answers the PDF itself; nothing is stored. */
export async function fetchAgreementSample(
  projectId: string,
  body: AgreementSettingsBody,
  timeoutMs = 60_000,
): Promise<Blob> {
  const res = await sessionFetch(
    'POST',
    urlOf(API.documents.previewAgreement, { params: { projectId } }),
    { data: JSON.stringify(body), contentType: 'application/json' },
    timeoutMs,
  );
  const blob = await res.blob();
  return blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' });
}

/** A file the server answers at `url` (a finished report job's download, or a report's direct GET). */
export async function downloadFile(url: string, fallbackName: string, timeoutMs = 120_000): Promise<DownloadedFile> {
  const res = await sessionFetch('GET', url, undefined, timeoutMs);
  return { blob: await res.blob(), fileName: attachmentName(res.headers.get('content-disposition'), fallbackName) };
}

export const unitSheets = {
  /** The current units with active prices (`export`) or the empty template. */
  async download(projectId: string, kind: 'export' | 'template', format: UnitSheetFormat): Promise<DownloadedFile> {
    const route = kind === 'export' ? API.unitImport.exportFile : API.unitImport.templateFile;
    const res = await sessionFetch('GET', urlOf(route, { params: { projectId }, query: { format } }));
    return {
      blob: await res.blob(),
      fileName: attachmentName(res.headers.get('content-disposition'), `units.${format}`),
    };
  },
  /** Check (`dryRun`) or import a file. A refused file throws IMPORT_INVALID with ImportInvalidDetails. */
  async import(
    projectId: string,
    file: Blob,
    options: { format: UnitSheetFormat; dryRun: boolean; fileName: string },
  ): Promise<UnitImportResult> {
    const query = {
      format: options.format,
      fileName: options.fileName.slice(0, 120),
      dryRun: options.dryRun ? ('1' as const) : undefined,
    };
    const res = await sessionFetch('POST', urlOf(API.unitImport.importFile, { params: { projectId }, query }), {
      data: file,
      contentType: UNIT_SHEET_CONTENT_TYPES[options.format],
    });
    return (await res.json()) as UnitImportResult;
  },
};
