import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditChangeText } from './audit-log.js';
import { ENUM_LABELS, type Label } from './labels.js';

/** Every enum of prisma/schema.prisma with its values (`enum Name { A /// doc \n B }`). */
function prismaEnums(): Map<string, string[]> {
  const schema = readFileSync(join(import.meta.dirname, '../../prisma/schema.prisma'), 'utf8');
  const enums = new Map<string, string[]>();
  for (const [, name, body] of schema.matchAll(/^enum (\w+) \{([^}]*)\}/gm)) {
    const values = (body as string)
      .split('\n')
      .map((line) => line.replace(/\/\/.*$/, '').trim())
      .filter((line) => line !== '' && !line.startsWith('@@'));
    enums.set(name as string, values);
  }
  return enums;
}

/** Codes a table adds to its Prisma enum: a lock lives in Redis; the install administrator is `users.admin`. */
const ADDED: Record<string, string[]> = { UnitStatus: ['LOCKED'], ProjectRole: ['ADMIN'] };

describe('labels.ts names every value of every Prisma enum', () => {
  const enums = prismaEnums();

  it('reads the schema', () => {
    expect(enums.get('PaymentMethod')).toContain('BANK_CARD');
    expect(enums.size).toBeGreaterThan(20);
  });

  it('has a table for each enum, with a zh and an en label for each value and no stale code', () => {
    const problems: string[] = [];
    for (const [name, values] of enums) {
      const table = (ENUM_LABELS as Record<string, Readonly<Record<string, Label>>>)[name];
      if (!table) {
        problems.push(`${name}: no table in ENUM_LABELS`);
        continue;
      }
      for (const value of values) {
        const label = table[value];
        if (!label?.zh.trim() || !label.en.trim()) problems.push(`${name}.${value}: missing zh or en`);
      }
      const extra = Object.keys(table).filter((code) => !values.includes(code) && !ADDED[name]?.includes(code));
      for (const code of extra) problems.push(`${name}.${code}: labelled but not in the schema`);
    }
    for (const name of Object.keys(ENUM_LABELS))
      if (!enums.has(name)) problems.push(`${name}: not an enum of the schema`);
    expect(problems).toEqual([]);
  });

  it('names each code of one table differently (two statuses never read the same)', () => {
    const clashes: string[] = [];
    for (const [name, table] of Object.entries(ENUM_LABELS)) {
      const labels = Object.values(table as Readonly<Record<string, Label>>);
      for (const lang of ['zh', 'en'] as const) {
        const words = labels.map((l) => l[lang]);
        if (new Set(words).size !== words.length) clashes.push(`${name} (${lang}): ${words.join(', ')}`);
      }
    }
    expect(clashes).toEqual([]);
  });
});

describe('the audit log words codes from labels.ts', () => {
  const change = (action: string, before: unknown, after: unknown, lang: 'zh-CN' | 'en' = 'zh-CN') =>
    auditChangeText({ action, before, after }, lang, 'Asia/Shanghai');

  it('picks the table of a status by the event entity', () => {
    expect(change('subscription.cancel', { status: 'ACTIVE' }, { status: 'CANCELLED' })).toBe('状态 已认购 → 已退房');
    expect(change('registration.cancel', { status: 'ACTIVE' }, { status: 'CANCELLED' })).toBe('状态 有效 → 已取消');
    expect(change('payment.void', { status: 'RECORDED' }, { status: 'VOIDED' }, 'en')).toBe('Status Recorded → Voided');
  });

  it('words codes met without a table of their own when every table agrees, and leaves letters alone', () => {
    expect(change('subscription.confirm', null, { lines: [{ method: 'BANK_CARD' }] })).toContain('银行卡');
    expect(change('queue.category_add', null, { prefix: 'A' }, 'en')).toBe('prefix A');
  });
});
