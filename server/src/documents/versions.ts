/**
 * Versions of a document: its identity (id, version, verify URL, file names), the fingerprint that
 * says whether a record changed since its newest version, and reading that newest version.
 */
import { createHash } from 'node:crypto';
import {
  DOCUMENT_KIND_LABELS,
  type DocumentInfo,
  type DocumentKind,
  type DocumentStatus,
  type DocumentVariant,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { PreparedRender, VerifyFact } from '../jobs/documents.js';

/** Bump when a renderer's layout changes, so unchanged records still get the new layout once. */
export const RENDER_REVISION = 1;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a request prepared: the renderer input and what gets stored with the document. */
export interface Prepared {
  projectId: string;
  /** The project's zone: times among the facts are written in it. */
  timezone: string;
  title: string;
  voided: boolean;
  facts: VerifyFact[];
  render: PreparedRender;
}

export interface LatestRow {
  id: string;
  version: number;
  status: DocumentStatus;
  fingerprint: string | null;
}

export type DocumentRow = {
  id: string;
  kind: DocumentKind;
  entityId: string;
  version: number;
  status: DocumentStatus;
  variant: string;
  title: string;
  sha256: string;
  pages: number;
  createdAt: Date;
};

export const DOCUMENT_SELECT = {
  id: true,
  kind: true,
  entityId: true,
  version: true,
  status: true,
  variant: true,
  title: true,
  sha256: true,
  pages: true,
  createdAt: true,
} as const;

export function verifyUrlOf(origin: string, documentId: string): string {
  return `${origin.replace(/\/+$/, '')}/verify/${documentId}`;
}

/** The API shape of a stored document. */
export function documentInfo(row: DocumentRow, origin: string): DocumentInfo {
  return {
    id: row.id,
    kind: row.kind,
    entityId: row.entityId,
    version: row.version,
    status: row.status,
    variant: row.variant as DocumentVariant,
    title: row.title,
    sha256: row.sha256,
    pages: row.pages,
    createdAt: row.createdAt.toISOString(),
    pdfUrl: `/api/documents/${row.id}/pdf`,
    verifyUrl: verifyUrlOf(origin, row.id),
  };
}

/** JSON with keys sorted at every level: the same data always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export function fingerprintOf(
  kind: DocumentKind,
  variant: DocumentVariant,
  origin: string,
  prepared: Prepared,
): string {
  return sha256(
    canonicalJson({
      rev: RENDER_REVISION,
      kind,
      variant,
      origin: origin.replace(/\/+$/, ''),
      voided: prepared.voided,
      render: prepared.render,
    }),
  );
}

/** Pages of a PDF pdfkit wrote (one `/Type /Page` object each). */
export function countPdfPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
}

/** The ASCII file name of each kind (the UTF-8 one starts with its label, shared/src/labels.ts). */
const KIND_SLUG: Record<DocumentKind, string> = {
  RECEIPT: 'receipt',
  AGREEMENT: 'agreement',
  PURCHASE_PLAN: 'purchase-plan',
  DAY_END: 'day-end',
  DISPUTE_PACK: 'dispute-pack',
};

/** receipt-KP2026-000001-A5-v2.pdf (ASCII) and 收据-KP2026-000001-A5-v2.pdf (UTF-8). */
export function pdfFilenames(row: Pick<DocumentRow, 'kind' | 'title' | 'variant' | 'version'>): {
  ascii: string;
  utf8: string;
} {
  const ref = row.title.split(' · ').pop() ?? '';
  const asciiRef = ref.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'document';
  const utf8Ref = ref.replace(/[\\/:*?"<>|\s]+/g, '-').replace(/^-+|-+$/g, '') || 'document';
  const tail = `${row.variant}-v${row.version}.pdf`;
  return {
    ascii: `${KIND_SLUG[row.kind]}-${asciiRef}-${tail}`,
    utf8: `${DOCUMENT_KIND_LABELS[row.kind].zh}-${utf8Ref}-${tail}`,
  };
}

/** The newest version of (kind, record, paper) and the fingerprint it was rendered from. */
export async function latestDocument(
  db: Db,
  kind: DocumentKind,
  entityId: string,
  variant: string,
): Promise<LatestRow | null> {
  const rows = await db.$queryRaw<LatestRow[]>`
    SELECT d.id::text AS id, d.version, d.status::text AS status,
      (SELECT a.after->>'fingerprint' FROM audit_events a
        WHERE a.entity = 'document' AND a.entity_id = d.id::text AND a.action = 'document.rendered'
        ORDER BY a.id DESC LIMIT 1) AS fingerprint
    FROM documents d
    WHERE d.kind = ${kind}::"DocumentKind" AND d.entity_id = ${entityId} AND d.variant = ${variant}
    ORDER BY d.version DESC LIMIT 1`;
  return rows[0] ?? null;
}
