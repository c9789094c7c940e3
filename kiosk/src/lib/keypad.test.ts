import { describe, expect, it } from 'vitest';
import { mobilePhoneSchema } from '@kaipan/shared';
import {
  checkPhone,
  formatPhone,
  keyFromKeyboard,
  parseRegistrationQr,
  pressKey,
  registrationFromDigits,
  PHONE_DIGITS,
} from './keypad';

describe('keypad state', () => {
  it('appends digits up to the limit, deletes one, clears all', () => {
    let d = '';
    for (const k of '1381234567899') d = pressKey(d, k as '1', PHONE_DIGITS);
    expect(d).toBe('13812345678');
    expect(pressKey(d, 'del', PHONE_DIGITS)).toBe('1381234567');
    expect(pressKey(d, 'clear', PHONE_DIGITS)).toBe('');
    expect(pressKey('', 'del', PHONE_DIGITS)).toBe('');
  });

  it('maps a physical keyboard to keypad keys', () => {
    expect(keyFromKeyboard('7')).toBe('7');
    expect(keyFromKeyboard('Backspace')).toBe('del');
    expect(keyFromKeyboard('Escape')).toBe('clear');
    expect(keyFromKeyboard('a')).toBeNull();
  });
});

describe('phone display and validation', () => {
  it('groups 3-4-4 while typing', () => {
    expect(formatPhone('')).toBe('');
    expect(formatPhone('138')).toBe('138');
    expect(formatPhone('1381')).toBe('138 1');
    expect(formatPhone('13812345678')).toBe('138 1234 5678');
  });

  it('agrees with the server schema on complete numbers', () => {
    for (const digits of ['13812345678', '19912345678', '12812345678', '23812345678', '10000000000']) {
      const check = checkPhone(digits);
      const server = mobilePhoneSchema.safeParse(digits);
      expect(check.state === 'valid').toBe(server.success);
      if (check.state === 'valid' && server.success) expect(check.phone).toBe(server.data);
    }
  });

  it('reports a wrong start at once, and stays quiet while a good number is incomplete', () => {
    expect(checkPhone('')).toEqual({ state: 'incomplete', badStart: false });
    expect(checkPhone('13')).toEqual({ state: 'incomplete', badStart: false });
    expect(checkPhone('2')).toEqual({ state: 'incomplete', badStart: true });
    expect(checkPhone('12')).toEqual({ state: 'incomplete', badStart: true });
    expect(checkPhone('12812345678')).toEqual({ state: 'invalid' });
  });
});

describe('registration numbers', () => {
  it('typed digits become R-numbers', () => {
    expect(registrationFromDigits('7')).toBe('R0007');
    expect(registrationFromDigits('0012')).toBe('R0012');
    expect(registrationFromDigits('123456')).toBe('R123456');
    expect(registrationFromDigits('')).toBeNull();
    expect(registrationFromDigits('000')).toBeNull();
  });

  it('finds the number in scanned codes and refuses anything else', () => {
    expect(parseRegistrationQr('R0007')).toBe('R0007');
    expect(parseRegistrationQr(' r7 ')).toBe('R0007');
    expect(parseRegistrationQr('KAIPAN-REG:R0042')).toBe('R0042');
    expect(parseRegistrationQr('https://kaipan.example.com/r?registrationNo=R0101')).toBe('R0101');
    expect(parseRegistrationQr('https://kaipan.example.com/r?reg=15')).toBe('R0015');
    expect(parseRegistrationQr('https://kaipan.example.com/q/abc')).toBeNull();
    expect(parseRegistrationQr('hello')).toBeNull();
    expect(parseRegistrationQr('R0000')).toBeNull();
    expect(parseRegistrationQr('')).toBeNull();
  });
});
