import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BROADCAST_VIEWER,
  PERSON_FIELDS,
  PRIVACY_RULES,
  PUBLIC_VIEWER,
  broadcastName,
  mayOpenPersonRecord,
  mayReadDocument,
  personView,
  redactPersonalJson,
  showCoBuyers,
  showIdNumber,
  showName,
  showPhone,
  type FieldView,
  type Relation,
  type UserViewer,
  type ViewerClass,
} from './privacy.js';
import { ROLES } from './protocol.js';

const consultant = (id: string): UserViewer => ({ kind: 'user', id, role: 'CONSULTANT' });
const manager: UserViewer = { kind: 'user', id: 'm', role: 'MANAGER' };
const cashier: UserViewer = { kind: 'user', id: 'c', role: 'CASHIER' };
const board = { kind: 'device', deviceKind: 'BOARD' } as const;
const kiosk = { kind: 'device', deviceKind: 'KIOSK' } as const;

describe('the privacy rule', () => {
  it('a consultant sees their own buyers in full (ID masked) and anyone else’s with a masked phone and no ID', () => {
    const me = consultant('u1');
    expect(personView(me, { ownerId: 'u1' })).toEqual({ name: 'full', phone: 'full', idNumber: 'masked' });
    expect(personView(me, { consultantId: 'u1', ownerId: 'u2' })).toEqual({
      name: 'full',
      phone: 'full',
      idNumber: 'masked',
    });
    expect(personView(me, { ownerId: 'u2' })).toEqual({ name: 'full', phone: 'masked', idNumber: 'none' });
    expect(personView(me, { ownerId: null })).toEqual({ name: 'full', phone: 'masked', idNumber: 'none' });
    expect(personView(me, {})).toEqual({ name: 'full', phone: 'masked', idNumber: 'none' });
  });

  it('managers see everything, cashiers name and phone, devices a masked name, the public nothing', () => {
    expect(personView(manager, { ownerId: 'u2' })).toEqual({ name: 'full', phone: 'full', idNumber: 'full' });
    expect(personView(cashier, { ownerId: 'u2' })).toEqual({ name: 'full', phone: 'full', idNumber: 'masked' });
    for (const device of [board, kiosk])
      expect(personView(device, { ownerId: 'u2' })).toEqual({ name: 'masked', phone: 'none', idNumber: 'none' });
    expect(personView(PUBLIC_VIEWER, {})).toEqual({ name: 'none', phone: 'none', idNumber: 'none' });
    expect(personView(BROADCAST_VIEWER, {}).phone).toBe('none');
  });

  it('FINANCE sees names with masked phones and IDs; VIEWER and a user with no role in the project see masked only', () => {
    const subject = { ownerId: 'someone' };
    expect(personView({ kind: 'user', id: 'f', role: 'FINANCE' }, subject)).toEqual({
      name: 'full',
      phone: 'masked',
      idNumber: 'masked',
    });
    const masked = { name: 'masked', phone: 'masked', idNumber: 'none' };
    expect(personView({ kind: 'user', id: 'v', role: 'VIEWER' }, subject)).toEqual(masked);
    expect(personView({ kind: 'user', id: 'n', role: null }, subject)).toEqual(masked);
  });

  it('every staff role sees at least a masked name; no device or public viewer ever sees a phone or an ID', () => {
    for (const role of ROLES)
      for (const rel of ['own', 'other'] as const) expect(PRIVACY_RULES[role][rel].name).not.toBe('none');
    for (const cls of ['BOARD', 'KIOSK', 'CALLING', 'CASHIER_DESK', 'PUBLIC'] as const) {
      for (const rel of ['own', 'other'] as const)
        expect([PRIVACY_RULES[cls][rel].phone, PRIVACY_RULES[cls][rel].idNumber]).toEqual(['none', 'none']);
    }
  });

  it('applies a view to values', () => {
    expect(showName('full', '张三丰')).toBe('张三丰');
    expect(showName('masked', '张三丰')).toBe('张**');
    expect(showName('none', '张三丰')).toBeNull();
    expect(showPhone('full', '13812345678')).toBe('13812345678');
    expect(showPhone('masked', '13812345678')).toBe('138****5678');
    expect(showPhone('none', '13812345678')).toBeNull();
    expect(showPhone('full', null)).toBeNull();
    expect(showIdNumber('full', '110***********1234')).toBe('110***********1234');
    expect(showIdNumber('masked', '110101199003071233')).toBe('110***********1233'); // never clear
    expect(showIdNumber('none', '110***********1234')).toBeNull();
    expect(
      showCoBuyers({ name: 'full', phone: 'masked', idNumber: 'none' }, [
        { name: '李四', phone: '13900001111', relation: '配偶' },
        { name: '王五' },
      ]),
    ).toEqual([{ name: '李四', phone: '139****1111', relation: '配偶' }, { name: '王五' }]);
    expect(broadcastName('张三丰')).toBe('张**');
  });

  it('who opens a person record, who reads a document', () => {
    const me = consultant('u1');
    expect(mayOpenPersonRecord(me, { ownerId: 'u1' })).toBe(true);
    expect(mayOpenPersonRecord(me, { ownerId: null })).toBe(true); // the pool, to claim
    expect(mayOpenPersonRecord(me, { ownerId: 'u2' })).toBe(false);
    expect(mayOpenPersonRecord(cashier, { ownerId: 'u2' })).toBe(true);
    expect(mayOpenPersonRecord(board, { ownerId: 'u2' })).toBe(false);

    expect(mayReadDocument(me, { kind: 'AGREEMENT', person: { consultantId: 'u1' } })).toBe(true);
    expect(mayReadDocument(me, { kind: 'AGREEMENT', person: { consultantId: 'u2' } })).toBe(false);
    expect(mayReadDocument(me, { kind: 'RECEIPT', person: { ownerId: 'u1' } })).toBe(true);
    expect(mayReadDocument(me, { kind: 'PURCHASE_PLAN', createdById: 'u1' })).toBe(true);
    expect(mayReadDocument(me, { kind: 'PURCHASE_PLAN', createdById: 'u2' })).toBe(false);
    expect(mayReadDocument(me, { kind: 'DAY_END', cashierId: 'c' })).toBe(false);
    expect(mayReadDocument(cashier, { kind: 'AGREEMENT', person: { consultantId: 'u2' } })).toBe(true);
    expect(mayReadDocument(cashier, { kind: 'DAY_END', cashierId: 'c' })).toBe(true);
    expect(mayReadDocument(cashier, { kind: 'DAY_END', cashierId: 'c2' })).toBe(false);
    expect(mayReadDocument(cashier, { kind: 'PURCHASE_PLAN', createdById: 'u1' })).toBe(false);
    expect(mayReadDocument(manager, { kind: 'DAY_END', cashierId: 'c' })).toBe(true);
    for (const viewer of [board, kiosk, PUBLIC_VIEWER]) {
      for (const doc of [
        { kind: 'RECEIPT', person: {} },
        { kind: 'PURCHASE_PLAN', createdById: null },
        { kind: 'DAY_END', cashierId: null },
      ] as const) {
        expect(mayReadDocument(viewer, doc)).toBe(false);
      }
    }
  });

  it('redacts free-form JSON (audit, change requests): person keys, person objects and phones or IDs inside text', () => {
    const before = {
      phone: '13812345678',
      idNumberMasked: '110***********1234',
      name: '张三丰',
      unitCode: 'A-0101',
      buyer: { name: '李四光', phone: '13900001111' },
      reason: '新电话 13700002222, 证件 110101199003071233',
      plan: { name: '按揭' },
      payerName: '王五',
    };
    const other = redactPersonalJson(personView(consultant('u1'), { ownerId: 'u2' }), before);
    expect(other).toEqual({
      phone: '138****5678',
      idNumberMasked: null,
      name: '张三丰',
      unitCode: 'A-0101',
      buyer: { name: '李四光', phone: '139****1111' },
      reason: '新电话 137****2222, 证件 ******************',
      plan: { name: '按揭' },
      payerName: '王五',
    });
    const deviceView = redactPersonalJson(personView(board, {}), before);
    expect(deviceView).toMatchObject({
      phone: null,
      name: '张**',
      buyer: { name: '李**', phone: null },
      payerName: '王*',
      plan: { name: '按揭' },
    });
    expect(redactPersonalJson(personView(manager, {}), before)).toBe(before);
  });
});

