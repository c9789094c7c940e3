import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';
import { sendFile } from '../send-file.js';

/** The print-ready reports 销控表 / 价目表 / 日报, PDF and XLSX: docs/reports-print.md. */
export function printReportHandlers(services: Services): Handlers<typeof API.printReports> {
  const reports = services.printReports;
  return {
    salesControlPdf: async ({ principal, params, query, reply }) =>
      sendFile(reply, await reports.salesControl(principal, params.projectId, query, 'pdf')),
    salesControlXlsx: async ({ principal, params, query, reply }) =>
      sendFile(reply, await reports.salesControl(principal, params.projectId, query, 'xlsx')),
    priceListPdf: async ({ principal, params, query, reply }) =>
      sendFile(reply, await reports.priceList(principal, params.projectId, query, 'pdf')),
    priceListXlsx: async ({ principal, params, query, reply }) =>
      sendFile(reply, await reports.priceList(principal, params.projectId, query, 'xlsx')),
    dailyPdf: async ({ principal, params, query, reply }) =>
      sendFile(reply, await reports.daily(principal, params.projectId, query, 'pdf')),
    dailyXlsx: async ({ principal, params, query, reply }) =>
      sendFile(reply, await reports.daily(principal, params.projectId, query, 'xlsx')),
  };
}
