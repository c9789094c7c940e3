import { describe, expect, it } from 'vitest';
import { CLIENT_ERROR_CODES, ERROR_CODES } from '@kaipan/shared';
import { ERROR_TEXT, errorTextIn } from './errors';

describe('the error table of the web apps', () => {
  it('has zh-CN and en text for every registered code and every client-side code, and nothing else', () => {
    const codes = [...ERROR_CODES, ...CLIENT_ERROR_CODES];
    expect(Object.keys(ERROR_TEXT).sort()).toEqual([...codes].sort());
    for (const code of codes) {
      const zh = errorTextIn('zh-CN', code);
      const en = errorTextIn('en', code);
      expect(zh.trim(), code).not.toBe('');
      expect(en.trim(), code).not.toBe('');
      expect(zh, `${code} zh-CN has Chinese text`).toMatch(/[\u4e00-\u9fff]/);
      expect(en, `${code} en has no Chinese text`).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
