/**
 * The registry and its documentation say the same thing: docs/protocol.md's error table lists every
 * registered code once, with the registry's HTTP status, and no code the registry lacks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_HTTP_STATUS, ERROR_MESSAGES, isErrorCode } from './errors.js';

/** The rows `| CODE | status | meaning |` of the table under "## Errors". */
function documentedErrors(): { code: string; status: number; meaning: string }[] {
  const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
  const section = doc.split('\n## Errors\n')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/^\| ([A-Z_]+) \| (\d{3}) \| (.*) \|$/gm)].map((m) => ({
    code: m[1]!,
    status: Number(m[2]),
    meaning: m[3]!.trim(),
  }));
}

describe('docs/protocol.md "Errors" = shared/src/errors.ts', () => {
  const rows = documentedErrors();

  it('documents every registered code once, and no other', () => {
    const codes = rows.map((r) => r.code);
    expect(
      codes.filter((c, i) => codes.indexOf(c) !== i),
      'documented twice',
    ).toEqual([]);
    expect(
      codes.filter((c) => !isErrorCode(c)),
      'documented but not in the registry',
    ).toEqual([]);
    expect(
      ERROR_CODES.filter((c) => !codes.includes(c)),
      'registered but not documented',
    ).toEqual([]);
  });

  it('with the HTTP status the registry answers, and a meaning', () => {
    for (const row of rows) {
      if (!isErrorCode(row.code)) continue;
      expect(row.status, row.code).toBe(ERROR_HTTP_STATUS[row.code]);
      expect(row.meaning.length, `${row.code} has a meaning`).toBeGreaterThan(10);
    }
  });

  it('every code has a default message', () => {
    for (const code of ERROR_CODES) expect(ERROR_MESSAGES[code], code).toMatch(/\S/);
  });
});
