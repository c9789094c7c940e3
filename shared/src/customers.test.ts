import { describe, expect, it } from 'vitest';
import {
  CUSTOMER_STATUS_COLORS,
  CUSTOMER_STATUS_ORDER,
  CUSTOMER_STATUSES,
  createCustomerSchema,
  createFollowUpSchema,
  customerListQuerySchema,
  hasReachedStatus,
  idNumberSchema,
  isValidResidentId,
  maskIdNumber,
  phoneDigits,
  shortlistBodySchema,
  updateCustomerSchema,
} from './customers.js';
import { maskPhone, mobilePhoneSchema, normalizePhone } from './phone.js';

const UUID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('normalizePhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+86-19912345678', '19912345678'],
    ['0086 13812345678', '13812345678'],
    ['8613812345678', '13812345678'],
    [' (138) 1234.5678 ', '13812345678'],
  ])('%s → %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each(['12812345678', '1381234567', '138123456789', '02112345678', '+1 4155550100', 'abc', ''])(
    'refuses %s',
    (input) => {
      expect(normalizePhone(input)).toBeNull();
    },
  );

  it('is a schema: valid input normalised, invalid input an issue', () => {
    expect(mobilePhoneSchema.parse('+86 138-1234-5678')).toBe('13812345678');
    const bad = mobilePhoneSchema.safeParse('12345');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/mobile/);
  });

  it('phoneDigits picks out phone-like search text', () => {
    expect(phoneDigits('138')).toBe('138');
    expect(phoneDigits('138-1234')).toBe('1381234');
    expect(phoneDigits('+8613812345678')).toBe('13812345678');
    expect(phoneDigits('张')).toBeNull();
    expect(phoneDigits('13')).toBeNull();
  });
});

describe('ID numbers', () => {
  it('validates the resident ID checksum, including X', () => {
    expect(isValidResidentId('11010519491231002X')).toBe(true);
    expect(isValidResidentId('110101199003071233')).toBe(true);
    expect(isValidResidentId('110101199003071234')).toBe(false);
    expect(isValidResidentId('11010519491231002Y')).toBe(false);
    expect(isValidResidentId('1101051949123100')).toBe(false);
  });

  it('schema: lower-case x and spaces accepted, wrong checksum refused, other documents 6–20 alnum', () => {
    expect(idNumberSchema.parse('110105 19491231 002x')).toBe('11010519491231002X');
    expect(idNumberSchema.safeParse('110101199003071234').success).toBe(false);
    expect(idNumberSchema.parse('e12345678')).toBe('E12345678');
    expect(idNumberSchema.safeParse('12345').success).toBe(false);
    expect(idNumberSchema.safeParse('AB-12345').success).toBe(false);
  });

  it('masks 18-character IDs as 110***********1234 and other lengths keeping the first 3 and last 4', () => {
    expect(maskIdNumber('110101199003071233')).toBe('110***********1233');
    expect(maskIdNumber('11010519491231002x')).toBe('110***********002X');
    expect(maskIdNumber('E12345678')).toBe('E12**5678');
    expect(maskIdNumber('1234567')).toBe('*******');
    expect(maskIdNumber('110101199003071233')).toHaveLength(18);
  });

  it('masks a mobile as 138****5678', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('1381234')).toBe('*******');
  });
});

describe('status order and colours', () => {
  it('has one colour per status and the funnel order', () => {
    expect(Object.keys(CUSTOMER_STATUS_COLORS).sort()).toEqual([...CUSTOMER_STATUSES].sort());
    expect(CUSTOMER_STATUS_ORDER).toEqual(['POTENTIAL', 'INTERESTED', 'SUBSCRIBED', 'SIGNED']);
    expect(new Set(Object.values(CUSTOMER_STATUS_COLORS).map((c) => c.bg)).size).toBe(4);
    expect(hasReachedStatus('SUBSCRIBED', 'INTERESTED')).toBe(true);
    expect(hasReachedStatus('POTENTIAL', 'INTERESTED')).toBe(false);
  });
});

