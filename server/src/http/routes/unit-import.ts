import type { FastifyReply } from 'fastify';
import { AppError, UNIT_SHEET_CONTENT_TYPES, type API, type UnitSheetFormat } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { SheetFile } from '../../services/unit-import-service.js';
import type { Handlers } from '../handler.js';

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / 5987). */
function sendFile(reply: FastifyReply, file: SheetFile): FastifyReply {
  const ascii = file.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return reply
    .header('content-type', file.contentType)
    .header(
      'content-disposition',
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    )
    .header('cache-control', 'no-store')
    .send(file.body);
}

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
