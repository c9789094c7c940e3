import { describe, expect, it } from 'vitest';
import { targetOfTexts } from './sales-target-input';

describe('targetOfTexts', () => {
  it('empty fields are no target; figures parse (area to 2 decimals, amount in yuan → fen)', () => {
    expect(targetOfTexts('', '', '')).toEqual({ units: null, area: null, amountFen: null });
    expect(targetOfTexts(' 300 ', '25,000.5', '6,000,000,000')).toEqual({
      units: 300,
      area: 25000.5,
      amountFen: 600_000_000_000,
    });
  });

  it('refuses what is not a figure: zero, fractions of units, three decimals, letters', () => {
    const bad: [string, string, string][] = [
      ['0', '', ''],
      ['1.5', '', ''],
      ['', '12.345', ''],
      ['', '', 'abc'],
      ['', '', '0'],
    ];
    for (const [units, area, amount] of bad) expect(targetOfTexts(units, area, amount)).toBeUndefined();
  });
});
