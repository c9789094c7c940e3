import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_CAPITALS_FEN, amountInCapitals, chineseCapitals } from './money-words.js';

/** Amounts in yuan (as written on paper) → the capitals a bank accepts. */
const TABLE: [string, string][] = [
  ['0.00', '零元整'],
  ['0.01', '壹分'],
  ['0.10', '壹角整'],
  ['0.50', '伍角整'],
  ['0.56', '伍角陆分'],
  ['1.00', '壹元整'],
  ['1.05', '壹元零伍分'],
  ['1.50', '壹元伍角整'],
  ['10.00', '壹拾元整'],
  ['10.01', '壹拾元零壹分'],
  ['11.00', '壹拾壹元整'],
  ['100.00', '壹佰元整'],
  ['101.00', '壹佰零壹元整'],
  ['110.00', '壹佰壹拾元整'],
  ['1001.00', '壹仟零壹元整'],
  ['1010.00', '壹仟零壹拾元整'],
  ['1680.32', '壹仟陆佰捌拾元叁角贰分'],
  ['10000.00', '壹万元整'],
  ['10001.00', '壹万零壹元整'],
  ['10100.00', '壹万零壹佰元整'],
  ['50000.00', '伍万元整'],
  ['100000.00', '壹拾万元整'],
  ['107000.53', '壹拾万柒仟元伍角叁分'],
  ['1000400.00', '壹佰万零肆佰元整'],
  ['1004000.00', '壹佰万肆仟元整'],
  ['2992572.00', '贰佰玖拾玖万贰仟伍佰柒拾贰元整'],
  ['4215400.00', '肆佰贰拾壹万伍仟肆佰元整'],
  ['10000000.00', '壹仟万元整'],
  ['100000000.00', '壹亿元整'],
  ['100000001.00', '壹亿零壹元整'],
  ['100010000.00', '壹亿零壹万元整'],
  ['200001000.00', '贰亿零壹仟元整'],
  ['310000000.09', '叁亿壹仟万元零玖分'],
  ['999999999.99', '玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分'],
];

const fenOf = (yuan: string): number => {
  const [int, dec = '00'] = yuan.split('.');
  return Number(int) * 100 + Number(dec.padEnd(2, '0'));
};

describe('chineseCapitals 大写金额', () => {
  it.each(TABLE)('%s → %s', (yuan, words) => {
    expect(chineseCapitals(fenOf(yuan))).toBe(words);
  });

  it('prefixes 人民币 for documents', () => {
    expect(amountInCapitals(10_000_000)).toBe('人民币壹拾万元整');
  });

  it('refuses fractions of a fen, negatives and amounts past ¥999,999,999.99', () => {
    expect(() => chineseCapitals(1.5)).toThrow(RangeError);
    expect(() => chineseCapitals(-1)).toThrow(RangeError);
    expect(() => chineseCapitals(MAX_CAPITALS_FEN + 1)).toThrow(RangeError);
  });

  it('never writes two 零 in a row, never ends a section with 零, ends with 整 exactly when there are no 分', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_CAPITALS_FEN }), (fen) => {
        const words = chineseCapitals(fen);
        expect(words).not.toMatch(/零零/);
        if (fen >= 100) expect(words).not.toMatch(/零[万亿元]/);
        expect(words.endsWith('整')).toBe(fen % 10 === 0);
        expect(words.endsWith('分')).toBe(fen % 10 !== 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('is a bijection on a dense sample: reading the words back gives the amount', () => {
    const value: Record<string, number> = { 零: 0, 壹: 1, 贰: 2, 叁: 3, 肆: 4, 伍: 5, 陆: 6, 柒: 7, 捌: 8, 玖: 9 };
    const place: Record<string, number> = { 拾: 10, 佰: 100, 仟: 1000 };
    const parse = (words: string): number => {
      let total = 0;
      let sectionSum = 0;
      let digit = 0;
      let fen = 0;
      for (const ch of words.replace(/整$/, '')) {
        if (ch in value) digit = value[ch]!;
        else if (ch in place) {
          sectionSum += digit * place[ch]!;
          digit = 0;
        } else if (ch === '万' || ch === '亿') {
          total += (sectionSum + digit) * (ch === '万' ? 10_000 : 100_000_000);
          sectionSum = 0;
          digit = 0;
        } else if (ch === '元') {
          total += sectionSum + digit;
          sectionSum = 0;
          digit = 0;
        } else if (ch === '角') {
          fen += digit * 10;
          digit = 0;
        } else if (ch === '分') {
          fen += digit;
          digit = 0;
        }
      }
      return total * 100 + fen;
    };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_CAPITALS_FEN }), (fen) => {
        expect(parse(chineseCapitals(fen))).toBe(fen);
      }),
      { numRuns: 2000 },
    );
  });
});
