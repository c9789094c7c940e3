/**
 * The database functions and triggers kept as source (server/src/selling/sql/*.sql, and the audit
 * trail's rule in server/src/audit-chain/sql/*.sql) are the ones the
 * migrations leave behind: for each, the latest migration's definition equals the source file's,
 * comments and whitespace aside. And the unit updates they make are steps of the transition table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { STORED_UNIT_STATUSES } from '@kaipan/shared';
import { describe, expect, it } from 'vitest';
import { storedTransition, type StoredUnitAction } from './unit-transitions.js';

const MIGRATIONS = new URL('../../../prisma/migrations/', import.meta.url);
const SOURCES = [new URL('./sql/', import.meta.url), new URL('../audit-chain/sql/', import.meta.url)];

/** SQL without `--` comments (outside quoted strings), whitespace runs collapsed. */
function normalise(sql: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'") quoted = !quoted;
    if (!quoted && c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      out += '\n';
      continue;
    }
    out += c;
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** Every `CREATE [OR REPLACE] FUNCTION name(…) … $$;` and `CREATE TRIGGER name … ;`, by kind and name. */
function definitions(sql: string): Map<string, string> {
  const text = normalise(sql);
  const found = new Map<string, string>();
  for (const m of text.matchAll(/CREATE (?:OR REPLACE )?FUNCTION (\w+)\(.*?\$\$.*?\$\$;/g))
    found.set(`function ${m[1]}`, m[0]);
  for (const m of text.matchAll(/CREATE TRIGGER (\w+) [^;]*;/g)) found.set(`trigger ${m[1]}`, m[0]);
  return found;
}

/** The definition each migration left last (migrations apply in name order). */
function latestInMigrations(): Map<string, { sql: string; migration: string }> {
  const latest = new Map<string, { sql: string; migration: string }>();
  const dirs = readdirSync(MIGRATIONS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const dir of dirs) {
    const sql = readFileSync(new URL(`${dir}/migration.sql`, MIGRATIONS), 'utf8');
    for (const [name, def] of definitions(sql)) latest.set(name, { sql: def, migration: dir });
  }
  return latest;
}

function sourceDefinitions(): Map<string, { sql: string; file: string }> {
  const all = new Map<string, { sql: string; file: string }>();
  for (const dir of SOURCES) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql'))) {
      for (const [name, def] of definitions(readFileSync(new URL(file, dir), 'utf8'))) {
        expect(all.has(name), `${name} defined twice in sql/`).toBe(false);
        all.set(name, { sql: def, file });
      }
    }
  }
  return all;
}

describe('SQL functions as source', () => {
  const migrations = latestInMigrations();
  const sources = sourceDefinitions();

  it('finds the hand-written functions and triggers in both places', () => {
    expect([...sources.keys()]).toEqual(
      expect.arrayContaining([
        'function kaipan_confirm',
        'function kaipan_bump_terms_version',
        'function kaipan_audit_append_only',
        'trigger audit_events_append_only',
      ]),
    );
    expect([...sources.keys()].sort()).toEqual([...migrations.keys()].sort());
  });

  it.each([...latestInMigrations().keys()])('%s: the source file says what the latest migration says', (name) => {
    const source = sources.get(name);
    const migration = migrations.get(name)!;
    expect(
      source,
      `${name} (last defined in ${migration.migration}) has no file in server/src/selling/sql/ or server/src/audit-chain/sql/`,
    ).toBeDefined();
    expect(source!.sql, `${source!.file} differs from ${migration.migration}: restate it in a new migration`).toBe(
      migration.sql,
    );
  });

  it('the normaliser ignores comments and spacing, not code', () => {
    expect(normalise("SELECT  1 -- one\n,\t'a -- b'")).toBe("SELECT 1 , 'a -- b'");
    expect(normalise('SELECT 1')).not.toBe(normalise('SELECT 2'));
  });

  it('every unit status the SQL functions write is a step of the transition table', () => {
    const steps = (['release', 'withhold', 'unwithhold', 'confirm', 'sign', 'cancel'] as StoredUnitAction[]).map((a) =>
      storedTransition(a),
    );
    let updates = 0;
    for (const { sql } of sources.values()) {
      for (const m of sql.matchAll(/UPDATE units(?: AS (\w+))? SET (.*?) WHERE (.*?)(?: RETURNING|;)/g)) {
        const to = /(?:^|, )status = '(\w+)'/.exec(m[2]!)?.[1];
        if (!to) continue;
        const from = /(?:\w+\.)?status = '(\w+)'/.exec(m[3]!)?.[1];
        expect(STORED_UNIT_STATUSES).toContain(to);
        expect(steps, `UPDATE units … ${from} → ${to}`).toContainEqual(expect.objectContaining({ from, to }));
        updates += 1;
      }
    }
    expect(updates).toBeGreaterThan(0);
  });
});
