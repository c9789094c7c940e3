/**
 * Verifiable documents 文件 (docs/documents.md): receipts 收据 (A5 / 80 mm), subscription agreements
 * 认购书, purchase plans 置业计划书 and day-end reports 日结.
 *
 * - A request reads the record and builds the renderer's input (plain data) and its fingerprint,
 *   the SHA-256 of everything printed except the document's id, version and time. When the newest
 *   version of (kind, record, paper) has the same fingerprint, nothing changed: that document is the
 *   answer (200). Otherwise a BullMQ `document-pdf` job is queued (202) and polled.
 * - The worker (processDocumentJob) picks the next version and a fresh id (it is in the QR code),
 *   renders in the render thread, and stores in ONE transaction: the new version CURRENT (or VOIDED
 *   when the record was voided), the previous CURRENT SUPERSEDED (or every version VOIDED), and an
 *   audit event `document.rendered` carrying the fingerprint and the facts /verify shows.
 * - /verify/<id> answers without login: authentic or not, current / superseded (naming the current
 *   id) / voided, with a few facts to compare with the paper — none about a person (privacy rule).
 * - Who lists, polls and downloads a document is the privacy rule too (mayReadDocument): a receipt
 *   or 认购书 those who see its buyer in full, a 置业计划书 its maker, a 日结 its cashier; managers
 *   all; devices none.
 * - A record that changes after its paper was printed (更名, 调价, 换房, 退房, the deposit rule, a
 *   deposit recorded, converted or voided) is re-rendered by `refreshFor` after the change committed:
 *   every paper variant with a CURRENT version is requested again through the same path (same
 *   fingerprint → nothing; else version n+1 supersedes it, or VOIDED when the record was closed).
 *   Fire-and-forget: the change never waits for the PDF and never fails because of it.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  AppError,
  DEFAULT_AGREEMENT_TERMS,
  DOCUMENT_KIND_VARIANTS,
  MANAGER_ROLES,
  ERROR_CODES,
  PURCHASE_PLAN_VALID_DAYS,
  addCalendarDays,
  calendarDateInZone,
  discountRuleOf,
  formatRegistrationNo,
  PUBLIC_VIEWER,
  maskName,
  maskPhone,
  mayReadDocument,
  personView,
  quoteDeal,
  showIdNumber,
  showName,
  showPhone,
  type DocumentSubject,
  type AgreementSettings,
  type AgreementSettingsBody,
  type DayEndTotals,
  type DocumentInfo,
  type DocumentJobInfo,
  type DocumentKind,
  type DocumentListQuery,
  type DocumentRequestBody,
  type DocumentStatus,
  type DocumentVariant,
  type ErrorCode,
  type PaymentKind,
  type PaymentMethod,
  type PriceBreakdown,
  type ScheduleItem,
  type VerifyResult,
} from '@kaipan/shared';
import { UnrecoverableError } from 'bullmq';
import type { Db } from '../infra/db.js';
import { canManage, canSell, type Principal, type UserPrincipal } from '../domain/principal.js';
import type { DayEndPaymentRow } from '../documents/day-end.js';
import { formatFen, formatProjectTime, KIND_LABELS } from '../documents/format.js';
import type { PurchasePlanColumn } from '../documents/purchase-plan.js';
import type {
  DocumentJob,
  DocumentJobs,
  DocumentPdfJobData,
  DocumentPdfJobResult,
  PreparedRender,
  VerifyFact,
} from '../jobs/documents.js';
import type { FontOptions } from '../documents/fonts.js';
import { type DocumentRenderJob, RenderPool } from '../jobs/render-pool.js';
import { sampleAgreement } from '../documents/samples.js';
import { toAuditRow } from './audit.js';
import { chainIds } from './cashier-common.js';
import type { Logger } from './logger.js';
import type { PricingService } from './pricing-service.js';
import type { ProjectDirectory } from './project-directory.js';

/** Bump when a renderer's layout changes, so unchanged records still get the new layout once. */
export const RENDER_REVISION = 1;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

/** What a request prepared: the renderer input and what gets stored with the document. */
interface Prepared {
  projectId: string;
  /** The project's zone: times among the facts are written in it. */
  timezone: string;
  title: string;
  voided: boolean;
  facts: VerifyFact[];
  render: PreparedRender;
}

interface LatestRow {
  id: string;
  version: number;
  status: DocumentStatus;
  fingerprint: string | null;
}

type DocumentRow = {
  id: string;
  kind: DocumentKind;
  entityId: string;
  version: number;
  status: DocumentStatus;
  variant: string;
  title: string;
  sha256: string;
  pages: number;
  createdAt: Date;
};

const DOCUMENT_SELECT = {
  id: true, kind: true, entityId: true, version: true, status: true, variant: true, title: true, sha256: true, pages: true, createdAt: true,
} as const;

export function verifyUrlOf(origin: string, documentId: string): string {
  return `${origin.replace(/\/+$/, '')}/verify/${documentId}`;
}

/** The API shape of a stored document. */
export function documentInfo(row: DocumentRow, origin: string): DocumentInfo {
  return {
    id: row.id,
    kind: row.kind,
    entityId: row.entityId,
    version: row.version,
    status: row.status,
    variant: row.variant as DocumentVariant,
    title: row.title,
    sha256: row.sha256,
    pages: row.pages,
    createdAt: row.createdAt.toISOString(),
    pdfUrl: `/api/documents/${row.id}/pdf`,
    verifyUrl: verifyUrlOf(origin, row.id),
  };
}

/** JSON with keys sorted at every level: the same data always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

function fingerprintOf(kind: DocumentKind, variant: DocumentVariant, origin: string, prepared: Prepared): string {
  return sha256(canonicalJson({ rev: RENDER_REVISION, kind, variant, origin: origin.replace(/\/+$/, ''), voided: prepared.voided, render: prepared.render }));
}

/** Pages of a PDF pdfkit wrote (one `/Type /Page` object each). */
export function countPdfPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
}

const KIND_SLUG: Record<DocumentKind, { slug: string; zh: string }> = {
  RECEIPT: { slug: 'receipt', zh: '收据' },
  AGREEMENT: { slug: 'agreement', zh: '认购书' },
  PURCHASE_PLAN: { slug: 'purchase-plan', zh: '置业计划书' },
  DAY_END: { slug: 'day-end', zh: '日结' },
};

