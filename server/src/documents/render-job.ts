/**
 * The worker side of a `document-pdf` job (jobs/documents-worker.ts): the next version under a fresh
 * id (it is in the QR code), rendered in the render thread and stored in ONE transaction — the new
 * version CURRENT (or VOIDED when the record was voided), the previous CURRENT SUPERSEDED (or every
 * version VOIDED), and an audit event `document.rendered` carrying the fingerprint and the facts
 * /verify shows.
 */
import { randomUUID } from 'node:crypto';
import { AppError, type DocumentStatus, type ErrorCode } from '@kaipan/shared';
import { UnrecoverableError } from 'bullmq';
import type { Db } from '../infra/db.js';
import type { DocumentJob, DocumentPdfJobResult, PreparedRender } from '../jobs/documents.js';
import type { DocumentRenderJob, RenderPool } from '../jobs/render-pool.js';
import { toAuditRow } from '../services/audit.js';
import { countPdfPages, latestDocument, sha256, verifyUrlOf } from './versions.js';

const TX_OPTIONS = { timeout: 20_000 } as const;

/** The renderer input with its identity filled in. */
function complete(
  render: PreparedRender,
  identity: { documentId: string; version: number; verifyUrl: string; renderedAt: string },
): DocumentRenderJob {
  switch (render.kind) {
    case 'receipt':
      return { kind: 'receipt', input: { ...render.input, ...identity } };
    case 'agreement':
      return { kind: 'agreement', input: { ...render.input, ...identity } };
    case 'purchase-plan':
      return { kind: 'purchase-plan', input: { ...render.input, ...identity } };
    case 'day-end':
      return { kind: 'day-end', input: { ...render.input, ...identity } };
    case 'dispute-pack':
      return { kind: 'dispute-pack', input: { ...render.input, ...identity } };
  }
}

/**
 * Body of a `document-pdf` job: reuse an identical newest version, else render version n+1 under a
 * fresh id and store it with the status changes of the older versions in one transaction. A
 * concurrent job that stored first (the newest version moved) makes this one look again.
 */
export async function processDocumentJob(db: Db, pool: RenderPool, job: DocumentJob): Promise<DocumentPdfJobResult> {
  const d = job.data;
  try {
    await job.updateProgress(5);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const latest = await latestDocument(db, d.kind, d.entityId, d.variant);
      if (latest && latest.fingerprint === d.fingerprint) {
        await job.updateProgress(100);
        return { documentId: latest.id, reused: true };
      }
      const version = (latest?.version ?? 0) + 1;
      const documentId = randomUUID();
      await job.updateProgress(15);
      const pdf = await pool.renderDocument(
        complete(d.render, {
          documentId,
          version,
          verifyUrl: verifyUrlOf(d.origin, documentId),
          renderedAt: d.requestedAt,
        }),
      );
      await job.updateProgress(80);
      const digest = sha256(pdf);
      const pages = Math.max(1, countPdfPages(pdf));
      const status: DocumentStatus = d.voided ? 'VOIDED' : 'CURRENT';
      const stored = await db.$transaction(async (tx) => {
        // One writer per record at a time; the version check below then sees every earlier commit.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`document:${d.kind}:${d.entityId}`}))`;
        const top = await tx.document.findFirst({
          where: { kind: d.kind, entityId: d.entityId, variant: d.variant },
          orderBy: { version: 'desc' },
          select: { version: true },
        });
        if ((top?.version ?? 0) !== version - 1) return false;
        const replaced = d.voided
          ? await tx.document.updateMany({
              where: { kind: d.kind, entityId: d.entityId, status: { not: 'VOIDED' } },
              data: { status: 'VOIDED' },
            })
          : await tx.document.updateMany({
              where: { kind: d.kind, entityId: d.entityId, variant: d.variant, status: 'CURRENT' },
              data: { status: 'SUPERSEDED' },
            });
        await tx.document.create({
          data: {
            id: documentId,
            projectId: d.projectId,
            kind: d.kind,
            entityId: d.entityId,
            version,
            status,
            variant: d.variant,
            title: d.title,
            sha256: digest,
            pdf: Uint8Array.from(pdf),
            pages,
            createdById: d.requestedBy?.id ?? null,
            createdAt: new Date(d.requestedAt),
          },
        });
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId: d.projectId,
            actor: d.requestedBy ?? 'system',
            action: 'document.rendered',
            entity: 'document',
            entityId: documentId,
            before: latest
              ? { documentId: latest.id, version: latest.version, status: latest.status, replaced: replaced.count }
              : undefined,
            after: {
              kind: d.kind,
              entityId: d.entityId,
              variant: d.variant,
              version,
              status,
              sha256: digest,
              pages,
              title: d.title,
              fingerprint: d.fingerprint,
              facts: d.facts,
              origin: d.origin,
              ...(d.refresh ? { refresh: d.refresh.reason } : {}),
            },
          }),
        });
        return true;
      }, TX_OPTIONS);
      if (stored) {
        await job.updateProgress(100);
        return { documentId, reused: false };
      }
    }
    throw new AppError('CONFLICT', 'The document kept changing while it was rendered; request it again.');
  } catch (error) {
    const final = error instanceof AppError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (final && d.refresh) {
      // A re-render after a change failed for good: the change stands; say so in the audit trail.
      await db.auditEvent
        .create({
          data: toAuditRow({
            projectId: d.projectId,
            actor: d.requestedBy ?? 'system',
            action: 'document.refresh_failed',
            entity: d.kind === 'AGREEMENT' ? 'subscription' : 'document',
            entityId: d.entityId,
            after: {
              kind: d.kind,
              variant: d.variant,
              reason: d.refresh.reason,
              stage: 'render',
              error: error instanceof Error ? error.message : String(error),
            },
          }),
        })
        .catch(() => undefined);
    }
    // Coded errors are final (retrying cannot help) and reach the client as {code, message}.
    if (error instanceof AppError) throw new UnrecoverableError(`${error.code satisfies ErrorCode}: ${error.message}`);
    throw error;
  }
}
