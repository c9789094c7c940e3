/**
 * Tests that need audit rows the application could never produce — legacy rows, or a tamperer's
 * rewrite — make them the only way there is: as the table's owner, with the append-only trigger
 * disabled for one transaction (DDL; the application never runs it). docs/audit.md says what this
 * means for an attacker with the same rights.
 */
import type { Db } from '../../server/src/infra/db.js';

/** Run `statements` (raw SQL, trusted test text) with audit_events' append-only triggers off, in one transaction. */
export async function behindTheAuditRule(db: Db, ...statements: string[]): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('ALTER TABLE audit_events DISABLE TRIGGER USER');
    for (const statement of statements) await tx.$executeRawUnsafe(statement);
    await tx.$executeRawUnsafe('ALTER TABLE audit_events ENABLE TRIGGER USER');
  });
}
