import { describe, expect, it } from 'vitest';
import { interpolate, pickLocale } from './format.js';

describe('pickLocale / interpolate (client and kiosk)', () => {
  it('prefers a saved choice, then the first zh/en browser language, else zh-CN', () => {
    expect(pickLocale('en', ['zh-CN'])).toBe('en');
    expect(pickLocale(null, ['fr-FR', 'en-GB', 'zh-TW'])).toBe('en');
    expect(pickLocale('klingon', ['zh-HK'])).toBe('zh-CN');
    expect(pickLocale(null, ['de-DE'])).toBe('zh-CN');
  });

  it('fills known placeholders and leaves unknown ones', () => {
    expect(interpolate('剩余 {n}/{max} 套', { n: 1, max: 2 })).toBe('剩余 1/2 套');
    expect(interpolate('{a} and {b}', { a: 'x' })).toBe('x and {b}');
    expect(interpolate('plain')).toBe('plain');
  });
});
