import { describe, expect, it } from 'vitest';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from './password-policy.js';

describe('password policy', () => {
  it('accepts a long password that is not the username nor a common one', () => {
    expect(passwordProblem('lotus-pond-1987', 'wang.fang')).toBeNull();
    expect(passwordProblem('开盘当天一定顺利的密码', 'wang.fang')).toBeNull();
  });

  it('counts characters, not UTF-16 units', () => {
    expect(passwordProblem('密码密码密码密码密', 'x1')).toBe('TOO_SHORT');
    expect(passwordProblem('😀'.repeat(PASSWORD_MIN_LENGTH), 'x1')).toBe('TOO_COMMON');
    expect(passwordProblem('😀🙂'.repeat(PASSWORD_MIN_LENGTH / 2), 'x1')).toBeNull();
  });

  it('names the first rule broken', () => {
    expect(passwordProblem('a'.repeat(PASSWORD_MIN_LENGTH - 1), 'bob')).toBe('TOO_SHORT');
    expect(passwordProblem('ab'.repeat(PASSWORD_MAX_LENGTH), 'bob')).toBe('TOO_LONG');
    expect(passwordProblem('Wang.Fang-2026!', 'wang.fang')).toBe('CONTAINS_USERNAME');
    expect(passwordProblem('1234567890', 'bob')).toBe('TOO_COMMON');
    expect(passwordProblem('kaipan-admin', 'root')).toBe('TOO_COMMON');
    expect(passwordProblem('zzzzzzzzzzzz', 'bob')).toBe('TOO_COMMON');
  });

  it('a username of one or two characters is not searched for (every password would contain it)', () => {
    expect(passwordProblem('a-long-enough-one', 'on')).toBeNull();
  });
});