// ── docs/privacy.md shows the rule: generated from PRIVACY_RULES, checked here ────────────────────

const CLASSES: { cls: ViewerClass; label: string }[] = [
  { cls: 'ADMIN', label: 'ADMIN' },
  { cls: 'MANAGER', label: 'MANAGER' },
  { cls: 'CASHIER', label: 'CASHIER' },
  { cls: 'CONSULTANT', label: 'CONSULTANT' },
  { cls: 'FINANCE', label: 'FINANCE' },
  { cls: 'VIEWER', label: 'VIEWER' },
  { cls: 'BOARD', label: 'BOARD (device)' },
  { cls: 'KIOSK', label: 'KIOSK (device)' },
  { cls: 'CALLING', label: 'CALLING (device)' },
  { cls: 'CASHIER_DESK', label: 'CASHIER_DESK (device)' },
  { cls: 'PUBLIC', label: 'public (no login)' },
];
const CELL: Record<FieldView, string> = { full: 'full', masked: 'masked', none: '—' };
const FIELD_LABEL = { name: 'name', phone: 'phone', idNumber: 'ID number' } as const;

/** The table of docs/privacy.md, as PRIVACY_RULES says it. */
function privacyTable(): string {
  const rels: Relation[] = ['own', 'other'];
  const head = ['viewer', ...rels.flatMap((rel) => PERSON_FIELDS.map((f) => `${FIELD_LABEL[f]} (${rel})`))];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const { cls, label } of CLASSES) {
    lines.push(
      `| ${[label, ...rels.flatMap((rel) => PERSON_FIELDS.map((f) => CELL[PRIVACY_RULES[cls][rel][f]]))].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

describe('docs/privacy.md', () => {
  it('shows the table PRIVACY_RULES holds, for every viewer class', () => {
    expect(CLASSES.map((c) => c.cls).sort()).toEqual(Object.keys(PRIVACY_RULES).sort());
    const doc = readFileSync(new URL('../../docs/privacy.md', import.meta.url), 'utf8');
    const begin = '<!-- privacy-table:begin -->';
    const end = '<!-- privacy-table:end -->';
    const table = doc.slice(doc.indexOf(begin) + begin.length, doc.indexOf(end)).trim();
    expect(table, `docs/privacy.md must hold, between the markers:\n${privacyTable()}`).toBe(privacyTable());
  });
});
