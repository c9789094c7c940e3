/** The audit log 操作日志 and unit timelines (docs/audit-log.md): read only — nobody edits the record. */
import { z } from 'zod';
import { AUDIT_TOPICS } from '../audit-actions.js';
import { auditLogEntrySchema } from '../audit-log.js';
import { UNIT_STATUSES } from '../unit-status.js';
import { idSchema, projectRefSchema } from '../schemas.js';
import { defineRoute } from './route.js';

/** An instant of a filter: ISO-8601 with its offset (the screen converts the project's local time). */
const instantSchema = z.iso.datetime({ offset: true });

/** The log's filters: who, what, which unit, when. Every filter is optional; they combine (AND). */
export const auditFilterSchema = z.strictObject({
  /** Who: a user's id, or part of the actor's name (device names, 'system'). */
  actor: z.string().trim().min(1).max(64).optional(),
  /** What: a topic (the "kind" of action) … */
  topic: z.enum(AUDIT_TOPICS).optional(),
  /** … or one exact action, e.g. `unit.lock`. */
  action: z
    .string()
    .regex(/^[a-z_]+(\.[a-z_-]+)+$/, 'must be an audit action')
    .max(64)
    .optional(),
  /** Which unit, by code (1-1802): its events and those of its deals, payments and documents. */
  unit: z.string().trim().min(1).max(32).optional(),
  /** From this instant (inclusive). */
  from: instantSchema.optional(),
  /** Until this instant (exclusive). */
  to: instantSchema.optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const auditLogQuerySchema = auditFilterSchema.extend({
  /** Page size, 1–200 (default 50). */
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The cursor: the `nextCursor` of the previous page (events older than it). */
  before: z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, 'must be a cursor')
    .optional(),
});
export type AuditLogQuery = z.infer<typeof auditLogQuerySchema>;

export const auditLogPageSchema = z.object({
  /** Newest first. */
  entries: z.array(auditLogEntrySchema),
  /** Pass as `before` for the next (older) page; null: this is the last page. */
  nextCursor: z.string().nullable(),
});
export type AuditLogPage = z.infer<typeof auditLogPageSchema>;

/** The audit log's export (a report job: POST /api/projects/:projectId/audit/jobs, docs/reports.md). */
export const auditExportQuerySchema = auditFilterSchema.extend({
  /** The language of the sentences and headers. */
  lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
});

export const unitTimelineParamsSchema = z.strictObject({ projectId: idSchema, unitId: idSchema });

/** A unit's history: every event of the unit and of its deals, payments, receipts and documents. */
export const unitTimelineSchema = z.object({
  unit: z.object({
    id: z.string(),
    code: z.string(),
    status: z.enum(UNIT_STATUSES),
  }),
  /** The project's time zone (times are shown in it). */
  timeZone: z.string(),
  /** Oldest first. */
  entries: z.array(auditLogEntrySchema),
  /** More events exist than the timeline holds (the log, filtered by the unit, has them all). */
  truncated: z.boolean(),
});
export type UnitTimeline = z.infer<typeof unitTimelineSchema>;

/** Most events an XLSX export holds (a launch day writes tens of thousands; the filters narrow it). */
export const AUDIT_EXPORT_MAX_ROWS = 50_000;
/** Most events of one unit's timeline. */
export const UNIT_TIMELINE_MAX = 1_000;

export const auditApi = {
  log: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/audit',
    summary:
      'The audit log, newest first, filtered by who, what, unit and time; cursor paging (`before` = the previous nextCursor). Privacy rule applied to before/after.',
    access: 'readAudit',
    params: projectRefSchema,
    query: auditLogQuerySchema,
    responses: { 200: auditLogPageSchema },
    errors: [],
  }),
  unitTimeline: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/units/:unitId/timeline',
    summary:
      "A unit's timeline, oldest first: locks, releases, expiries, confirms, changes, payments and documents with who, when and from which device.",
    access: 'readAudit',
    params: unitTimelineParamsSchema,
    responses: { 200: unitTimelineSchema },
    errors: [],
  }),
};