/** receipt-KP2026-000001-A5-v2.pdf (ASCII) and 收据-KP2026-000001-A5-v2.pdf (UTF-8). */
export function pdfFilenames(row: Pick<DocumentRow, 'kind' | 'title' | 'variant' | 'version'>): { ascii: string; utf8: string } {
  const ref = row.title.split(' · ').pop() ?? '';
  const asciiRef = ref.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'document';
  const utf8Ref = ref.replace(/[\\/:*?"<>|\s]+/g, '-').replace(/^-+|-+$/g, '') || 'document';
  const tail = `${row.variant}-v${row.version}.pdf`;
  return { ascii: `${KIND_SLUG[row.kind].slug}-${asciiRef}-${tail}`, utf8: `${KIND_SLUG[row.kind].zh}-${utf8Ref}-${tail}` };
}

const toNumber = (v: { toString(): string } | number | bigint): number => Number(typeof v === 'number' ? v : v.toString());

function requireUser(principal: Principal): UserPrincipal {
  if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Documents are for people, not devices.');
  return principal;
}

/** Labels of person facts stored before facts were tagged (`person`): treated as names. */
const UNTAGGED_PERSON_LABELS = new Set(['买受人', '付款人', '领款人']);

/** A stored fact as the public may see it (privacy rule): a fact about a person shows what PUBLIC sees of it — nothing. */
function publicFact(f: VerifyFact): { label: string; labelEn: string; value: string } | null {
  const field = f.person ?? (UNTAGGED_PERSON_LABELS.has(f.label) ? 'name' : undefined);
  const fact = { label: f.label, labelEn: f.labelEn, value: f.value };
  if (!field) return fact;
  const level = personView(PUBLIC_VIEWER, {})[field];
  const value = field === 'name' ? showName(level, f.value) : field === 'phone' ? showPhone(level, f.value) : showIdNumber(level, f.value);
  return value === null ? null : { ...fact, value };
}

function coBuyersOf(json: unknown): Array<{ name: string; phone?: string | null; relation?: string | null }> {
  if (!Array.isArray(json)) return [];
  return json
    .filter((c): c is { name: string; phone?: unknown; relation?: unknown } => typeof c === 'object' && c !== null && typeof (c as { name?: unknown }).name === 'string')
    .map((c) => ({ name: c.name, phone: typeof c.phone === 'string' ? c.phone : null, relation: typeof c.relation === 'string' ? c.relation : null }));
}

function errorOfJob(reason: string | undefined): { code: string; message: string } {
  const m = /^([A-Z_]+): (.*)$/s.exec(reason ?? '');
  if (m && (ERROR_CODES as readonly string[]).includes(m[1]!)) return { code: m[1]!, message: m[2]! };
  return { code: 'INTERNAL', message: 'The document could not be rendered; try again.' };
}

/** What a service that changes a printed record needs: ask for the re-render, never wait for it. */
export type DocumentRefresher = Pick<DocumentService, 'refreshFor'>;

export class DocumentService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    private readonly pricing: PricingService,
    private readonly jobs: DocumentJobs,
    /** PUBLIC_URL (what the routes put in QR codes when set); else refreshes reuse the first render's origin. */
    private readonly publicUrl: string | null = null,
    private readonly log: Logger | null = null,
    fonts: FontOptions = {},
  ) {
    this.previewRenderer = new RenderPool(fonts);
  }

  /** Renders the terms page's sample 认购书 (its thread starts on first use). */
  private readonly previewRenderer: RenderPool;

  /** Shutdown: stop the preview render thread. */
  async close(): Promise<void> {
    await this.previewRenderer.close();
  }

  // ── Request and poll ─────────────────────────────────────────────────────────────────────────

  /**
   * Render a document, or answer the newest version when the record has not changed since.
   * `queued`: false → the answer is that version (HTTP 200); true → a job was queued (HTTP 202).
   */
  async request(principal: Principal, body: DocumentRequestBody, origin: string, now = new Date()): Promise<{ queued: boolean; info: DocumentJobInfo }> {
    const user = requireUser(principal);
    const variant = body.variant ?? DOCUMENT_KIND_VARIANTS[body.kind][0]!;
    const prepared = await this.prepare(user, body, variant, now);
    const queued = await this.enqueue(body.kind, body.entityId, variant, prepared, origin, user, now);
    if (queued.kind === 'current') {
      const row = await this.db.document.findUniqueOrThrow({ where: { id: queued.documentId }, select: DOCUMENT_SELECT });
      return { queued: false, info: { jobId: `current-${row.id}`, state: 'completed', progress: 100, document: documentInfo(row, origin), error: null } };
    }
    return { queued: true, info: await this.jobInfo(principal, queued.jobId, origin) };
  }

  /**
   * The one way to a `document-pdf` job: the newest version when the fingerprint is unchanged,
   * else a job for version n+1 (its id names the content, so the same request twice is one job).
   */
  private async enqueue(
    kind: DocumentKind,
    entityId: string,
    variant: DocumentVariant,
    prepared: Prepared,
    origin: string,
    requestedBy: UserPrincipal | null,
    now: Date,
    refresh?: DocumentPdfJobData['refresh'],
  ): Promise<{ kind: 'current'; documentId: string } | { kind: 'queued'; jobId: string }> {
    const fingerprint = fingerprintOf(kind, variant, origin, prepared);
    const latest = await latestDocument(this.db, kind, entityId, variant);
    if (latest && latest.fingerprint === fingerprint) return { kind: 'current', documentId: latest.id };
    const jobId = `doc-${kind}-${entityId}-${variant}-v${(latest?.version ?? 0) + 1}-${fingerprint.slice(0, 20)}`;
    const data: DocumentPdfJobData = {
      projectId: prepared.projectId,
      kind,
      entityId,
      variant,
      title: prepared.title,
      fingerprint,
      origin: origin.replace(/\/+$/, ''),
      requestedAt: now.toISOString(),
      requestedBy: requestedBy ? { ...requestedBy } : null,
      voided: prepared.voided,
      // When this version was issued, as the paper prints it (not part of the fingerprint).
      facts: [...prepared.facts, { label: '生成时间', labelEn: 'Issued', value: `${formatProjectTime(now, prepared.timezone)} (${prepared.timezone})` }],
      render: prepared.render,
      ...(refresh ? { refresh } : {}),
    };
    await this.jobs.enqueueDocument(jobId, data);
    return { kind: 'queued', jobId };
  }

  // ── Refresh after a change ───────────────────────────────────────────────────────────────────

  /**
   * Call after a change of a printed record committed (the subscription behind a 认购书: 更名, 调价,
   * 换房, 退房, the deposit rule, a deposit recorded / converted / voided). Returns at once: the
   * re-render runs in the background, and a failure is logged and audited (`document.refresh_failed`)
   * but never reaches the change. `actor`: who changed the record (the new version's author), or
   * 'system'.
   */
  refreshFor(kind: 'AGREEMENT', entityId: string, actor: UserPrincipal | 'system', reason: string): void {
    void this.refresh(kind, entityId, actor, reason).catch(() => undefined);
  }

  /**
   * The body of `refreshFor`, awaitable: every paper variant of the record with a CURRENT version is
   * requested again through `enqueue` (unchanged fingerprint → nothing). Returns the queued job ids.
   * The QR code keeps pointing where it did: PUBLIC_URL, else the origin the newest version was
   * rendered for (stored with its `document.rendered` audit event), else any of the project's.
   */
  async refresh(kind: 'AGREEMENT', entityId: string, actor: UserPrincipal | 'system', reason: string, now = new Date()): Promise<string[]> {
    let projectId: string | null = null;
    try {
      const current = await this.db.document.findMany({
        where: { kind, entityId, status: 'CURRENT' },
        select: { id: true, projectId: true, variant: true },
        orderBy: { version: 'desc' },
      });
      if (current.length === 0) return [];
      projectId = current[0]!.projectId;
      const prepared = await this.prepareAgreement(null, entityId);
      const jobIds: string[] = [];
      const variants = [...new Set(current.map((d) => d.variant as DocumentVariant))];
      for (const variant of variants) {
        const origin = await this.refreshOrigin(current.find((d) => d.variant === variant)!.id, current[0]!.projectId);
        if (!origin) throw new AppError('CONFLICT', 'No origin is known for the QR code of this document (set PUBLIC_URL).');
        const queued = await this.enqueue(kind, entityId, variant, prepared, origin, actor === 'system' ? null : actor, now, { reason });
        if (queued.kind === 'queued') jobIds.push(queued.jobId);
      }
      return jobIds;
    } catch (error) {
      this.log?.error({ err: error, kind, entityId, reason }, 'document refresh could not be queued (the change itself is done)');
      await this.db.auditEvent
        .create({
          data: toAuditRow({
            projectId,
            actor,
            action: 'document.refresh_failed',
            entity: kind === 'AGREEMENT' ? 'subscription' : 'document',
            entityId,
            after: { kind, reason, stage: 'queue', error: error instanceof Error ? error.message : String(error) },
          }),
        })
        .catch((e: unknown) => this.log?.error({ err: e, entityId }, 'could not audit a failed document refresh'));
      throw error;
    }
  }

  /** Where the QR code of a re-render points (see `refresh`). */
  private async refreshOrigin(documentId: string, projectId: string): Promise<string | null> {
    if (this.publicUrl) return this.publicUrl;
    const own = await this.db.auditEvent.findFirst({
      where: { entity: 'document', entityId: documentId, action: 'document.rendered' },
      orderBy: { id: 'desc' },
      select: { after: true },
    });
    const originOf = (after: unknown): string | null => {
      const o = (after as { origin?: unknown } | null)?.origin;
      return typeof o === 'string' && /^https?:\/\//.test(o) ? o : null;
    };
    const found = originOf(own?.after);
    if (found) return found;
    const rows = await this.db.$queryRaw<{ origin: string }[]>`
      SELECT after->>'origin' AS origin FROM audit_events
      WHERE project_id = ${projectId}::uuid AND action = 'document.rendered' AND after->>'origin' IS NOT NULL
      ORDER BY id DESC LIMIT 1`;
    return originOf({ origin: rows[0]?.origin });
  }

  /**
   * GET /api/document-jobs/:jobId — state, progress 0–100, the document when done, a coded error when
   * failed. Only for whoever may read the document it renders (the privacy rule, as for the PDF).
   */
  async jobInfo(principal: Principal, jobId: string, origin: string): Promise<DocumentJobInfo> {
    const user = requireUser(principal);
    if (jobId.startsWith('current-')) {
      const id = jobId.slice('current-'.length);
      const row = UUID.test(id) ? await this.db.document.findUnique({ where: { id }, select: { ...DOCUMENT_SELECT, projectId: true, createdById: true } }) : null;
      if (!row) throw new AppError('NOT_FOUND', 'No such document job.');
      await this.directory.assertAccess(user, row.projectId);
      await this.assertMayRead(user, row);
      return { jobId, state: 'completed', progress: 100, document: documentInfo(row, origin), error: null };
    }
    const job = await this.jobs.getDocumentJob(jobId);
    if (!job) throw new AppError('NOT_FOUND', 'No such document job (finished jobs are kept for an hour).');
    await this.directory.assertAccess(user, job.data.projectId);
    await this.assertMayRead(user, { id: jobId, kind: job.data.kind, entityId: job.data.entityId, createdById: job.data.requestedBy?.id ?? null });
    const state = await job.getState();
    const progress = typeof job.progress === 'number' ? Math.max(0, Math.min(100, Math.round(job.progress))) : 0;
    if (state === 'completed') {
      // The job was read before its state: it may have completed in between, so read it again.
      const done = job.returnvalue ? job : await this.jobs.getDocumentJob(jobId);
      const result = (done?.returnvalue ?? null) as DocumentPdfJobResult | null;
      const row = result ? await this.db.document.findUnique({ where: { id: result.documentId }, select: DOCUMENT_SELECT }) : null;
      if (!row) return { jobId, state: 'failed', progress, document: null, error: { code: 'NOT_FOUND', message: 'The rendered document is gone.' } };
      return { jobId, state: 'completed', progress: 100, document: documentInfo(row, job.data.origin || origin), error: null };
    }
    if (state === 'failed') {
      const failed = job.failedReason ? job : await this.jobs.getDocumentJob(jobId);
      return { jobId, state: 'failed', progress, document: null, error: errorOfJob(failed?.failedReason) };
    }
    return { jobId, state: state === 'active' ? 'active' : 'waiting', progress, document: null, error: null };
  }

  // ── Read ─────────────────────────────────────────────────────────────────────────────────────

  /** The stored PDF: members of the project whom the privacy rule lets read it (mayReadDocument). */
  async pdf(principal: Principal, documentId: string): Promise<{ pdf: Buffer; sha256: string; filename: { ascii: string; utf8: string } }> {
    const user = requireUser(principal);
    const row = await this.db.document.findUnique({ where: { id: documentId }, select: { ...DOCUMENT_SELECT, projectId: true, createdById: true, pdf: true } });
    if (!row) throw new AppError('NOT_FOUND', 'No such document.');
    await this.directory.assertAccess(user, row.projectId);
    await this.assertMayRead(user, row);
    return { pdf: Buffer.from(row.pdf), sha256: row.sha256, filename: pdfFilenames(row) };
  }

  /**
   * Documents of a project, newest first, optionally of one record and/or kind: the ones the caller
   * may read (a consultant: their deals' papers and the plans they made). Devices: FORBIDDEN.
   */
  async list(principal: Principal, projectId: string, query: DocumentListQuery, origin: string): Promise<DocumentInfo[]> {
    const user = requireUser(principal);
    await this.directory.assertAccess(user, projectId);
    const rows = await this.db.document.findMany({
      where: { projectId, ...(query.entityId ? { entityId: query.entityId } : {}), ...(query.kind ? { kind: query.kind } : {}) },
      orderBy: [{ createdAt: 'desc' }, { version: 'desc' }],
      take: 200,
      select: { ...DOCUMENT_SELECT, createdById: true },
    });
    const subjects = await this.subjectsOf(rows);
    return rows.filter((r) => mayReadDocument(user, subjects.get(r.id)!)).map((r) => documentInfo(r, origin));
  }

  private async assertMayRead(user: UserPrincipal, doc: { id: string; kind: DocumentKind; entityId: string; createdById: string | null }): Promise<void> {
    const subject = (await this.subjectsOf([doc])).get(doc.id)!;
    if (!mayReadDocument(user, subject)) {
      throw new AppError('FORBIDDEN', 'This document is about another consultant’s buyer (or not yours to read).');
    }
  }

  /**
   * Whom each document is about, for the privacy rule: a receipt's payment (its deal's consultant, or
   * its registration's customer owner), an agreement's deal consultant, a plan's maker, a day-end's
   * cashier. One query per kind present, whatever the number of documents.
   */
  private async subjectsOf(docs: readonly { id: string; kind: DocumentKind; entityId: string; createdById: string | null }[]): Promise<Map<string, DocumentSubject>> {
    const ids = (kind: DocumentKind): string[] => [...new Set(docs.filter((d) => d.kind === kind && UUID.test(d.entityId)).map((d) => d.entityId))];
    const [receiptIds, agreementIds, dayIds] = [ids('RECEIPT'), ids('AGREEMENT'), ids('DAY_END')];
    const [receipts, subscriptions, days] = await Promise.all([
      receiptIds.length
        ? this.db.receipt.findMany({
            where: { id: { in: receiptIds } },
            select: { id: true, payment: { select: { subscription: { select: { consultantId: true } }, registration: { select: { customer: { select: { ownerId: true } } } } } } },
          })
        : [],
      agreementIds.length ? this.db.subscription.findMany({ where: { id: { in: agreementIds } }, select: { id: true, consultantId: true } }) : [],
      dayIds.length ? this.db.dayClose.findMany({ where: { id: { in: dayIds } }, select: { id: true, cashierId: true } }) : [],
    ]);
    const receiptOf = new Map(receipts.map((r) => [r.id, { consultantId: r.payment.subscription?.consultantId, ownerId: r.payment.registration?.customer.ownerId }]));
    const consultantOf = new Map(subscriptions.map((s) => [s.id, s.consultantId]));
    const cashierOf = new Map(days.map((d) => [d.id, d.cashierId]));
    const out = new Map<string, DocumentSubject>();
    for (const d of docs) {
      // A record that is gone names nobody: only those who see every buyer (managers) read it.
      if (d.kind === 'RECEIPT') out.set(d.id, { kind: 'RECEIPT', person: receiptOf.get(d.entityId) ?? {} });
      else if (d.kind === 'AGREEMENT') out.set(d.id, { kind: 'AGREEMENT', person: { consultantId: consultantOf.get(d.entityId) ?? null } });
      else if (d.kind === 'PURCHASE_PLAN') out.set(d.id, { kind: 'PURCHASE_PLAN', createdById: d.createdById });
      else out.set(d.id, { kind: 'DAY_END', cashierId: cashierOf.get(d.entityId) ?? null });
    }
    return out;
  }

  /**
   * GET /api/public/verify/:id — no login. Unknown and malformed ids are `found: false` (nothing to
   * learn from the difference). The stored status is overridden by the record's own: a receipt voided
   * or a subscription cancelled since the paper was printed is VOIDED even if nobody re-rendered it.
   */
  async verify(id: string): Promise<VerifyResult> {
    const shown = id.slice(0, 64);
    if (!UUID.test(id)) return { id: shown, found: false };
    const doc = await this.db.document.findUnique({
      where: { id },
      select: { ...DOCUMENT_SELECT, project: { select: { name: true } } },
    });
    if (!doc) return { id: shown, found: false };
    const [audit, liveVoided] = await Promise.all([
      this.db.auditEvent.findFirst({ where: { entity: 'document', entityId: id, action: 'document.rendered' }, orderBy: { id: 'desc' }, select: { after: true } }),
      this.recordVoided(doc.kind, doc.entityId),
    ]);
    const status: DocumentStatus = liveVoided ? 'VOIDED' : doc.status;
    let currentId: string | null = null;
    if (status === 'SUPERSEDED') {
      const current = await this.db.document.findFirst({
        where: { kind: doc.kind, entityId: doc.entityId, variant: doc.variant, status: 'CURRENT' },
        select: { id: true },
      });
      currentId = current?.id ?? null;
    }
    const after = (audit?.after ?? {}) as { facts?: VerifyFact[] };
    return {
      id,
      found: true,
      kind: doc.kind,
      status,
      title: doc.title,
      projectName: doc.project.name,
      issuedAt: doc.createdAt.toISOString(),
      sha256: doc.sha256,
      version: doc.version,
      facts: (Array.isArray(after.facts) ? after.facts : []).map(publicFact).filter((f) => f !== null),
      currentId,
    };
  }

  private async recordVoided(kind: DocumentKind, entityId: string): Promise<boolean> {
    if (!UUID.test(entityId)) return false;
    if (kind === 'RECEIPT') {
      const r = await this.db.receipt.findUnique({ where: { id: entityId }, select: { status: true } });
      return r?.status === 'VOIDED';
    }
    if (kind === 'AGREEMENT') {
      const s = await this.db.subscription.findUnique({ where: { id: entityId }, select: { status: true } });
      return s?.status === 'CANCELLED' || s?.status === 'CHANGED';
    }
    return false;
  }

  // ── Agreement settings ───────────────────────────────────────────────────────────────────────

  async agreementSettings(principal: Principal, projectId: string): Promise<AgreementSettings> {
    await this.directory.assertAccess(principal, projectId);
    const p = await this.db.project.findUnique({ where: { id: projectId }, select: { agreementTerms: true, signingDays: true } });
    if (!p) throw new AppError('NOT_FOUND', 'Project not found.');
    return { terms: p.agreementTerms ?? '', signingDays: p.signingDays, defaultTerms: DEFAULT_AGREEMENT_TERMS };
  }

  /** Managers: the 认购书 terms text ('' = the default) and the signing period; audited. */
  async updateAgreementSettings(principal: Principal, projectId: string, body: AgreementSettingsBody): Promise<AgreementSettings> {
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers change the agreement terms.');
    await this.directory.assertAccess(principal, projectId);
    const terms = body.terms.trim() === '' ? null : body.terms.replace(/\r\n?/g, '\n').trim();
    await this.db.$transaction(async (tx) => {
      const before = await tx.project.findUnique({ where: { id: projectId }, select: { agreementTerms: true, signingDays: true } });
      if (!before) throw new AppError('NOT_FOUND', 'Project not found.');
      await tx.project.update({ where: { id: projectId }, data: { agreementTerms: terms, signingDays: body.signingDays } });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: principal,
          action: 'project.agreement',
          entity: 'project',
          entityId: projectId,
          before: { terms: before.agreementTerms, signingDays: before.signingDays },
          after: { terms, signingDays: body.signingDays },
        }),
      });
    });
    return this.agreementSettings(principal, projectId);
  }

  /**
   * Managers: a sample 认购书 of the given (unsaved) terms and signing period — the project's name
   * and zone, a made-up buyer, unit and price, subscribed now — stamped 样本 SAMPLE on every page and
   * without a verification code. Changes nothing: no document row, no audit event.
   */
  async previewAgreement(principal: Principal, projectId: string, body: AgreementSettingsBody, now = new Date()): Promise<Buffer> {
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers preview the agreement terms.');
    await this.directory.assertAccess(principal, projectId);
    const p = await this.db.project.findUnique({ where: { id: projectId }, select: { name: true, nameEn: true, timezone: true } });
    if (!p) throw new AppError('NOT_FOUND', 'Project not found.');
    const terms = body.terms.replace(/\r\n?/g, '\n').trim() || DEFAULT_AGREEMENT_TERMS;
    const at = now.toISOString();
    // The same deadline rule as a real agreement: the subscription's calendar day + signingDays.
    const subscribedOn = calendarDateInZone(at, p.timezone);
    const base = sampleAgreement();
    const input = sampleAgreement({
      documentId: 'sample',
      version: 1,
      verifyUrl: '',
      renderedAt: at,
      voided: false,
      sample: true,
      project: { name: p.name, nameEn: p.nameEn, timezone: p.timezone },
      subscriptionId: 'sample',
      subscribedAt: at,
      breakdown: base.breakdown ? { ...base.breakdown, at } : null,
      schedule: base.schedule?.map((i) => ({ ...i, dueDate: addCalendarDays(subscribedOn, i.dueDays) })) ?? null,
      signingDeadline: addCalendarDays(subscribedOn, body.signingDays),
      signingDays: body.signingDays,
      terms,
    });
    return this.previewRenderer.renderDocument({ kind: 'agreement', input });
  }

  // ── Preparing each kind ──────────────────────────────────────────────────────────────────────

  private prepare(user: UserPrincipal, body: DocumentRequestBody, variant: DocumentVariant, now: Date): Promise<Prepared> {
    switch (body.kind) {
      case 'RECEIPT':
        return this.prepareReceipt(user, body.entityId, variant === 'THERMAL_80' ? 'THERMAL_80' : 'A5');
      case 'AGREEMENT':
        return this.prepareAgreement(user, body.entityId);
      case 'PURCHASE_PLAN':
        return this.preparePurchasePlan(user, body.entityId, body.planIds, body.discountIds ?? [], now);
      case 'DAY_END':
        return this.prepareDayEnd(user, body.entityId);
    }
  }

  private async projectOf(projectId: string): Promise<{ name: string; nameEn: string; timezone: string }> {
    const p = await this.db.project.findUnique({ where: { id: projectId }, select: { name: true, nameEn: true, timezone: true } });
    if (!p) throw new AppError('NOT_FOUND', 'Project not found.');
    return p;
  }

  private async prepareReceipt(user: UserPrincipal, receiptId: string, variant: 'A5' | 'THERMAL_80'): Promise<Prepared> {
    const r = await this.db.receipt.findUnique({
      where: { id: receiptId },
      select: {
        id: true, projectId: true, label: true, status: true, voidReason: true, printCount: true, issuedAt: true,
        payment: {
          select: {
            kind: true, amount: true, payerName: true, payerPhone: true, cashierId: true, note: true, convertedFromId: true,
            lines: { select: { method: true, amount: true, reference: true }, orderBy: { id: 'asc' } },
            subscription: { select: { unit: { select: { code: true } } } },
            registration: { select: { number: true } },
          },
        },
      },
    });
    if (!r) throw new AppError('NOT_FOUND', 'No such receipt.');
    await this.directory.assertAccess(user, r.projectId);
    if (user.role !== 'CASHIER' && !canManage(user)) throw new AppError('FORBIDDEN', 'Receipts are printed by cashiers and managers.');
    const p = r.payment;
    const [project, cashier, convertedFrom] = await Promise.all([
      this.projectOf(r.projectId),
      this.db.user.findUnique({ where: { id: p.cashierId }, select: { displayName: true } }),
      p.convertedFromId ? this.db.receipt.findUnique({ where: { paymentId: p.convertedFromId }, select: { label: true } }) : null,
    ]);
    const unitCode = p.subscription?.unit.code ?? null;
    const registrationNo = p.registration ? formatRegistrationNo(p.registration.number) : null;
    const amount = toNumber(p.amount);
    const voided = r.status === 'VOIDED';
    const payerMasked = maskName(p.payerName);
    const kind = p.kind as PaymentKind;
    return {
      projectId: r.projectId,
      timezone: project.timezone,
      title: `收据 Receipt · ${r.label}`,
      voided,
      facts: [
        { label: '收据号', labelEn: 'Receipt No.', value: r.label },
        { label: '金额', labelEn: 'Amount', value: formatFen(amount) },
        { label: '款项', labelEn: 'Item', value: `${KIND_LABELS[kind].zh} ${KIND_LABELS[kind].en}` },
        { label: kind === 'REFUND' ? '领款人' : '付款人', labelEn: kind === 'REFUND' ? 'Paid to' : 'Payer', value: payerMasked, person: 'name' },
        ...(unitCode ? [{ label: '房号', labelEn: 'Unit', value: unitCode }] : []),
        ...(!unitCode && registrationNo ? [{ label: '认筹号', labelEn: 'Registration', value: registrationNo }] : []),
        { label: '收款时间', labelEn: 'Received', value: `${formatProjectTime(r.issuedAt, project.timezone)} (${project.timezone})` },
      ],
      render: {
        kind: 'receipt',
        input: {
          voided,
          project,
          variant,
          label: r.label,
          receivedAt: r.issuedAt.toISOString(),
          kind,
          payer: { name: p.payerName, phone: p.payerPhone ? maskPhone(p.payerPhone) : null },
          unitCode,
          registrationNo,
          amount,
          lines: p.lines.map((l) => ({
            method: l.method as PaymentMethod,
            amount: toNumber(l.amount),
            reference: l.reference ?? (l.method === 'CONVERSION' ? (convertedFrom?.label ?? null) : null),
          })),
          cashier: cashier?.displayName ?? '—',
          note: p.note,
          // 0 (not printed yet) and 1 (the first print) look the same: no new version for the first print.
          printCount: Math.max(1, r.printCount),
          voidReason: voided ? r.voidReason : null,
        },
      },
    };
  }

  /** `user` null: a refresh after a committed change (the system reads; no permission to check). */
  private async prepareAgreement(user: UserPrincipal | null, subscriptionId: string): Promise<Prepared> {
    const s = await this.db.subscription.findUnique({
      where: { id: subscriptionId },
      select: {
        id: true, projectId: true, consultantId: true, buyerName: true, buyerPhone: true, price: true, listPrice: true, status: true,
        breakdown: true, schedule: true, createdAt: true,
        consultant: { select: { displayName: true } },
        customer: { select: { idNumberMasked: true, coBuyers: true } },
        plan: { select: { name: true, nameEn: true } },
        unit: {
          select: {
            code: true, floor: true, layout: true, layoutName: true, grossArea: true, netArea: true, orientation: true,
            building: { select: { name: true, nameEn: true } },
          },
        },
        project: { select: { name: true, nameEn: true, timezone: true, agreementTerms: true, signingDays: true, requiredDepositFen: true } },
      },
    });
    if (!s) throw new AppError('NOT_FOUND', 'No such subscription.');
    if (user) {
      await this.directory.assertAccess(user, s.projectId);
      // Whoever may read the paper may print it (it carries the buyer's clear phone): the privacy rule.
      if (!mayReadDocument(user, { kind: 'AGREEMENT', person: { consultantId: s.consultantId } })) {
        throw new AppError('FORBIDDEN', 'Agreements are printed by cashiers, managers and the consultant of the deal.');
      }
    }
    // The deal's deposits: after a 换房 they stay on the subscriptions it replaced.
    const deposits = await this.db.payment.findMany({
      where: { subscriptionId: { in: await chainIds(this.db, subscriptionId) }, kind: 'DEPOSIT', status: 'RECORDED' },
      orderBy: { createdAt: 'asc' },
      select: { amount: true, receipt: { select: { label: true } } },
    });
    const tz = s.project.timezone;
    const breakdown = (s.breakdown ?? null) as PriceBreakdown | null;
    const schedule = (Array.isArray(s.schedule) ? s.schedule : null) as ScheduleItem[] | null;
    const price = toNumber(s.price);
    const listPrice = breakdown?.listPrice ?? (s.listPrice !== null ? toNumber(s.listPrice) : price);
    const depositItem = schedule?.find((i) => i.kind === 'DEPOSIT');
    const subscribedOn = calendarDateInZone(s.createdAt.toISOString(), tz);
    const voided = s.status === 'CANCELLED' || s.status === 'CHANGED';
    const u = s.unit;
    const building = u.building.nameEn && u.building.nameEn !== u.building.name ? `${u.building.name} ${u.building.nameEn}` : u.building.name;
    return {
      projectId: s.projectId,
      timezone: tz,
      title: `认购书 Subscription agreement · ${u.code}`,
      voided,
      facts: [
        { label: '房号', labelEn: 'Unit', value: u.code },
        { label: '买受人', labelEn: 'Buyer', value: maskName(s.buyerName), person: 'name' },
        { label: '成交总价', labelEn: 'Final price', value: formatFen(price) },
        { label: '认购时间', labelEn: 'Subscribed', value: `${formatProjectTime(s.createdAt, tz)} (${tz})` },
      ],
      render: {
        kind: 'agreement',
        input: {
          voided,
          project: { name: s.project.name, nameEn: s.project.nameEn, timezone: tz },
          subscriptionId: s.id,
          subscribedAt: s.createdAt.toISOString(),
          buyer: {
            name: s.buyerName,
            phone: s.buyerPhone,
            idNumberMasked: s.customer?.idNumberMasked ?? null,
            coBuyers: coBuyersOf(s.customer?.coBuyers),
          },
          unit: {
            building,
            floor: u.floor,
            code: u.code,
            layout: u.layout,
            layoutName: u.layoutName,
            grossArea: toNumber(u.grossArea),
            netArea: toNumber(u.netArea),
            orientation: u.orientation,
          },
          price,
          listPrice,
          breakdown,
          plan: s.plan ? { name: s.plan.name, nameEn: s.plan.nameEn } : null,
          schedule,
          depositRequired: depositItem ? depositItem.amount : toNumber(s.project.requiredDepositFen),
          depositReceived: {
            amount: deposits.reduce((sum, d) => sum + toNumber(d.amount), 0),
            receipts: deposits.map((d) => d.receipt?.label).filter((l): l is string => typeof l === 'string'),
          },
          signingDeadline: addCalendarDays(subscribedOn, s.project.signingDays),
          signingDays: s.project.signingDays,
          terms: s.project.agreementTerms?.trim() || DEFAULT_AGREEMENT_TERMS,
          consultant: s.consultant.displayName,
        },
      },
    };
  }

  private async preparePurchasePlan(
    user: UserPrincipal,
    unitId: string,
    planIds: string[] | undefined,
    discountIds: string[],
    now: Date,
  ): Promise<Prepared> {
    const unit = await this.db.unit.findUnique({
      where: { id: unitId },
      select: {
        projectId: true, code: true, floor: true, layout: true, layoutName: true, grossArea: true, netArea: true, orientation: true,
        listPrice: true, floorPrice: true, building: { select: { name: true, nameEn: true } },
      },
    });
    if (!unit) throw new AppError('NOT_FOUND', 'No such unit.');
    await this.directory.assertAccess(user, unit.projectId);
    if (!canSell(user)) throw new AppError('FORBIDDEN', 'Purchase plans are for consultants and managers.');
    const [project, terms] = await Promise.all([this.projectOf(unit.projectId), this.pricing.terms(unit.projectId)]);
    const tz = terms.timezone;
    const plans = planIds ? planIds.map((id) => terms.plans.find((p) => p.id === id)) : terms.plans.slice(0, 4);
    if (plans.length === 0) throw new AppError('PLAN_NOT_APPLICABLE', 'This project has no active payment plan.', { reason: 'NO_PLAN' });
    if (plans.some((p) => p === undefined)) throw new AppError('PLAN_NOT_APPLICABLE', 'No such active payment plan in this project.', { reason: 'UNKNOWN_PLAN' });
    const rules = discountIds.map((id) => terms.discounts.find((d) => d.id === id));
    if (rules.some((r) => r === undefined)) {
      throw new AppError('DISCOUNT_NOT_APPLICABLE', 'A selected discount is not offered by this project.', { reason: 'UNKNOWN_DISCOUNT' });
    }
    const selected = rules.filter((r): r is NonNullable<typeof r> => r !== undefined);
    // The consultant vouches for the buyer's identity (the plan says it must be proven).
    const identityTags = [...new Set(selected.map((r) => r.identityTag).filter((t): t is string => typeof t === 'string'))];
    const listPrice = toNumber(unit.listPrice);
    const floorPrice = toNumber(unit.floorPrice);
    const at = now.toISOString();
    const quotedOn = calendarDateInZone(at, tz);
    const columns: PurchasePlanColumn[] = plans.map((p) => {
      const plan = p!;
      const head = { plan: { code: plan.code, name: plan.name, nameEn: plan.nameEn, kind: plan.terms.kind } };
      // A payment-method discount applies to its plan kinds only: the other columns simply do without it.
      const applicable = selected.filter((r) => r.kind !== 'PAYMENT_METHOD' || (r.paymentMethods ?? []).includes(plan.terms.kind));
      const quoted = quoteDeal({
        listPrice, floorPrice, discounts: terms.discounts.map(discountRuleOf), selected: applicable.map((r) => r.id),
        identityTags, policy: terms.policy, plan: plan.terms, signedAt: at, timeZone: tz,
      });
      if (!quoted.ok) return { ...head, ok: false, reason: quoted.message };
      const b = quoted.breakdown;
      return {
        ...head,
        ok: true,
        steps: b.steps.map((s) => ({ code: s.code, name: s.name, nameEn: s.nameEn, off: s.off })),
        capOff: -b.cap.off,
        roundingOff: b.rounding.off,
        finalPrice: b.finalPrice,
        needsApproval: b.belowFloor,
        schedule: quoted.schedule,
      };
    });
    // Valid for PURCHASE_PLAN_VALID_DAYS days, and never past the end of an applied promotion.
    let validUntil = addCalendarDays(quotedOn, PURCHASE_PLAN_VALID_DAYS - 1);
    for (const r of selected) {
      if (r.validTo) {
        const last = calendarDateInZone(new Date(Date.parse(r.validTo) - 1).toISOString(), tz);
        if (last < validUntil) validUntil = last;
      }
    }
    const building = unit.building.nameEn && unit.building.nameEn !== unit.building.name ? `${unit.building.name} ${unit.building.nameEn}` : unit.building.name;
    return {
      projectId: unit.projectId,
      timezone: tz,
      title: `置业计划书 Purchase plan · ${unit.code}`,
      voided: false,
      facts: [
        { label: '房号', labelEn: 'Unit', value: unit.code },
        { label: '表价', labelEn: 'List price', value: formatFen(listPrice) },
        { label: '付款方案', labelEn: 'Plans', value: columns.map((c) => c.plan.name).join(' / ') },
        { label: '报价日', labelEn: 'Quoted on', value: quotedOn },
        { label: '有效期至', labelEn: 'Valid until', value: validUntil },
        { label: '置业顾问', labelEn: 'Consultant', value: user.displayName },
      ],
      render: {
        kind: 'purchase-plan',
        input: {
          voided: false,
          project,
          unit: {
            building, floor: unit.floor, code: unit.code, layout: unit.layout, layoutName: unit.layoutName,
            grossArea: toNumber(unit.grossArea), netArea: toNumber(unit.netArea), orientation: unit.orientation, listPrice,
          },
          quotedOn,
          validUntil,
          consultant: user.displayName,
          columns,
        },
      },
    };
  }

  private async prepareDayEnd(user: UserPrincipal, dayCloseId: string): Promise<Prepared> {
    const close = await this.db.dayClose.findUnique({
      where: { id: dayCloseId },
      select: { id: true, projectId: true, cashierId: true, businessDate: true, totals: true, closedAt: true, closedById: true },
    });
    if (!close) throw new AppError('NOT_FOUND', 'No such day-end.');
    await this.directory.assertAccess(user, close.projectId);
    const manages = MANAGER_ROLES.includes(user.role);
    if (!manages && close.cashierId !== user.id) throw new AppError('FORBIDDEN', 'A day-end is printed by its cashier or a manager.');
    const businessDate = close.businessDate.toISOString().slice(0, 10);
    const select = {
      kind: true, status: true, amount: true, payerName: true, createdAt: true,
      lines: { select: { method: true }, orderBy: { id: 'asc' as const } },
      receipt: { select: { label: true } },
      subscription: { select: { unit: { select: { code: true } } } },
      registration: { select: { number: true } },
    } as const;
    let payments = await this.db.payment.findMany({ where: { dayCloseId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select });
    if (payments.length === 0) {
      payments = await this.db.payment.findMany({
        where: { projectId: close.projectId, cashierId: close.cashierId, businessDate: close.businessDate },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        select,
      });
    }
    const [project, cashier, closer] = await Promise.all([
      this.projectOf(close.projectId),
      this.db.user.findUnique({ where: { id: close.cashierId }, select: { displayName: true } }),
      this.db.user.findUnique({ where: { id: close.closedById }, select: { displayName: true } }),
    ]);
    const stored = (close.totals ?? {}) as Partial<DayEndTotals>;
    const totals: DayEndTotals = {
      businessDate: stored.businessDate ?? businessDate,
      cashierId: close.cashierId,
      cashier: stored.cashier ?? cashier?.displayName ?? '—',
      byKind: stored.byKind ?? {},
      byMethod: stored.byMethod ?? {},
      net: stored.net ?? 0,
      receiptsIssued: stored.receiptsIssued ?? 0,
      receiptsVoided: stored.receiptsVoided ?? 0,
      firstReceipt: stored.firstReceipt ?? null,
      lastReceipt: stored.lastReceipt ?? null,
      closed: true,
      closedAt: stored.closedAt ?? close.closedAt.toISOString(),
      closedBy: stored.closedBy ?? closer?.displayName ?? null,
      dayCloseId: close.id,
    };
    const rows: DayEndPaymentRow[] = payments.map((p) => ({
      at: p.createdAt.toISOString(),
      receipt: p.receipt?.label ?? null,
      kind: p.kind as PaymentKind,
      status: p.status,
      payer: p.payerName,
      reference: p.subscription?.unit.code ?? (p.registration ? formatRegistrationNo(p.registration.number) : null),
      methods: [...new Set(p.lines.map((l) => l.method as PaymentMethod))],
      amount: toNumber(p.amount),
    }));
    const receipts = totals.receiptsIssued > 0 ? `${totals.receiptsIssued} (${totals.firstReceipt ?? '—'} … ${totals.lastReceipt ?? '—'})` : '0';
    return {
      projectId: close.projectId,
      timezone: project.timezone,
      title: `日结 Day-end · ${totals.businessDate} ${totals.cashier}`,
      voided: false,
      facts: [
        { label: '营业日', labelEn: 'Business date', value: totals.businessDate },
        { label: '出纳', labelEn: 'Cashier', value: totals.cashier },
        { label: '净额', labelEn: 'Net', value: formatFen(totals.net) },
        { label: '收据', labelEn: 'Receipts', value: receipts },
        { label: '作废', labelEn: 'Voided', value: String(totals.receiptsVoided) },
        ...(totals.closedAt ? [{ label: '结账时间', labelEn: 'Closed at', value: `${formatProjectTime(totals.closedAt, project.timezone)} (${project.timezone})` }] : []),
      ],
      render: { kind: 'day-end', input: { voided: false, project, totals, payments: rows } },
    };
  }
}

