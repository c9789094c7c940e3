/**
 * Reports 统计报表 (docs/reports.md): build a report's table and write it as XLSX — at once for the
 * pinned subscriptions sheet, or as a job of the `reports` queue (report-jobs.ts) that the worker
 * runs (`run`) while the requester polls its progress and then downloads the file from any process.
 * Who may ask is the route table's (readReports, readAudit for the audit log); what a reader sees of
 * a buyer is the privacy rule's, decided when the job is asked for and carried with it.
 */
import { randomUUID } from 'node:crypto';
import {
  AppError,
  formatProjectDateTime,
  personView,
  type AuditFilter,
  type Locale,
  type PersonView,
  type ReportJob,
  type ReportJobKind,
  type ReportKind,
  type ReportQuery,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import { isAllowedIn, type Principal, type UserPrincipal } from '../domain/principal.js';
import { writeSheet } from '../domain/xlsx.js';
import type { AuditLogService } from '../services/audit-log-service.js';
import type { ProjectDirectory } from '../services/project-directory.js';
import { channelsReport } from './channels.js';
import { paymentsReport } from './payments.js';
import { performanceReport } from './performance.js';
import type { ReportJobData, ReportJobResult, ReportJobs, ReportQueueJob, StoredReportFile } from './report-jobs.js';
import type { ReportContext, ReportTable } from './report-table.js';
import { stockReport } from './stock.js';
import { subscriptionsReport } from './subscriptions.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Each report's builder, by kind. */
const BUILDERS: Record<ReportKind, (ctx: ReportContext) => Promise<ReportTable>> = {
  subscriptions: subscriptionsReport,
  payments: paymentsReport,
  channels: channelsReport,
  performance: performanceReport,
  stock: stockReport,
};

export class ReportService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    private readonly auditLog: AuditLogService,
    private readonly jobs: ReportJobs,
  ) {}

  /** The pinned direct download: the subscriptions sheet, built in the request. */
  async subscriptionsXlsx(principal: Principal, projectId: string, query: ReportQuery): Promise<StoredReportFile> {
    const viewer = await this.reader(principal, projectId, 'readReports');
    const { file } = await this.build('subscriptions', projectId, query, personView(viewer, {}), async () => undefined);
    return file;
  }

  /** Ask for a report; the worker runs it. */
  async startJob(principal: Principal, projectId: string, kind: ReportKind, query: ReportQuery): Promise<ReportJob> {
    const viewer = await this.reader(principal, projectId, 'readReports');
    return this.enqueue(viewer, { projectId, kind, query });
  }

  /** Ask for the audit log's XLSX through the same jobs. */
  async startAuditJob(
    principal: Principal,
    projectId: string,
    query: AuditFilter & { lang: Locale },
  ): Promise<ReportJob> {
    const viewer = await this.reader(principal, projectId, 'readAudit');
    return this.enqueue(viewer, { projectId, kind: 'audit', query });
  }

  /** A job as its requester sees it (anyone else: NOT_FOUND — a job id names nothing of theirs). */
  async job(principal: Principal, projectId: string, jobId: string): Promise<ReportJob> {
    return this.describe(await this.ownJob(principal, projectId, jobId));
  }

  /** The finished file of the requester's job (CONFLICT while it runs; NOT_FOUND once expired). */
  async jobFile(principal: Principal, projectId: string, jobId: string): Promise<StoredReportFile> {
    const job = await this.ownJob(principal, projectId, jobId);
    const state = await job.getState();
    if (state !== 'completed') throw new AppError('CONFLICT', 'The report is not ready yet.', { state });
    const file = await this.jobs.getFile(jobId);
    if (!file) throw new AppError('NOT_FOUND', 'The report file has expired; run the report again.');
    return file;
  }

  /** The worker's part: build the job's file, store it, report progress on the way. */
  async run(job: ReportQueueJob): Promise<ReportJobResult> {
    const { data } = job;
    const view = personView({ kind: 'user', id: data.requestedBy.id, role: data.requestedBy.role }, {});
    const progress = async (percent: number) => {
      await job.updateProgress(percent);
    };
    await progress(5);
    let file: StoredReportFile;
    let rows: number;
    if (data.kind === 'audit') {
      const { lang, ...filter } = data.query;
      ({ rows, ...file } = await this.auditLog.exportXlsx(view, data.projectId, filter, lang, progress));
    } else {
      ({ file, rows } = await this.build(data.kind, data.projectId, data.query, view, progress));
    }
    await progress(95);
    await this.jobs.putFile(job.id ?? '', file);
    return { rows, fileName: file.fileName };
  }

  private async build(
    kind: ReportKind,
    projectId: string,
    query: ReportQuery,
    view: PersonView,
    progress: (percent: number) => Promise<void>,
  ): Promise<{ file: StoredReportFile; rows: number }> {
    const { lang, ...filter } = query;
    const { project } = (await this.directory.getCatalog(projectId)).catalog;
    const ctx: ReportContext = {
      db: this.db,
      projectId,
      projectCode: project.code,
      timeZone: project.timezone,
      lang,
      filter,
      view,
      progress,
    };
    const table = await BUILDERS[kind](ctx);
    await progress(80);
    const body = await writeSheet({
      name: table.sheet,
      columns: table.columns,
      rows: table.rows,
      totals: table.totals,
    });
    const stamp = formatProjectDateTime(new Date(), project.timezone).slice(0, 10);
    return {
      file: { fileName: `${table.fileStem}-${project.code}-${stamp}.xlsx`, contentType: XLSX, body },
      rows: table.rows.length,
    };
  }

  private async enqueue(
    viewer: UserPrincipal & { role: NonNullable<UserPrincipal['role']> },
    request: Pick<ReportJobData, 'projectId'> &
      ({ kind: ReportKind; query: ReportQuery } | { kind: 'audit'; query: AuditFilter & { lang: Locale } }),
  ): Promise<ReportJob> {
    const jobId = randomUUID();
    const data = {
      ...request,
      requestedBy: { id: viewer.id, role: viewer.role },
      requestedAt: new Date().toISOString(),
    } as ReportJobData;
    await this.jobs.enqueue(jobId, data);
    return {
      jobId,
      kind: request.kind,
      state: 'queued',
      progress: 0,
      rows: null,
      fileName: null,
      downloadUrl: null,
      error: null,
      requestedAt: data.requestedAt,
    };
  }

  private async ownJob(principal: Principal, projectId: string, jobId: string): Promise<ReportQueueJob> {
    await this.directory.assertAccess(principal, projectId);
    const job = await this.jobs.get(jobId);
    if (
      !job ||
      principal.kind !== 'user' ||
      job.data.projectId !== projectId ||
      job.data.requestedBy.id !== principal.id
    )
      throw new AppError('NOT_FOUND', 'No such report job (or it has expired).');
    return job;
  }

  private async describe(read: ReportQueueJob): Promise<ReportJob> {
    const state = await read.getState();
    // Finished between reading the job and its state: read it again for its result.
    const job = state === 'completed' && !read.returnvalue ? ((await this.jobs.get(read.id ?? '')) ?? read) : read;
    const done = state === 'completed';
    const failed = state === 'failed';
    const progress = typeof job.progress === 'number' ? Math.max(0, Math.min(100, Math.round(job.progress))) : 0;
    return {
      jobId: job.id ?? '',
      kind: job.data.kind as ReportJobKind,
      state: done ? 'done' : failed ? 'failed' : state === 'active' ? 'running' : 'queued',
      progress: done ? 100 : progress,
      rows: done ? (job.returnvalue?.rows ?? null) : null,
      fileName: done ? (job.returnvalue?.fileName ?? null) : null,
      downloadUrl: done ? `/api/projects/${job.data.projectId}/report-jobs/${job.id}/file` : null,
      // The reason stays in the worker's log: a 5xx never shows internals.
      error: failed ? { code: 'INTERNAL', message: 'The report failed; run it again.' } : null,
      requestedAt: job.data.requestedAt,
    };
  }

  /** The caller as a reader of this project with `permission` (the gate checked it; services check again). */
  private async reader(
    principal: Principal,
    projectId: string,
    permission: 'readReports' | 'readAudit',
  ): Promise<UserPrincipal & { role: NonNullable<UserPrincipal['role']> }> {
    await this.directory.assertAccess(principal, projectId);
    if (principal.kind !== 'user' || principal.role === null || !isAllowedIn(principal, permission, projectId))
      throw new AppError('FORBIDDEN', 'Only managers and finance read reports.');
    return principal as UserPrincipal & { role: NonNullable<UserPrincipal['role']> };
  }
}
