/** The chaos suite's reconciliation rules (load-tests/lib/chaos-ledger.ts), on hand-made ledgers. */
import { describe, expect, it } from 'vitest';
import { ChaosLedger, type DatabaseFacts, reconcile, reconciled, viewMismatches } from './lib/chaos-ledger.js';

function ledger(): ChaosLedger {
  const l = new ChaosLedger();
  l.sale({ unitId: 'u1', subscriptionId: 's1' });
  l.sale({ unitId: 'u2', subscriptionId: 's2' });
  l.payment({ idempotencyKey: 'k1', paymentId: 'p1', subscriptionId: 's1', amount: 100, receipt: 'R-1' });
  l.attempt('k2'); // its answer was lost with a killed hub
  return l;
}

const clean: DatabaseFacts = {
  liveSubscriptions: [
    { id: 's1', unitId: 'u1' },
    { id: 's2', unitId: 'u2' },
  ],
  payments: [
    { id: 'p1', idempotencyKey: 'k1', subscriptionId: 's1', amount: 100, receipt: 'R-1' },
    { id: 'p2', idempotencyKey: 'k2', subscriptionId: 's2', amount: 100, receipt: 'R-2' },
  ],
};

describe('chaos ledger reconciliation', () => {
  it('ledger = database; a committed payment whose answer was lost is allowed and counted', () => {
    const r = reconcile(ledger(), clean);
    expect(reconciled(r)).toBe(true);
    expect(r.committedUnacknowledged).toBe(1);
  });

  it('finds a unit sold twice and an acknowledged sale that is not live', () => {
    const r = reconcile(ledger(), {
      ...clean,
      liveSubscriptions: [
        { id: 's1', unitId: 'u1' },
        { id: 's3', unitId: 'u1' },
      ],
    });
    expect(r.soldTwice).toEqual(['u1']);
    expect(r.lostSales).toEqual(['s2']);
    expect(reconciled(r)).toBe(false);
  });

  it('finds a lost payment, one with another receipt, and a duplicated receipt', () => {
    expect(reconcile(ledger(), { ...clean, payments: clean.payments.slice(1) }).lostPayments).toEqual(['k1']);
    const renumbered = reconcile(ledger(), {
      ...clean,
      payments: [{ ...clean.payments[0]!, receipt: 'R-2' }, clean.payments[1]!],
    });
    expect(renumbered.lostPayments).toEqual(['k1']);
    expect(renumbered.duplicatedReceipts).toEqual(['R-2']);
  });

  it('finds duplicated payments: one key twice, one subscription paid twice, a key acknowledged twice differently', () => {
    const l = ledger();
    l.payment({ idempotencyKey: 'k1', paymentId: 'p9', subscriptionId: 's1', amount: 100, receipt: 'R-9' });
    const r = reconcile(l, {
      ...clean,
      payments: [
        ...clean.payments,
        { id: 'p3', idempotencyKey: 'k2', subscriptionId: 's2', amount: 100, receipt: 'R-3' },
      ],
    });
    expect(r.duplicatedPayments).toEqual(['k2', 'subscription s2', 'k1']);
    expect(reconciled(r)).toBe(false);
  });

  it('finds a payment under a key the client never sent', () => {
    const r = reconcile(ledger(), {
      ...clean,
      payments: [...clean.payments, { id: 'p4', idempotencyKey: 'k4', subscriptionId: null, amount: 5, receipt: null }],
    });
    expect(r.unknownPayments).toEqual(['p4']);
  });

  it('a board showing a lock equals an AVAILABLE unit; anything else differs', () => {
    const truth = new Map([
      ['u1', 'AVAILABLE'],
      ['u2', 'SOLD'],
      ['u3', 'AVAILABLE'],
    ]);
    expect(
      viewMismatches(
        truth,
        new Map([
          ['u1', 'LOCKED'],
          ['u2', 'SOLD'],
          ['u3', 'AVAILABLE'],
        ]),
      ),
    ).toEqual([]);
    expect(viewMismatches(truth, new Map([['u2', 'AVAILABLE']]))).toEqual([
      'u1: database AVAILABLE, shown nothing',
      'u2: database SOLD, shown AVAILABLE',
      'u3: database AVAILABLE, shown nothing',
    ]);
  });
});
