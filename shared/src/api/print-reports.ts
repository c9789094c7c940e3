/**
 * Print-ready reports (docs/reports-print.md): the sales-control sheet 销控表, the price list 价目表 and
 * the daily report 日报, each as a PDF (rendered through the document machinery, watermarked in a
 * rehearsal) and as XLSX. Plain GETs: rendered on request, stored nowhere.
 */
import { z } from 'zod';
import { idSchema } from '../schemas.js';
import { defineRoute } from './route.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const printReportParamsSchema = z.strictObject({ projectId: idSchema });

/** Paper of the 销控表: A3 landscape (the wall copy, default) or A4 landscape. */
export const SALES_CONTROL_PAPERS = ['A3', 'A4'] as const;
export type SalesControlPaper = (typeof SALES_CONTROL_PAPERS)[number];

export const salesControlQuerySchema = z.strictObject({
  /** One building only (default every building). */
  building: idSchema.optional(),
  paper: z.enum(SALES_CONTROL_PAPERS).default('A3'),
});

export const priceListQuerySchema = z.strictObject({
  /** One building only. */
  building: idSchema.optional(),
  /** One release batch 批次 only. */
  batch: idSchema.optional(),
});

/** A project-local calendar day. */
export const reportDateSchema = z.iso.date({ message: 'must be a date YYYY-MM-DD' });

export const dailyReportQuerySchema = z.strictObject({
  /** The project-local day (default: today in the project's time zone). */
  date: reportDateSchema.optional(),
});

const pdfRoute = <Q extends z.ZodType>(path: string, summary: string, query: Q) =>
  defineRoute({
    method: 'GET',
    path,
    summary,
    access: 'readReports',
    params: printReportParamsSchema,
    query,
    responses: {},
    file: 'application/pdf',
    errors: ['UNPRINTABLE_CHARACTER'],
  });

const xlsxRoute = <Q extends z.ZodType>(path: string, summary: string, query: Q) =>
  defineRoute({
    method: 'GET',
    path,
    summary,
    access: 'readReports',
    params: printReportParamsSchema,
    query,
    responses: {},
    file: XLSX,
    errors: [],
  });

export const printReportsApi = {
  salesControlPdf: pdfRoute(
    '/api/projects/:projectId/reports/sales-control.pdf',
    'The sales-control sheet 销控表: every building as a floor × position grid (code, layout, area, price, status), legend, counts and totals; A3/A4 landscape.',
    salesControlQuerySchema,
  ),
  salesControlXlsx: xlsxRoute(
    '/api/projects/:projectId/reports/sales-control.xlsx',
    'The sales-control sheet 销控表 as XLSX: one sheet per building, the same grid with status fills, and a summary sheet.',
    salesControlQuerySchema,
  ),
  priceListPdf: pdfRoute(
    '/api/projects/:projectId/reports/price-list.pdf',
    'The price list 价目表: per building and unit, layout, gross/net area, price per m², list price, filed price 备案价 and status.',
    priceListQuerySchema,
  ),
  priceListXlsx: xlsxRoute(
    '/api/projects/:projectId/reports/price-list.xlsx',
    'The price list 价目表 as XLSX (one row per unit).',
    priceListQuerySchema,
  ),
  dailyPdf: pdfRoute(
    '/api/projects/:projectId/reports/daily.pdf',
    'The daily report 日报 of a project-local day: subscriptions, cumulative sell-through, per building/layout/consultant, money by method, cancellations, registrations, notable events, and the audit chain head.',
    dailyReportQuerySchema,
  ),
  dailyXlsx: xlsxRoute(
    '/api/projects/:projectId/reports/daily.xlsx',
    'The daily report 日报 as XLSX: one sheet per section.',
    dailyReportQuerySchema,
  ),
};
