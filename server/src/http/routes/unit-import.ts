import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  AppError,
  UNIT_IMPORT_MAX_BYTES,
  UNIT_SHEET_CONTENT_TYPES,
  projectRefSchema,
  unitImportQuerySchema,
  unitSheetQuerySchema,
  type UnitSheetFormat,
} from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { SheetFile } from '../../services/unit-import-service.js';
import { parse, requirePrincipal } from '../context.js';

/** Content types the import accepts as a raw body (browsers label .csv files in several ways). */
const SHEET_BODY_TYPES = [
  UNIT_SHEET_CONTENT_TYPES.xlsx,
  UNIT_SHEET_CONTENT_TYPES.csv,
  'application/csv',
  'application/vnd.ms-excel',
  'application/octet-stream',
];

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / 5987). */
function sendFile(reply: FastifyReply, file: SheetFile): FastifyReply {
  const ascii = file.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
    .header('cache-control', 'no-store')
    .send(file.body);
}

function formatOfContentType(type: string | undefined): UnitSheetFormat {
  return (type ?? '').split(';')[0]?.trim().toLowerCase() === UNIT_SHEET_CONTENT_TYPES.xlsx ? 'xlsx' : 'csv';
}

/** Units, areas and prices as XLSX / CSV (managers): export, empty template, import (docs/import.md). */
export function unitImportRoutes(app: FastifyInstance, services: Services): void {
  app.get('/api/projects/:projectId/units/export', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const { format } = parse(unitSheetQuerySchema, request.query);
    return sendFile(reply, await services.unitImport.exportFile(principal, projectId, format));
  });

  app.get('/api/projects/:projectId/units/template', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const { format } = parse(unitSheetQuerySchema, request.query);
    return sendFile(reply, await services.unitImport.templateFile(principal, projectId, format));
  });

  // The raw file is the body: its parsers live in this plugin's scope only, so no other route
  // accepts CSV or XLSX bodies.
  void app.register(async (scope) => {
    scope.addContentTypeParser(SHEET_BODY_TYPES, { parseAs: 'buffer', bodyLimit: UNIT_IMPORT_MAX_BYTES }, (_request, body, done) => {
      done(null, body);
    });
    scope.post('/api/projects/:projectId/units/import', { bodyLimit: UNIT_IMPORT_MAX_BYTES }, async (request) => {
      const principal = await requirePrincipal(services, request);
      const { projectId } = parse(projectRefSchema, request.params);
      const query = parse(unitImportQuerySchema, request.query);
      const body = request.body ?? Buffer.alloc(0);
      if (!Buffer.isBuffer(body)) {
        throw new AppError('VALIDATION_FAILED', 'Send the file itself as the body (Content-Type text/csv or the XLSX type).');
      }
      const format = query.format ?? formatOfContentType(request.headers['content-type']);
      return services.unitImport.importFile(principal, projectId, body, {
        format,
        dryRun: query.dryRun,
        fileName: query.fileName ?? `units.${format}`,
      });
    });
  });
}
