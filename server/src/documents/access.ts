/**
 * Who may read a document (the privacy rule, mayReadDocument): a receipt or 认购书 those who see its
 * buyer in full, a 置业计划书 its maker, a 日结 its cashier; managers all; devices none.
 */
import { AppError, mayReadDocument, type DocumentKind, type DocumentSubject } from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { Principal, UserPrincipal } from '../domain/principal.js';
import { UUID } from './versions.js';

export function requireUser(principal: Principal): UserPrincipal {
  if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Documents are for people, not devices.');
  return principal;
}

/** A document as the rule needs it (`id` may be a job id: the answer is keyed by it). */
export type DocumentRef = { id: string; kind: DocumentKind; entityId: string; createdById: string | null };

export async function assertMayRead(db: Db, user: UserPrincipal, doc: DocumentRef): Promise<void> {
  const subject = (await subjectsOf(db, [doc])).get(doc.id)!;
  if (!mayReadDocument(user, subject)) {
    throw new AppError('FORBIDDEN', 'This document is about another consultant’s buyer (or not yours to read).');
  }
}

/**
 * Whom each document is about, for the privacy rule: a receipt's payment (its deal's consultant, or
 * its registration's customer owner), an agreement's deal consultant, a plan's maker, a day-end's
 * cashier. One query per kind present, whatever the number of documents.
 */
export async function subjectsOf(db: Db, docs: readonly DocumentRef[]): Promise<Map<string, DocumentSubject>> {
  const ids = (kind: DocumentKind): string[] => [
    ...new Set(docs.filter((d) => d.kind === kind && UUID.test(d.entityId)).map((d) => d.entityId)),
  ];
  const [receiptIds, agreementIds, dayIds] = [ids('RECEIPT'), ids('AGREEMENT'), ids('DAY_END')];
  const [receipts, subscriptions, days] = await Promise.all([
    receiptIds.length
      ? db.receipt.findMany({
          where: { id: { in: receiptIds } },
          select: {
            id: true,
            payment: {
              select: {
                subscription: { select: { consultantId: true } },
                registration: { select: { customer: { select: { ownerId: true } } } },
              },
            },
          },
        })
      : [],
    agreementIds.length
      ? db.subscription.findMany({ where: { id: { in: agreementIds } }, select: { id: true, consultantId: true } })
      : [],
    dayIds.length ? db.dayClose.findMany({ where: { id: { in: dayIds } }, select: { id: true, cashierId: true } }) : [],
  ]);
  const receiptOf = new Map(
    receipts.map((r) => [
      r.id,
      { consultantId: r.payment.subscription?.consultantId, ownerId: r.payment.registration?.customer.ownerId },
    ]),
  );
  const consultantOf = new Map(subscriptions.map((s) => [s.id, s.consultantId]));
  const cashierOf = new Map(days.map((d) => [d.id, d.cashierId]));
  const out = new Map<string, DocumentSubject>();
  for (const d of docs) {
    // A record that is gone names nobody: only those who see every buyer (managers) read it.
    if (d.kind === 'RECEIPT') out.set(d.id, { kind: 'RECEIPT', person: receiptOf.get(d.entityId) ?? {} });
    else if (d.kind === 'AGREEMENT')
      out.set(d.id, { kind: 'AGREEMENT', person: { consultantId: consultantOf.get(d.entityId) ?? null } });
    else if (d.kind === 'PURCHASE_PLAN') out.set(d.id, { kind: 'PURCHASE_PLAN', createdById: d.createdById });
    else if (d.kind === 'DISPUTE_PACK') out.set(d.id, { kind: 'DISPUTE_PACK' });
    else out.set(d.id, { kind: 'DAY_END', cashierId: cashierOf.get(d.entityId) ?? null });
  }
  return out;
}
