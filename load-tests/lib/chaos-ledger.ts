/**
 * The chaos suite's client-side ledger and its reconciliation with PostgreSQL (pure, no I/O).
 *
 * The ledger holds only what the server ACKNOWLEDGED (an HTTP 2xx that reached the client): a sale
 * (confirm → subscription) and a payment (idempotency key → payment id and receipt label). An
 * operation whose answer was lost with a killed process may or may not be committed — it is not in
 * the ledger, and the database may hold it (the cashier retries with the same idempotency key, so
 * a committed-but-unanswered payment is answered on the retry, never recorded twice).
 *
 * `reconcile` states what must hold afterwards: no unit sold twice, every acknowledged sale live,
 * every acknowledged payment and receipt in the database exactly once with the amount and number
 * the client was told, and nothing in the database the client never asked for.
 */

/** A confirm answered 200. */
export interface AckedSale {
  unitId: string;
  subscriptionId: string;
}

/** A payment answered 201 (or 200: a replay of the same key). */
export interface AckedPayment {
  idempotencyKey: string;
  paymentId: string;
  subscriptionId: string;
  amount: number;
  /** Printed receipt number, e.g. KP2026-000031. */
  receipt: string | null;
}

/** Every acknowledged operation of one chaos run. */
export class ChaosLedger {
  readonly sales: AckedSale[] = [];
  /** By idempotency key: the first acknowledgement. */
  readonly payments = new Map<string, AckedPayment>();
  /** Keys ever sent (acknowledged or not). */
  readonly attemptedKeys = new Set<string>();
  /** A key acknowledged twice with different payments or receipts: a duplicate the server admitted. */
  readonly conflictingAcks: string[] = [];

  sale(ack: AckedSale): void {
    this.sales.push(ack);
  }

  attempt(idempotencyKey: string): void {
    this.attemptedKeys.add(idempotencyKey);
  }

  payment(ack: AckedPayment): void {
    this.attemptedKeys.add(ack.idempotencyKey);
    const first = this.payments.get(ack.idempotencyKey);
    if (!first) this.payments.set(ack.idempotencyKey, ack);
    else if (first.paymentId !== ack.paymentId || first.receipt !== ack.receipt || first.amount !== ack.amount)
      this.conflictingAcks.push(ack.idempotencyKey);
  }
}

/** What PostgreSQL holds after the run. */
export interface DatabaseFacts {
  /** ACTIVE or CONTRACTED subscriptions of the project. */
  liveSubscriptions: { id: string; unitId: string }[];
  /** Payments whose idempotency key the chaos run could have sent (its key prefix). */
  payments: {
    id: string;
    idempotencyKey: string;
    subscriptionId: string | null;
    amount: number;
    receipt: string | null;
  }[];
}

export interface Reconciliation {
  /** Units with more than one live subscription. */
  soldTwice: string[];
  /** Acknowledged sales not live in PostgreSQL (or on another unit). */
  lostSales: string[];
  /** Acknowledged payments missing, or with another id/amount/receipt in PostgreSQL. */
  lostPayments: string[];
  /** Keys with more than one payment, subscriptions paid twice by the run, keys acknowledged twice differently. */
  duplicatedPayments: string[];
  /** Receipt labels printed on more than one payment. */
  duplicatedReceipts: string[];
  /** Payments in PostgreSQL under a key the client never sent. */
  unknownPayments: string[];
  /** Committed payments whose answer was lost (allowed; the client would see them on a retry). */
  committedUnacknowledged: number;
}

function duplicates<T>(values: T[]): T[] {
  const seen = new Set<T>();
  const twice = new Set<T>();
  for (const v of values) (seen.has(v) ? twice : seen).add(v);
  return [...twice];
}

export function reconcile(ledger: ChaosLedger, db: DatabaseFacts): Reconciliation {
  const liveById = new Map(db.liveSubscriptions.map((s) => [s.id, s]));
  const byKey = new Map<string, DatabaseFacts['payments']>();
  for (const p of db.payments) byKey.set(p.idempotencyKey, [...(byKey.get(p.idempotencyKey) ?? []), p]);

  const lostPayments: string[] = [];
  for (const [key, ack] of ledger.payments) {
    const rows = byKey.get(key) ?? [];
    const row = rows.find((r) => r.id === ack.paymentId);
    if (!row || row.amount !== ack.amount || row.receipt !== ack.receipt || row.subscriptionId !== ack.subscriptionId)
      lostPayments.push(key);
  }
  return {
    soldTwice: duplicates(db.liveSubscriptions.map((s) => s.unitId)),
    lostSales: ledger.sales
      .filter((s) => liveById.get(s.subscriptionId)?.unitId !== s.unitId)
      .map((s) => s.subscriptionId),
    lostPayments,
    duplicatedPayments: [
      ...[...byKey].filter(([, rows]) => rows.length > 1).map(([key]) => key),
      ...duplicates(db.payments.flatMap((p) => (p.subscriptionId ? [p.subscriptionId] : []))).map(
        (id) => `subscription ${id}`,
      ),
      ...ledger.conflictingAcks,
    ],
    duplicatedReceipts: duplicates(db.payments.flatMap((p) => (p.receipt ? [p.receipt] : []))),
    unknownPayments: db.payments.filter((p) => !ledger.attemptedKeys.has(p.idempotencyKey)).map((p) => p.id),
    committedUnacknowledged: db.payments.filter((p) => !ledger.payments.has(p.idempotencyKey)).length,
  };
}

/** True when nothing in the reconciliation is wrong (committed-but-unanswered payments are allowed). */
export function reconciled(r: Reconciliation): boolean {
  return (
    r.soldTwice.length +
      r.lostSales.length +
      r.lostPayments.length +
      r.duplicatedPayments.length +
      r.duplicatedReceipts.length +
      r.unknownPayments.length ===
    0
  );
}

/**
 * Units a screen shows differently from PostgreSQL. A lock lives only in Redis (PostgreSQL says
 * AVAILABLE), so a LOCKED unit on screen matches an AVAILABLE one in the database.
 */
export function viewMismatches(truth: Map<string, string>, shown: Map<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const [id, status] of truth) {
    const seen = shown.get(id);
    const same = status === 'AVAILABLE' ? seen === 'AVAILABLE' || seen === 'LOCKED' : seen === status;
    if (!same) out.push(`${id}: database ${status}, shown ${seen ?? 'nothing'}`);
  }
  return out;
}