describe('customer schemas', () => {
  it('create: normalises, defaults nothing it should not, and refuses a status', () => {
    const body = createCustomerSchema.parse({
      name: ' 张三 ',
      phone: '+86 138 1234 5678',
      idNumber: '11010519491231002x',
    });
    expect(body).toEqual({ name: '张三', phone: '13812345678', idNumber: '11010519491231002X' });
    const withStatus = createCustomerSchema.safeParse({ name: '张三', phone: '13812345678', status: 'SIGNED' });
    expect(withStatus.success).toBe(false);
  });

  it('create: refuses bad phones, budgets out of order, unknown channels', () => {
    expect(createCustomerSchema.safeParse({ name: '张三', phone: '12345' }).success).toBe(false);
    const budget = createCustomerSchema.safeParse({
      name: '张三',
      phone: '13812345678',
      budgetMin: 500,
      budgetMax: 100,
    });
    expect(budget.success).toBe(false);
    expect(budget.error?.issues[0]?.path).toEqual(['budgetMax']);
    expect(createCustomerSchema.safeParse({ name: '张三', phone: '13812345678', channel: 'TV' }).success).toBe(false);
    expect(createCustomerSchema.safeParse({ name: '张三', phone: '13812345678', budgetMin: 1.5 }).success).toBe(false);
  });

  it('update needs a version and never takes a status or an owner', () => {
    expect(updateCustomerSchema.safeParse({ name: 'x' }).success).toBe(false);
    expect(updateCustomerSchema.safeParse({ version: 1, status: 'SIGNED' }).success).toBe(false);
    expect(updateCustomerSchema.safeParse({ version: 1, ownerId: UUID(1) }).success).toBe(false);
    expect(updateCustomerSchema.parse({ version: 2, idNumber: null })).toEqual({ version: 2, idNumber: null });
  });

  it('shortlist: dedupes keeping the first occurrence, at most 20', () => {
    expect(shortlistBodySchema.parse({ unitIds: [UUID(2), UUID(1), UUID(2)] }).unitIds).toEqual([UUID(2), UUID(1)]);
    expect(shortlistBodySchema.safeParse({ unitIds: Array.from({ length: 21 }, (_, i) => UUID(i)) }).success).toBe(
      false,
    );
    expect(
      shortlistBodySchema.parse({ unitIds: [...Array.from({ length: 20 }, (_, i) => UUID(i)), UUID(0)] }).unitIds,
    ).toHaveLength(20);
    expect(shortlistBodySchema.safeParse({ unitIds: ['nope'] }).success).toBe(false);
  });

  it('follow-up: kind from the list, note required, ISO time', () => {
    expect(createFollowUpSchema.safeParse({ kind: 'CALL', note: '  ' }).success).toBe(false);
    expect(createFollowUpSchema.safeParse({ kind: 'FAX', note: 'x' }).success).toBe(false);
    expect(createFollowUpSchema.safeParse({ kind: 'VISIT', note: 'x', at: 'yesterday' }).success).toBe(false);
    expect(createFollowUpSchema.parse({ kind: 'CALL', note: ' 回电 ', at: '2026-11-27T09:00:00Z' })).toEqual({
      kind: 'CALL',
      note: '回电',
      at: '2026-11-27T09:00:00Z',
    });
  });

  it('list query: coerces numbers, owner is me/pool/uuid', () => {
    expect(customerListQuerySchema.parse({ limit: '10', idleDays: '14', owner: 'pool' })).toEqual({
      limit: 10,
      idleDays: 14,
      owner: 'pool',
    });
    expect(customerListQuerySchema.parse({}).limit).toBe(50);
    expect(customerListQuerySchema.safeParse({ owner: 'someone' }).success).toBe(false);
    expect(customerListQuerySchema.safeParse({ status: 'LOST' }).success).toBe(false);
  });
});