// ── Worker side ──────────────────────────────────────────────────────────────────────────────────

/** The newest version of (kind, record, paper) and the fingerprint it was rendered from. */
export async function latestDocument(db: Db, kind: DocumentKind, entityId: string, variant: string): Promise<LatestRow | null> {
  const rows = await db.$queryRaw<LatestRow[]>`
    SELECT d.id::text AS id, d.version, d.status::text AS status,
      (SELECT a.after->>'fingerprint' FROM audit_events a
        WHERE a.entity = 'document' AND a.entity_id = d.id::text AND a.action = 'document.rendered'
        ORDER BY a.id DESC LIMIT 1) AS fingerprint
    FROM documents d
    WHERE d.kind = ${kind}::"DocumentKind" AND d.entity_id = ${entityId} AND d.variant = ${variant}
    ORDER BY d.version DESC LIMIT 1`;
  return rows[0] ?? null;
}

/** The renderer input with its identity filled in. */
function complete(render: PreparedRender, identity: { documentId: string; version: number; verifyUrl: string; renderedAt: string }): DocumentRenderJob {
  switch (render.kind) {
    case 'receipt':
      return { kind: 'receipt', input: { ...render.input, ...identity } };
    case 'agreement':
      return { kind: 'agreement', input: { ...render.input, ...identity } };
    case 'purchase-plan':
      return { kind: 'purchase-plan', input: { ...render.input, ...identity } };
    case 'day-end':
      return { kind: 'day-end', input: { ...render.input, ...identity } };
  }
}

