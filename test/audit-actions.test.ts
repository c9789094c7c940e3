/**
 * Every audit action the server writes has a sentence in zh-CN and en (shared/src/audit-actions.ts):
 * the server's sources are read for the actions they write — quoted literals shaped like an action
 * (`'unit.lock'`, also in SQL functions and ternaries), the stored unit transitions written as
 * `unit.<action>` and the approval kinds' actions — so a new action without a sentence fails here,
 * before a manager ever sees a raw key.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, AUDIT_TOPIC_LABELS, AUDIT_TOPICS, UNIT_ACTIONS, auditSentence } from '@kaipan/shared';
import { CHANGE_REQUEST, PRICE_APPROVAL, PRICE_LIST, RECEIPT_VOID } from '../server/src/approvals/kinds.js';

const ROOTS = ['server/src', 'scripts'];
/** Quoted dotted lower-case words: how every action is written. */
const LITERAL = /(['"])([a-z][a-z_]*(?:\.[a-z][a-z_-]*)+)\1/g;
/** Dotted literals that are not actions: file names, module names, SQL columns of a one-letter alias (`s.first_number`). */
const NOT_ACTION = /\.(css|js|mjs|html|sql|toml|pid|prisma|wasm|lua|json|ts|io)$|^[a-z]\./;
/** Dotted literals that are not actions either: a document refresh's reason (documents/README: `refresh`). */
const NOT_ACTIONS = new Set(['deposit.not_received']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'generated' ? [] : sources(path);
    return /\.(ts|sql)$/.test(d.name) && !d.name.endsWith('.test.ts') ? [path] : [];
  });
}

function writtenActions(): Set<string> {
  const found = new Set<string>();
  for (const file of ROOTS.flatMap(sources)) {
    for (const m of readFileSync(file, 'utf8').matchAll(LITERAL))
      if (!NOT_ACTION.test(m[2]!) && !NOT_ACTIONS.has(m[2]!)) found.add(m[2]!);
  }
  // `unit.${action}` (selling/unit-transitions.ts) and the approval kinds' actions (approvals/kinds.ts).
  for (const a of UNIT_ACTIONS) if (!['lock', 'unlock', 'expire', 'release'].includes(a)) found.add(`unit.${a}`);
  for (const kind of [PRICE_APPROVAL, CHANGE_REQUEST, RECEIPT_VOID, PRICE_LIST])
    for (const a of Object.values(kind.actions)) found.add(a);
  return found;
}

describe('audit sentences', () => {
  it('cover every action written anywhere in the server, in both languages', () => {
    const written = writtenActions();
    // The scan sees the actions it must (a scan that found nothing would prove nothing).
    for (const a of ['unit.lock', 'unit.confirm', 'payment.record', 'subscription.deposit_due', 'unit.withhold'])
      expect(written).toContain(a);
    const missing = [...written].filter((a) => !Object.hasOwn(AUDIT_ACTIONS, a));
    expect(missing, 'actions without a sentence in shared/src/audit-actions.ts').toEqual([]);
  });

  it('are real sentences: both languages, the actor named where someone acted, no raw key', () => {
    for (const [action, spec] of Object.entries(AUDIT_ACTIONS)) {
      const [zh, en] = spec.sentence;
      expect(zh, action).toMatch(/[\u4e00-\u9fff]/);
      expect(en, action).toMatch(/^[\x20-\x7e]+$/);
      expect(zh.includes('{actor}'), `${action}: both languages name the actor, or neither`).toBe(
        en.includes('{actor}'),
      );
      expect(zh.includes('{target}'), `${action}: both languages name the target, or neither`).toBe(
        en.includes('{target}'),
      );
      const entry = { action, actor: { kind: 'user', name: '王经理', id: null }, target: '1-1802' };
      for (const lang of ['zh-CN', 'en'] as const) {
        const s = auditSentence(entry, lang);
        expect(s, action).not.toContain(action);
        expect(s, action).not.toMatch(/[{}]/);
      }
    }
    for (const topic of AUDIT_TOPICS) expect(AUDIT_TOPIC_LABELS[topic]).toHaveLength(2);
  });
});
