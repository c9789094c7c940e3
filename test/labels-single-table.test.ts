/**
 * shared/src/labels.ts is THE zh/en table of the codes people read. This test scans the sources for
 * any other table of them — an object literal or a dictionary whose keys are three or more values of
 * one enum (`ACTIVE: ['已认购', …]`, `'deals.sub.ACTIVE': [...]`, `'manager.withholdChannelVIP': …`)
 * with Chinese words as values — so a second wording cannot creep back in next to the first.
 *
 * Tables keyed by codes that say something else than the code's name (a hint, an error sentence)
 * are listed in ALLOWED with the reason.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as labels from '../shared/src/labels.js';

const ROOT = join(import.meta.dirname, '..');
const SCANNED = ['client/src', 'kiosk/src', 'shared/src', 'shared/web', 'server/src', 'scripts'];
const LABELS_FILE = 'shared/src/labels.ts';

/** `file: group` → why the group may stay where it is. */
const ALLOWED: Record<string, string> = {
  'client/src/i18n/members.ts: members.roleHint.': 'one sentence per role saying what it may do, not its name',
  'client/src/i18n/devices.ts: devices.kindHint.': 'one sentence per device kind saying what it is for',
  'kiosk/src/i18n/cashier-desk.ts: lines.referenceHint.': 'which reference each payment method asks for',
  'kiosk/src/i18n/cashier-desk.ts: reason.': 'why the server refused (sentences), keyed by details.reason',
  'client/src/i18n/documents.ts: verify.status.':
    'the verification page headline and body about a scanned document, not the status name',
};

/** Every code set of labels.ts (each exported `*_LABELS` table), by table name. */
const ENUMS: [string, Set<string>][] = Object.entries(labels)
  .filter(([name, value]) => name.endsWith('_LABELS') && name !== 'ENUM_LABELS' && typeof value === 'object')
  .map(([name, table]) => [name, new Set(Object.keys(table as object))]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

const HAN = /\p{Script=Han}/u;
/** `'prefix.CODE': value` or `CODE: value` (the code may be glued to a camelCase prefix: withholdChannelVIP). */
const KEY = /^\s*(?:(['"])((?:[\w.-]*?[.a-z])?)([A-Z][A-Z0-9_]*)\1|([A-Z][A-Z0-9_]*))\s*:(.*)$/;

/** The label-like groups of one file: group name → codes keyed with Chinese values. */
function labelGroups(text: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  const lines = text.split('\n');
  let objectStart = 0;
  lines.forEach((line, i) => {
    const m = KEY.exec(line);
    if (!m) {
      if (/[{[(]\s*$/.test(line)) objectStart = i + 1;
      return;
    }
    const [, , prefix, quotedCode, bareCode, rest] = m;
    const code = (quotedCode ?? bareCode) as string;
    // The value may continue on the next line (a long entry).
    const value = `${rest}${/[[({]\s*$/.test(rest ?? '') ? (lines[i + 1] ?? '') : ''}`;
    if (!HAN.test(value)) return;
    const group = quotedCode !== undefined ? (prefix as string) : `{ at line ${objectStart} }`;
    groups.set(group, [...(groups.get(group) ?? []), code]);
  });
  return groups;
}

/** The enums (by labels.ts table) that at least three codes of a group belong to. */
function tablesOf(codes: string[]): string[] {
  return ENUMS.filter(([, values]) => codes.filter((c) => values.has(c)).length >= Math.min(3, values.size)).map(
    ([name]) => name,
  );
}

describe('labels.ts is the only zh/en table of the codes people read', () => {
  it('finds a table in the shapes it looks for (the scan itself works)', () => {
    const sample = [
      'const T = {',
      "  ACTIVE: ['已认购', 'Subscribed'],",
      "  CONTRACTED: ['已签约', 'Contracted'],",
      "  CHANGED: ['已换房', 'Unit changed'],",
      '};',
      "  'deals.sub.ACTIVE': ['已认购', 'Subscribed'],",
      "  'deals.sub.CANCELLED': [",
      "    '已退房',",
      "  'deals.sub.CHANGED': ['已换房', 'Unit changed'],",
      "  'm.channelVIP': ['VIP', 'VIP'],",
      "  'm.channelSTAFF': ['员工', 'Staff'],",
      "  'm.channelAGENT': ['渠道', 'Agent'],",
      "  'x.ok.ACTIVE': ['Active', 'Active'],",
    ].join('\n');
    const groups = labelGroups(sample);
    expect(tablesOf(groups.get('{ at line 1 }') ?? [])).toContain('SUBSCRIPTION_STATUS_LABELS');
    expect(tablesOf(groups.get('deals.sub.') ?? [])).toContain('SUBSCRIPTION_STATUS_LABELS');
    expect(groups.get('m.channel')).toEqual(['STAFF', 'AGENT']);
    expect(groups.has('x.ok.')).toBe(false);
  });

  it('no source file outside labels.ts keeps its own table', () => {
    const found: string[] = [];
    for (const file of SCANNED.flatMap(sourceFiles)) {
      const path = relative(ROOT, join(ROOT, file));
      if (path === LABELS_FILE) continue;
      for (const [group, codes] of labelGroups(readFileSync(join(ROOT, file), 'utf8'))) {
        const tables = tablesOf(codes);
        if (tables.length > 0 && !(`${path}: ${group}` in ALLOWED))
          found.push(`${path}: ${group} (${tables.join(', ')})`);
      }
    }
    expect(found, 'take these words from shared/src/labels.ts instead').toEqual([]);
  });
});
