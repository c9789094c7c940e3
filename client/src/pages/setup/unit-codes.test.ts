import { describe, expect, it } from 'vitest';
import { parseUnitCodes } from './unit-codes';

describe('parseUnitCodes', () => {
  const units = [
    { id: 'a', code: '1-0101' },
    { id: 'b', code: '1-0102' },
    { id: 'c', code: 'P-B1-001' },
  ];
  it('splits on commas, spaces, 、 and new lines, matches codes case-insensitively, once each', () => {
    expect(parseUnitCodes('1-0101, 1-0102、p-b1-001\n1-0101', units)).toEqual({ ids: ['a', 'b', 'c'], unknown: [] });
  });
  it('lists codes no unit has', () => {
    expect(parseUnitCodes('1-0101 9-9999 9-9999', units)).toEqual({ ids: ['a'], unknown: ['9-9999'] });
  });
});
