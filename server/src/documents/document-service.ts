/**
 * The documents service (docs/documents.md): request a document, poll its job, read and list the
 * stored versions, verify one, and re-render a record's papers after a change. The parts it calls
 * are one file each beside it (index.ts lists them).
 *
 * - A request reads the record (loaders/) and builds the renderer's input (plain data) and its
 *   fingerprint, the SHA-256 of everything printed except the document's id, version and time
 *   (versions.ts). When the newest version of (kind, record, paper) has the same fingerprint,
 *   nothing changed: that document is the answer (200). Otherwise a BullMQ `document-pdf` job is
 *   queued (202) and polled; the worker stores the new version (render-job.ts).
 * - A record that changes after its paper was printed (更名, 调价, 换房, 退房, the deposit rule, a
 *   deposit recorded, converted or voided) is re-rendered by `refreshFor` after the change committed:
 *   every paper variant with a CURRENT version is requested again through the same path (same
 *   fingerprint → nothing; else version n+1 supersedes it, or VOIDED when the record was closed).
 *   Fire-and-forget: the change never waits for the PDF and never fails because of it.
 */
import {
  AppError,
  DOCUMENT_KIND_VARIANTS,
  ERROR_CODES,
  mayReadDocument,
  type AgreementSettings,
  type AgreementSettingsBody,
  type DocumentInfo,
  type DocumentJobInfo,
  type DocumentKind,
  type DocumentListQuery,
  type DocumentRequestBody,
  type DocumentVariant,
  type VerifyResult,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { Principal, UserPrincipal } from '../domain/principal.js';
import type { DocumentJobs, DocumentPdfJobData, DocumentPdfJobResult } from '../jobs/documents.js';
import { RenderPool } from '../jobs/render-pool.js';
import { toAuditRow } from '../services/audit.js';
import type { Logger } from '../services/logger.js';
import type { PricingService } from '../services/pricing-service.js';
import type { ProjectDirectory } from '../services/project-directory.js';
import { assertMayRead, requireUser, subjectsOf } from './access.js';
import { AgreementSettingsStore } from './agreement-settings.js';
import type { FontOptions } from './fonts.js';
import { formatProjectTime } from './format.js';
import { prepareAgreement, prepareDocument, type LoaderContext } from './loaders/index.js';
import { verifyDocument } from './verification.js';
import {
  DOCUMENT_SELECT,
  UUID,
  documentInfo,
  fingerprintOf,
  latestDocument,
  pdfFilenames,
  type Prepared,
} from './versions.js';

/** A failed job's reason (`CODE: message` for coded errors) as the API's error. */
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
    pricing: PricingService,
    private readonly jobs: DocumentJobs,
    /** PUBLIC_URL (what the routes put in QR codes when set); else refreshes reuse the first render's origin. */
    private readonly publicUrl: string | null = null,
    private readonly log: Logger | null = null,
    fonts: FontOptions = {},
    /** The audit chain head printed on the dispute pack (services.auditChain.headForPrint). */
    chainHead: LoaderContext['chainHead'] = async () => null,
  ) {
    this.previewRenderer = new RenderPool(fonts);
    this.loaders = { db, directory, pricing, chainHead };
    this.settings = new AgreementSettingsStore(db, directory, this.previewRenderer);
  }

  /** Renders the terms page's sample 认购书 (its thread starts on first use). */
  private readonly previewRenderer: RenderPool;

  private readonly loaders: LoaderContext;
  private readonly settings: AgreementSettingsStore;

  /** Shutdown: stop the preview render thread. */
  async close(): Promise<void> {
    await this.previewRenderer.close();
  }

  // ── Request and poll ─────────────────────────────────────────────────────────────────────────

  /**
   * Render a document, or answer the newest version when the record has not changed since.
   * `queued`: false → the answer is that version (HTTP 200); true → a job was queued (HTTP 202).
   */
  async request(
    principal: Principal,
    body: DocumentRequestBody,
    origin: string,
    now = new Date(),
  ): Promise<{ queued: boolean; info: DocumentJobInfo }> {
    const user = requireUser(principal);
    const variant = body.variant ?? DOCUMENT_KIND_VARIANTS[body.kind][0]!;
    const prepared = await prepareDocument(this.loaders, user, body, variant, now);
    const queued = await this.enqueue(body.kind, body.entityId, variant, prepared, origin, user, now);
    if (queued.kind === 'current') {
      const row = await this.db.document.findUniqueOrThrow({
        where: { id: queued.documentId },
        select: DOCUMENT_SELECT,
      });
      return {
        queued: false,
        info: {
          jobId: `current-${row.id}`,
          state: 'completed',
          progress: 100,
          document: documentInfo(row, origin),
          error: null,
        },
      };
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
      facts: [
        ...prepared.facts,
        {
          label: '生成时间',
          labelEn: 'Issued',
          value: `${formatProjectTime(now, prepared.timezone)} (${prepared.timezone})`,
        },
      ],
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
  async refresh(
    kind: 'AGREEMENT',
    entityId: string,
    actor: UserPrincipal | 'system',
    reason: string,
    now = new Date(),
  ): Promise<string[]> {
    let projectId: string | null = null;
    try {
      const current = await this.db.document.findMany({
        where: { kind, entityId, status: 'CURRENT' },
        select: { id: true, projectId: true, variant: true },
        orderBy: { version: 'desc' },
      });
      if (current.length === 0) return [];
      projectId = current[0]!.projectId;
      const prepared = await prepareAgreement(this.loaders, null, entityId);
      const jobIds: string[] = [];
      const variants = [...new Set(current.map((d) => d.variant as DocumentVariant))];
      for (const variant of variants) {
        const origin = await this.refreshOrigin(current.find((d) => d.variant === variant)!.id, current[0]!.projectId);
        if (!origin)
          throw new AppError('CONFLICT', 'No origin is known for the QR code of this document (set PUBLIC_URL).');
        const queued = await this.enqueue(
          kind,
          entityId,
          variant,
          prepared,
          origin,
          actor === 'system' ? null : actor,
          now,
          { reason },
        );
        if (queued.kind === 'queued') jobIds.push(queued.jobId);
      }
      return jobIds;
    } catch (error) {
      this.log?.error(
        { err: error, kind, entityId, reason },
        'document refresh could not be queued (the change itself is done)',
      );
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
      const row = UUID.test(id)
        ? await this.db.document.findUnique({
            where: { id },
            select: { ...DOCUMENT_SELECT, projectId: true, createdById: true },
          })
        : null;
      if (!row) throw new AppError('NOT_FOUND', 'No such document job.');
      await this.directory.assertAccess(user, row.projectId);
      await assertMayRead(this.db, user, row);
      return { jobId, state: 'completed', progress: 100, document: documentInfo(row, origin), error: null };
    }
    const job = await this.jobs.getDocumentJob(jobId);
    if (!job) throw new AppError('NOT_FOUND', 'No such document job (finished jobs are kept for an hour).');
    await this.directory.assertAccess(user, job.data.projectId);
    await assertMayRead(this.db, user, {
      id: jobId,
      kind: job.data.kind,
      entityId: job.data.entityId,
      createdById: job.data.requestedBy?.id ?? null,
    });
    const state = await job.getState();
    const progress = typeof job.progress === 'number' ? Math.max(0, Math.min(100, Math.round(job.progress))) : 0;
    if (state === 'completed') {
      // The job was read before its state: it may have completed in between, so read it again.
      const done = job.returnvalue ? job : await this.jobs.getDocumentJob(jobId);
      const result = (done?.returnvalue ?? null) as DocumentPdfJobResult | null;
      const row = result
        ? await this.db.document.findUnique({ where: { id: result.documentId }, select: DOCUMENT_SELECT })
        : null;
      if (!row)
        return {
          jobId,
          state: 'failed',
          progress,
          document: null,
          error: { code: 'NOT_FOUND', message: 'The rendered document is gone.' },
        };
      return {
        jobId,
        state: 'completed',
        progress: 100,
        document: documentInfo(row, job.data.origin || origin),
        error: null,
      };
    }
    if (state === 'failed') {
      const failed = job.failedReason ? job : await this.jobs.getDocumentJob(jobId);
      return { jobId, state: 'failed', progress, document: null, error: errorOfJob(failed?.failedReason) };
    }
    return { jobId, state: state === 'active' ? 'active' : 'waiting', progress, document: null, error: null };
  }

  // ── Read ─────────────────────────────────────────────────────────────────────────────────────

  /** The stored PDF: members of the project whom the privacy rule lets read it (mayReadDocument). */
  async pdf(
    principal: Principal,
    documentId: string,
  ): Promise<{ pdf: Buffer; sha256: string; filename: { ascii: string; utf8: string } }> {
    const user = requireUser(principal);
    const row = await this.db.document.findUnique({
      where: { id: documentId },
      select: { ...DOCUMENT_SELECT, projectId: true, createdById: true, pdf: true },
    });
    if (!row) throw new AppError('NOT_FOUND', 'No such document.');
    await this.directory.assertAccess(user, row.projectId);
    await assertMayRead(this.db, user, row);
    return { pdf: Buffer.from(row.pdf), sha256: row.sha256, filename: pdfFilenames(row) };
  }

  /**
   * Documents of a project, newest first, optionally of one record and/or kind: the ones the caller
   * may read (a consultant: their deals' papers and the plans they made). Devices: FORBIDDEN.
   */
  async list(
    principal: Principal,
    projectId: string,
    query: DocumentListQuery,
    origin: string,
  ): Promise<DocumentInfo[]> {
    const user = requireUser(principal);
    await this.directory.assertAccess(user, projectId);
    const rows = await this.db.document.findMany({
      where: {
        projectId,
        ...(query.entityId ? { entityId: query.entityId } : {}),
        ...(query.kind ? { kind: query.kind } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { version: 'desc' }],
      take: 200,
      select: { ...DOCUMENT_SELECT, createdById: true },
    });
    const subjects = await subjectsOf(this.db, rows);
    return rows.filter((r) => mayReadDocument(user, subjects.get(r.id)!)).map((r) => documentInfo(r, origin));
  }

  // ── Verify ───────────────────────────────────────────────────────────────────────────────────

  /** GET /api/public/verify/:id — no login (verification.ts). */
  verify(id: string): Promise<VerifyResult> {
    return verifyDocument(this.db, id);
  }

  // ── Agreement settings (agreement-settings.ts) ───────────────────────────────────────────────

  agreementSettings(principal: Principal, projectId: string): Promise<AgreementSettings> {
    return this.settings.get(principal, projectId);
  }

  /** Managers: the 认购书 terms text ('' = the default) and the signing period; audited. */
  updateAgreementSettings(
    principal: Principal,
    projectId: string,
    body: AgreementSettingsBody,
  ): Promise<AgreementSettings> {
    return this.settings.update(principal, projectId, body);
  }

  /** Managers: a sample 认购书 of the given (unsaved) terms; stores nothing. */
  previewAgreement(
    principal: Principal,
    projectId: string,
    body: AgreementSettingsBody,
    now = new Date(),
  ): Promise<Buffer> {
    return this.settings.preview(principal, projectId, body, now);
  }
}
