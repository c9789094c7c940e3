/**
 * The live sales dashboard 销售看板 (docs/dashboard.md): one read of a project's aggregates, and the
 * project's sales target it is measured against. Aggregates only: no buyer appears in it.
 */
import { z } from 'zod';
import { projectRefSchema } from '../schemas.js';
import { defineRoute } from './route.js';

const count = z.number().int().min(0);
/** Integer fen. */
const fen = z.number().int();
/** Square metres, two decimals. */
const area = z.number().min(0);

/** The project's sales target 销售目标: each figure optional (null: no target for it). */
export const salesTargetSchema = z.strictObject({
  /** Units to sell. */
  units: z.number().int().min(1).max(1_000_000).nullable(),
  /** Gross area to sell, m² (at most two decimals). */
  area: z.number().positive().max(100_000_000).multipleOf(0.01).nullable(),
  /** Amount to sell, fen. */
  amountFen: z.number().int().min(1).max(9_000_000_000_000_000).nullable(),
});
export type SalesTarget = z.infer<typeof salesTargetSchema>;

/** Sell-through of one slice (a building, a layout, a floor band): released units and sold ones. */
export const dashboardSliceSchema = z.object({
  /** Stable key of the slice (building id, layout code, "1-5"). */
  key: z.string(),
  /** What to print: building name, layout code and name, floor range. */
  label: z.string(),
  labelEn: z.string(),
  released: count,
  sold: count,
  soldAmountFen: fen,
});
export type DashboardSlice = z.infer<typeof dashboardSliceSchema>;

/** An alert on the dashboard: something a manager should act on now. */
export const dashboardAlertSchema = z.discriminatedUnion('kind', [
  z.object({
    /** A consultant's locks expired again and again (units held and not sold) within the window. */
    kind: z.literal('LOCKS_EXPIRING'),
    consultantId: z.string(),
    consultant: z.string(),
    expiries: count,
    /** The latest expiry. */
    lastAt: z.string(),
  }),
  z.object({
    /** A below-floor price waits for a manager's decision 底价审批 (the consultant's lock is held). */
    kind: z.literal('APPROVAL_WAITING'),
    approvalId: z.string(),
    unitCode: z.string(),
    consultant: z.string(),
    since: z.string(),
  }),
  z.object({
    /** Live subscriptions whose deposit 定金 deadline passed without a deposit recorded. */
    kind: z.literal('DEPOSITS_OVERDUE'),
    subscriptions: count,
    /** The earliest missed deadline. */
    oldestDueAt: z.string(),
  }),
]);
export type DashboardAlert = z.infer<typeof dashboardAlertSchema>;

/** Everything the dashboard shows, computed in one consistent read of the database. */
export const dashboardSchema = z.object({
  /** When the figures were read (UTC). */
  generatedAt: z.string(),
  /** The project's name, and whether it is a rehearsal 演练 (the screen says so). */
  project: z.object({ name: z.string(), nameEn: z.string(), rehearsal: z.boolean() }),
  /** The project's time zone: every time is shown in it. */
  timeZone: z.string(),
  totals: z.object({
    /** Every unit of the project. */
    units: count,
    /** Units ever released for sale (all but NOT_RELEASED). */
    released: count,
    /** AVAILABLE units; a locked unit counts (PostgreSQL holds it as AVAILABLE, its lock lives in Redis). */
    available: count,
    withheld: count,
    /** Sold = SUBSCRIBED + CONTRACTED. */
    sold: count,
    /** Sold gross area, m². */
    soldArea: area,
    /** Sold amount: the live deal's price (the list price where none is known), fen. */
    soldAmountFen: fen,
  }),
  target: salesTargetSchema,
  byBuilding: z.array(dashboardSliceSchema),
  byLayout: z.array(dashboardSliceSchema),
  /** Bands of floors (1–5, 6–10, …) across all buildings. */
  byFloorBand: z.array(dashboardSliceSchema),
  /**
   * Subscriptions 认购 confirmed per minute on the latest sales day (project time zone), from its
   * first to its last minute, empty minutes included. `day`: that date, null before the first sale.
   */
  perMinute: z.object({
    day: z.string().nullable(),
    minutes: z.array(z.object({ at: z.string(), count })),
  }),
  /** Ranking by consultant: live deals, best first (units, then amount). */
  consultants: z.array(
    z.object({ id: z.string(), name: z.string(), teamId: z.string().nullable(), units: count, amountFen: fen }),
  ),
  /** Ranking by team (consultants without a team: `id` null). */
  teams: z.array(z.object({ id: z.string().nullable(), name: z.string(), units: count, amountFen: fen })),
  /** Subscription deposits 定金 collected (recorded, not voided or refunded), by payment method. */
  deposits: z.object({
    totalFen: fen,
    payments: count,
    byMethod: z.array(z.object({ method: z.string(), payments: count, amountFen: fen })),
  }),
  /** Registrations 认筹 against units released: the oversubscription ratio (null: nothing released). */
  registrations: z.object({ active: count, released: count, ratio: z.number().nullable() }),
  /** The queue 排号: numbers by state, and the average time from call to served (selection time). */
  queue: z.object({
    issued: count,
    waiting: count,
    called: count,
    served: count,
    missed: count,
    avgSelectionSeconds: z.number().nullable(),
  }),
  alerts: z.array(dashboardAlertSchema),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

export const dashboardApi = {
  read: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/dashboard',
    summary:
      'The live sales dashboard: totals against the target, sell-through by building/layout/floor band, subscriptions per minute, rankings, deposits by method, registrations vs released, queue, alerts. Aggregates only (no buyer).',
    access: 'readDashboard',
    params: projectRefSchema,
    responses: { 200: dashboardSchema },
    errors: [],
  }),
  target: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/sales-target',
    summary: 'The sales target 销售目标 (units, area, amount; null = none).',
    access: 'readDashboard',
    params: projectRefSchema,
    responses: { 200: salesTargetSchema },
    errors: [],
  }),
  updateTarget: defineRoute({
    method: 'PUT',
    path: '/api/projects/:projectId/sales-target',
    summary: 'Set the sales target (managers; audited as project.sales_target).',
    access: 'manage',
    params: projectRefSchema,
    body: salesTargetSchema,
    responses: { 200: salesTargetSchema },
    errors: ['PROJECT_ARCHIVED'],
  }),
};
