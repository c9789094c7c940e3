import { AppError, UNIT_SHEET_CONTENT_TYPES, type API, type UnitSheetFormat } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';
import { sendFile } from '../send-file.js';

function formatOfContentType(type: string | undefined): UnitSheetFormat {
  return (type ?? '').split(';')[0]?.trim().toLowerCase() === UNIT_SHEET_CONTENT_TYPES.xlsx ? 'xlsx' : 'csv';
}

/** Units, areas and prices as XLSX / CSV (managers): export, empty template, import (docs/import.md). */
export function unitImportHandlers(services: Services): Handlers<typeof API.unitImport> {
  const sheets = services.unitImport;
  return {
    exportFile: async ({ principal, params, query, reply }) =>
      sendFile(reply, await sheets.exportFile(principal, params.projectId, query.format)),
    templateFile: async ({ principal, params, query, reply }) =>
      sendFile(reply, await sheets.templateFile(principal, params.projectId, query.format)),
    // The raw file is the body (register-api.ts gives this route its own CSV/XLSX parsers).
    importFile: async ({ principal, params, query, request }) => {
      const body = request.body ?? Buffer.alloc(0);
      if (!Buffer.isBuffer(body)) {
        throw new AppError(
          'VALIDATION_FAILED',
          'Send the file itself as the body (Content-Type text/csv or the XLSX type).',
        );
      }
      const format = query.format ?? formatOfContentType(request.headers['content-type']);
      return sheets.importFile(principal, params.projectId, body, {
        format,
        dryRun: query.dryRun,
        fileName: query.fileName ?? `units.${format}`,
      });
    },
  };
}
