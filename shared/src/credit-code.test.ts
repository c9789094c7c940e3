import { describe, expect, it } from 'vitest';
import { creditCodeCheckCharacter, isValidCreditCode } from './credit-code.js';
import { createProjectBodySchema, isIanaTimeZone, payeeSchema } from './projects.js';

describe('unified social credit code 统一社会信用代码', () => {
  it('accepts published codes (the check character computed from the first 17)', () => {
    for (const code of ['91350100M000100Y43', '914403001922038216', '91110000600037341L']) {
      expect(isValidCreditCode(code)).toBe(true);
      expect(creditCodeCheckCharacter(code.slice(0, 17))).toBe(code[17]);
    }
  });

  it('refuses a wrong check character, a wrong length, letters outside the alphabet (I O S V Z) and lower case', () => {
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false);
    expect(isValidCreditCode('91350100M000100Y4')).toBe(false);
    expect(isValidCreditCode('91350100M000100Y433')).toBe(false);
    expect(isValidCreditCode('9135010OM000100Y43')).toBe(false);
    expect(isValidCreditCode('91350100m000100y43')).toBe(false);
  });

  it('the payee schema upper-cases the code before checking it', () => {
    const payee = {
      name: '某某置业有限公司',
      creditCode: ' 91350100m000100y43 ',
      bank: '工行',
      account: '6222 0000 1111',
    };
    expect(payeeSchema.parse(payee).creditCode).toBe('91350100M000100Y43');
  });
});

describe('project time zones', () => {
  it('are IANA zones the runtime knows', () => {
    expect(isIanaTimeZone('Asia/Shanghai')).toBe(true);
    expect(isIanaTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
    expect(isIanaTimeZone('UTC')).toBe(true);
    expect(isIanaTimeZone('Mars/Olympus')).toBe(false);
    expect(isIanaTimeZone('+08:00')).toBe(false);
    expect(isIanaTimeZone('')).toBe(false);
  });

  it('default to Asia/Shanghai on create', () => {
    expect(createProjectBodySchema.parse({ name: '项目' })).toMatchObject({
      timezone: 'Asia/Shanghai',
      nameEn: '',
      city: '',
    });
  });
});
