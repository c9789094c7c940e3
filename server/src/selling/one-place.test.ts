/**
 * A unit's status changes only in the selling core (server/src/selling): no other server file writes
 * `units.status`, in SQL or through Prisma. Prices, facts and batch membership may be written
 * elsewhere; the status may not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const SERVER_SRC = new URL('../', import.meta.url);

function sourceFiles(dir: URL, rel = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) {
      return entry.name === 'generated' || entry.name === 'selling'
        ? []
        : sourceFiles(new URL(`${entry.name}/`, dir), `${rel}${entry.name}/`);
    }
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [`${rel}${entry.name}`] : [];
  });
}

/** SQL `UPDATE units … SET … status =` or Prisma `unit.update…({ … data: { … status` in a file. */
function statusWrites(text: string): string[] {
  const sql = [
    ...text.matchAll(/UPDATE\s+units\b(?:(?!\bWHERE\b)[^`;])*?\bSET\b(?:(?!\bWHERE\b)[^`;])*?\bstatus\s*=/gi),
  ].map((m) => m[0]);
  const prisma = [...text.matchAll(/\.unit\.(?:update|updateMany|upsert)\(\{[^;]*?data:\s*\{[^}]*\bstatus\b/g)].map(
    (m) => m[0],
  );
  return [...sql, ...prisma];
}

describe('unit status writes', () => {
  it('the detector sees both forms', () => {
    expect(statusWrites("sql`UPDATE units SET status = 'AVAILABLE' WHERE id = 1`")).toHaveLength(1);
    expect(statusWrites("tx.unit.updateMany({ where: { id }, data: { status: 'AVAILABLE' } })")).toHaveLength(1);
    expect(statusWrites("UPDATE units u SET list_price = e.list_price WHERE u.status = 'AVAILABLE'")).toHaveLength(0);
  });

  it('happen only in server/src/selling', () => {
    const offenders = sourceFiles(SERVER_SRC).flatMap((file) =>
      statusWrites(readFileSync(new URL(file, SERVER_SRC), 'utf8')).map((w) => `${file}: ${w.slice(0, 80)}`),
    );
    expect(offenders).toEqual([]);
  });
});