/**
 * Body of a `document-pdf` job: reuse an identical newest version, else render version n+1 under a
 * fresh id and store it with the status changes of the older versions in one transaction. A
 * concurrent job that stored first (the newest version moved) makes this one look again.
 */
export async function processDocumentJob(db: Db, pool: RenderPool, job: DocumentJob): Promise<DocumentPdfJobResult> {
  const d = job.data;
  try {
    await job.updateProgress(5);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const latest = await latestDocument(db, d.kind, d.entityId, d.variant);
      if (latest && latest.fingerprint === d.fingerprint) {
        await job.updateProgress(100);
        return { documentId: latest.id, reused: true };
      }
      const version = (latest?.version ?? 0) + 1;
      const documentId = randomUUID();
      await job.updateProgress(15);
      const pdf = await pool.renderDocument(
        complete(d.render, { documentId, version, verifyUrl: verifyUrlOf(d.origin, documentId), renderedAt: d.requestedAt }),
      );
      await job.updateProgress(80);
      const digest = sha256(pdf);
      const pages = Math.max(1, countPdfPages(pdf));
      const status: DocumentStatus = d.voided ? 'VOIDED' : 'CURRENT';
      const stored = await db.$transaction(async (tx) => {
        // One writer per record at a time; the version check below then sees every earlier commit.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`document:${d.kind}:${d.entityId}`}))`;
        const top = await tx.document.findFirst({
          where: { kind: d.kind, entityId: d.entityId, variant: d.variant },
          orderBy: { version: 'desc' },
          select: { version: true },
        });
        if ((top?.version ?? 0) !== version - 1) return false;
        const replaced = d.voided
          ? await tx.document.updateMany({ where: { kind: d.kind, entityId: d.entityId, status: { not: 'VOIDED' } }, data: { status: 'VOIDED' } })
          : await tx.document.updateMany({ where: { kind: d.kind, entityId: d.entityId, variant: d.variant, status: 'CURRENT' }, data: { status: 'SUPERSEDED' } });
        await tx.document.create({
          data: {
            id: documentId, projectId: d.projectId, kind: d.kind, entityId: d.entityId, version, status, variant: d.variant,
            title: d.title, sha256: digest, pdf: Uint8Array.from(pdf), pages, createdById: d.requestedBy?.id ?? null, createdAt: new Date(d.requestedAt),
          },
        });
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId: d.projectId,
            actor: d.requestedBy ?? 'system',
            action: 'document.rendered',
            entity: 'document',
            entityId: documentId,
            before: latest ? { documentId: latest.id, version: latest.version, status: latest.status, replaced: replaced.count } : undefined,
            after: {
              kind: d.kind, entityId: d.entityId, variant: d.variant, version, status, sha256: digest, pages, title: d.title,
              fingerprint: d.fingerprint, facts: d.facts, origin: d.origin, ...(d.refresh ? { refresh: d.refresh.reason } : {}),
            },
          }),
        });
        return true;
      }, TX_OPTIONS);
      if (stored) {
        await job.updateProgress(100);
        return { documentId, reused: false };
      }
    }
    throw new AppError('CONFLICT', 'The document kept changing while it was rendered; request it again.');
  } catch (error) {
    const final = error instanceof AppError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (final && d.refresh) {
      // A re-render after a change failed for good: the change stands; say so in the audit trail.
      await db.auditEvent
        .create({
          data: toAuditRow({
            projectId: d.projectId, actor: d.requestedBy ?? 'system', action: 'document.refresh_failed',
            entity: d.kind === 'AGREEMENT' ? 'subscription' : 'document', entityId: d.entityId,
            after: { kind: d.kind, variant: d.variant, reason: d.refresh.reason, stage: 'render', error: error instanceof Error ? error.message : String(error) },
          }),
        })
        .catch(() => undefined);
    }
    // Coded errors are final (retrying cannot help) and reach the client as {code, message}.
    if (error instanceof AppError) throw new UnrecoverableError(`${error.code satisfies ErrorCode}: ${error.message}`);
    throw error;
  }
}
