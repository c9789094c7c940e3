/**
 * Reports and exports 统计报表 (docs/reports.md): the pinned subscriptions sheet as a direct download,
 * and every report — the audit log's export too — as a background job with progress and a download.
 */
import { z } from 'zod';
import { idSchema, projectRefSchema } from '../schemas.js';
import { auditExportQuerySchema } from './audit.js';
import { defineRoute } from './route.js';

/** Reports a manager or finance can run (the audit log's export runs through the same jobs). */
export const REPORT_KINDS = ['subscriptions', 'payments', 'channels', 'performance', 'stock'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
/** What a report job produces: a report, or the audit log's XLSX. */
export const REPORT_JOB_KINDS = [...REPORT_KINDS, 'audit'] as const;
export type ReportJobKind = (typeof REPORT_JOB_KINDS)[number];

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** A project-local calendar day, YYYY-MM-DD (the project's time zone decides where it starts). */
const localDaySchema = z.iso.date();

/**
 * The filters of a report. Every one is optional; they combine (AND). Days are project-local and
 * inclusive (`from=2026-12-07&to=2026-12-07` is that whole day in the project's zone). Which filter
 * a report honours is in docs/reports.md (stock is a snapshot: no dates).
 */
export const reportFilterSchema = z
  .strictObject({
    /** First day (inclusive). */
    from: localDaySchema.optional(),
    /** Last day (inclusive). */
    to: localDaySchema.optional(),
    /** One building's units only. */
    buildingId: idSchema.optional(),
    /** One consultant's deals / customers only (payments: of that consultant's deals). */
    consultantId: idSchema.optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'from must not be after to', path: ['to'] });
export type ReportFilter = z.infer<typeof reportFilterSchema>;

/** Filters and the language of headers and labels (default zh-CN, as every export). */
export const reportQuerySchema = z
  .strictObject({
    from: localDaySchema.optional(),
    to: localDaySchema.optional(),
    buildingId: idSchema.optional(),
    consultantId: idSchema.optional(),
    lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'from must not be after to', path: ['to'] });
export type ReportQuery = z.infer<typeof reportQuerySchema>;
/** What a client sends (lang may be left out). */
export type ReportQueryInput = z.input<typeof reportQuerySchema>;

export const reportKindParamsSchema = z.strictObject({ projectId: idSchema, kind: z.enum(REPORT_KINDS) });
export const reportJobParamsSchema = z.strictObject({ projectId: idSchema, reportJobId: idSchema });

export const REPORT_JOB_STATES = ['queued', 'running', 'done', 'failed'] as const;

/** A report job as its requester polls it. Only the person who asked may read or download it. */
export const reportJobSchema = z.object({
  jobId: z.string(),
  kind: z.enum(REPORT_JOB_KINDS),
  state: z.enum(REPORT_JOB_STATES),
  /** 0–100. */
  progress: z.number().int().min(0).max(100),
  /** Data rows written (set when done). */
  rows: z.number().int().nullable(),
  /** The file's name (set when done). */
  fileName: z.string().nullable(),
  /** Where to download the file (set when done; kept REPORT_FILE_TTL_SECONDS). */
  downloadUrl: z.string().nullable(),
  /** Why it failed (state failed). */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  requestedAt: z.string(),
});
export type ReportJob = z.infer<typeof reportJobSchema>;

/** How long a finished report's file can be downloaded, seconds. */
export const REPORT_FILE_TTL_SECONDS = 3600;

export const reportsApi = {
  subscriptionsXlsx: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/reports/subscriptions.xlsx',
    summary:
      'Subscriptions 认购明细 as XLSX, downloaded at once: one row per live subscription with its price breakdown, payment plan, deposit, consultant and team, and a totals row. Filters: project-local days, building, consultant; privacy rule on buyer columns.',
    access: 'readReports',
    params: projectRefSchema,
    query: reportQuerySchema,
    responses: {},
    file: XLSX,
    errors: [],
  }),
  startJob: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/reports/:kind/jobs',
    summary:
      'Run a report (subscriptions, payments, channels, performance, stock) as a background job: 202 with the job to poll; the XLSX is downloaded from the job when done.',
    access: 'readReports',
    params: reportKindParamsSchema,
    body: reportQuerySchema,
    responses: { 202: reportJobSchema },
    errors: [],
  }),
  startAuditJob: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/audit/jobs',
    summary: 'Export the filtered audit log as XLSX through a background job (the same jobs as the reports).',
    access: 'readAudit',
    params: projectRefSchema,
    body: auditExportQuerySchema,
    responses: { 202: reportJobSchema },
    errors: [],
  }),
  job: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/report-jobs/:reportJobId',
    summary: 'A report job: state, progress and, when done, the download URL. Only its requester reads it.',
    access: 'staff',
    params: reportJobParamsSchema,
    responses: { 200: reportJobSchema },
    errors: [],
  }),
  jobFile: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/report-jobs/:reportJobId/file',
    summary:
      'The file of a finished report job (any server process answers: files are kept in Redis for an hour). CONFLICT while it runs.',
    access: 'staff',
    params: reportJobParamsSchema,
    responses: {},
    file: XLSX,
    errors: ['CONFLICT'],
  }),
};
