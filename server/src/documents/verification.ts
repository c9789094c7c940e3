/**
 * /verify/<id>, without login: authentic or not, current / superseded (naming the current id) /
 * voided, with a few facts to compare with the paper — none about a person (privacy rule).
 */
import {
  PUBLIC_VIEWER,
  personView,
  showIdNumber,
  showName,
  showPhone,
  type DocumentKind,
  type DocumentStatus,
  type VerifyResult,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { VerifyFact } from '../jobs/documents.js';
import { DOCUMENT_SELECT, UUID } from './versions.js';

const UNTAGGED_PERSON_LABELS = new Set(['买受人', '付款人', '领款人']);

/** A stored fact as the public may see it (privacy rule): a fact about a person shows what PUBLIC sees of it — nothing. */
function publicFact(f: VerifyFact): { label: string; labelEn: string; value: string } | null {
  const field = f.person ?? (UNTAGGED_PERSON_LABELS.has(f.label) ? 'name' : undefined);
  const fact = { label: f.label, labelEn: f.labelEn, value: f.value };
  if (!field) return fact;
  const level = personView(PUBLIC_VIEWER, {})[field];
  const value =
    field === 'name'
      ? showName(level, f.value)
      : field === 'phone'
        ? showPhone(level, f.value)
        : showIdNumber(level, f.value);
  return value === null ? null : { ...fact, value };
}

/**
 * GET /api/public/verify/:id — no login. Unknown and malformed ids are `found: false` (nothing to
 * learn from the difference). The stored status is overridden by the record's own: a receipt voided
 * or a subscription cancelled since the paper was printed is VOIDED even if nobody re-rendered it.
 */
export async function verifyDocument(db: Db, id: string): Promise<VerifyResult> {
  const shown = id.slice(0, 64);
  if (!UUID.test(id)) return { id: shown, found: false };
  const doc = await db.document.findUnique({
    where: { id },
    select: { ...DOCUMENT_SELECT, project: { select: { name: true } } },
  });
  if (!doc) return { id: shown, found: false };
  const [audit, liveVoided] = await Promise.all([
    db.auditEvent.findFirst({
      where: { entity: 'document', entityId: id, action: 'document.rendered' },
      orderBy: { id: 'desc' },
      select: { after: true },
    }),
    recordVoided(db, doc.kind, doc.entityId),
  ]);
  const status: DocumentStatus = liveVoided ? 'VOIDED' : doc.status;
  let currentId: string | null = null;
  if (status === 'SUPERSEDED') {
    const current = await db.document.findFirst({
      where: { kind: doc.kind, entityId: doc.entityId, variant: doc.variant, status: 'CURRENT' },
      select: { id: true },
    });
    currentId = current?.id ?? null;
  }
  const after = (audit?.after ?? {}) as { facts?: VerifyFact[] };
  return {
    id,
    found: true,
    kind: doc.kind,
    status,
    title: doc.title,
    projectName: doc.project.name,
    issuedAt: doc.createdAt.toISOString(),
    sha256: doc.sha256,
    version: doc.version,
    facts: (Array.isArray(after.facts) ? after.facts : []).map(publicFact).filter((f) => f !== null),
    currentId,
  };
}

async function recordVoided(db: Db, kind: DocumentKind, entityId: string): Promise<boolean> {
  if (!UUID.test(entityId)) return false;
  if (kind === 'RECEIPT') {
    const r = await db.receipt.findUnique({ where: { id: entityId }, select: { status: true } });
    return r?.status === 'VOIDED';
  }
  if (kind === 'AGREEMENT') {
    const s = await db.subscription.findUnique({ where: { id: entityId }, select: { status: true } });
    return s?.status === 'CANCELLED' || s?.status === 'CHANGED';
  }
  return false;
}
