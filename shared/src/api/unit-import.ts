/** Units, areas and prices as XLSX / CSV (managers): export, empty template, import (docs/import.md). */
import {
  UNIT_IMPORT_MAX_BYTES,
  UNIT_SHEET_CONTENT_TYPES,
  unitImportQuerySchema,
  unitImportResultSchema,
  unitSheetQuerySchema,
} from '../unit-import.js';
import { projectRefSchema } from '../schemas.js';
import { defineRoute } from './route.js';

/** Content types the import accepts as a raw body (browsers label .csv files in several ways). */
export const UNIT_SHEET_BODY_TYPES = [
  UNIT_SHEET_CONTENT_TYPES.xlsx,
  UNIT_SHEET_CONTENT_TYPES.csv,
  'application/csv',
  'application/vnd.ms-excel',
  'application/octet-stream',
] as const;

export const unitImportApi = {
  exportFile: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/units/export',
    summary: 'Every unit with areas and prices as XLSX or CSV.',
    access: 'manage',
    params: projectRefSchema,
    query: unitSheetQuerySchema,
    responses: {},
    file: `${UNIT_SHEET_CONTENT_TYPES.xlsx} | ${UNIT_SHEET_CONTENT_TYPES.csv}`,
    errors: [],
  }),
  templateFile: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/units/template',
    summary: 'The empty import sheet.',
    access: 'manage',
    params: projectRefSchema,
    query: unitSheetQuerySchema,
    responses: {},
    file: `${UNIT_SHEET_CONTENT_TYPES.xlsx} | ${UNIT_SHEET_CONTENT_TYPES.csv}`,
    errors: [],
  }),
  importFile: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/units/import',
    summary: `Import units from the file sent as the body (at most ${UNIT_IMPORT_MAX_BYTES / 1024 / 1024} MB; dryRun checks only).`,
    access: 'manage',
    params: projectRefSchema,
    query: unitImportQuerySchema,
    rawBody: UNIT_SHEET_BODY_TYPES,
    bodyLimit: UNIT_IMPORT_MAX_BYTES,
    responses: { 200: unitImportResultSchema },
    errors: ['IMPORT_INVALID', 'CONFLICT', 'INVALID_TRANSITION', 'PROJECT_ARCHIVED'],
  }),
};
