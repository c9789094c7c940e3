import { describe, expect, it } from 'vitest';
import { ApiError } from '@kaipan/shared';
import { createLocale } from './runtime';

describe('describeError', () => {
  const lang = createLocale('kaipan.test.locale');

  it('names the units a refusal names (UNIT_NOT_PERMITTED), with … when there are more', () => {
    const few = new ApiError('UNIT_NOT_PERMITTED', 'x', 409, { unitCodes: ['5-0101', '5-0102'], count: 2 });
    expect(lang.describeError(few)).toMatch(/\(5-0101, 5-0102\)$/);
    const many = new ApiError('UNIT_NOT_PERMITTED', 'x', 409, { unitCodes: ['5-0101'], count: 80 });
    expect(lang.describeError(many)).toMatch(/\(5-0101 …\)$/);
  });

  it('adds nothing to other refusals', () => {
    expect(lang.describeError(new ApiError('SALES_PAUSED', 'x', 409))).toBe(lang.errorText('SALES_PAUSED'));
  });
});
