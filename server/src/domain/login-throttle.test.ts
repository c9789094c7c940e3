import { describe, expect, it } from 'vitest';
import { DEVICE_COOKIE_MAX_AGE_S, deviceCookieName, issueDeviceCookie, verifyDeviceCookie } from './device-cookie.js';
import { LOGIN_THROTTLE, addressSource, loginDelayMs, loginDelaySchedule, throttleSource } from './login-throttle.js';

describe('sign-in backoff', () => {
  it('is free for 5 failures, then doubles from 1 s up to 15 min', () => {
    expect([0, 1, 4, 5, 6, 7, 8].map((n) => loginDelayMs(n))).toEqual([0, 0, 0, 1_000, 2_000, 4_000, 8_000]);
    expect(loginDelayMs(14)).toBe(512_000);
    expect(loginDelayMs(15)).toBe(LOGIN_THROTTLE.maxDelayMs);
    expect(loginDelayMs(10_000)).toBe(LOGIN_THROTTLE.maxDelayMs);
  });

  it('the schedule the Redis script indexes ends at the first capped wait', () => {
    const schedule = loginDelaySchedule();
    expect(schedule.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 1_000, 2_000]);
    expect(schedule.at(-1)).toBe(LOGIN_THROTTLE.maxDelayMs);
    expect(schedule.filter((d) => d === LOGIN_THROTTLE.maxDelayMs)).toHaveLength(1);
    schedule.forEach((d, n) => expect(d).toBe(loginDelayMs(n)));
  });
});

describe('sign-in sources', () => {
  it('counts IPv4 as is, IPv4-mapped IPv6 as IPv4, IPv6 by its /64', () => {
    expect(addressSource('198.51.100.7')).toBe('198.51.100.7');
    expect(addressSource('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(addressSource('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3:8d3::/64');
    expect(addressSource('2001:db8:85a3:08d3::1')).toBe('2001:db8:85a3:8d3::/64');
    expect(addressSource('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressSource('::1')).toBe('0:0:0:0::/64');
    expect(addressSource('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('a trusted device is its own source, whatever its address', () => {
    expect(throttleSource({ trustedDevice: 'abcDEF123456', ip: '198.51.100.7' })).toBe('device:abcDEF123456');
    expect(throttleSource({ trustedDevice: null, ip: '198.51.100.7' })).toBe('addr:198.51.100.7');
  });
});

describe('trusted-device cookies', () => {
  const secret = 'x'.repeat(40);
  const now = Date.UTC(2026, 11, 7);
  const cookie = issueDeviceCookie(secret, 'manager', 'dev-0123456789', now);

  it('verify for the user they were issued to, until they expire', () => {
    expect(verifyDeviceCookie(secret, cookie, 'manager', now + 1_000)).toBe('dev-0123456789');
    expect(verifyDeviceCookie(secret, cookie, 'c001', now)).toBeNull();
    expect(verifyDeviceCookie(secret, cookie, 'manager', now + DEVICE_COOKIE_MAX_AGE_S * 1000)).toBeNull();
    expect(verifyDeviceCookie(secret, undefined, 'manager', now)).toBeNull();
  });

  it('cannot be forged or taken from another key', () => {
    const [v, , sig] = cookie.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'admin', d: 'dev-0123456789', iat: now / 1000 })).toString(
      'base64url',
    );
    expect(verifyDeviceCookie(secret, `${v}.${forged}.${sig}`, 'admin', now)).toBeNull();
    expect(verifyDeviceCookie('y'.repeat(40), cookie, 'manager', now)).toBeNull();
    expect(verifyDeviceCookie(secret, 'garbage', 'manager', now)).toBeNull();
  });

  it('one cookie name per username', () => {
    expect(deviceCookieName('manager')).toMatch(/^kaipan_dev_[0-9a-f]{16}$/);
    expect(deviceCookieName('manager')).not.toBe(deviceCookieName('cashier'));
  });
});
