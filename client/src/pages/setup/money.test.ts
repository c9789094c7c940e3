import { describe, expect, it } from 'vitest';
import { fenOfYuanText, yuanTextOfFen } from './money';

describe('setup money: yuan on screen, fen on the wire', () => {
  it('reads yuan with up to two decimals and grouping', () => {
    expect(fenOfYuanText('50000')).toBe(5_000_000);
    expect(fenOfYuanText('50,000.5')).toBe(5_000_050);
    expect(fenOfYuanText(' 0.01 ')).toBe(1);
  });
  it('refuses what is not an amount', () => {
    for (const bad of ['', '-1', '1.001', 'abc', '1e5']) expect(fenOfYuanText(bad)).toBeNull();
  });
  it('shows fen as yuan, decimals only when there are any', () => {
    expect(yuanTextOfFen(5_000_000)).toBe('50000');
    expect(yuanTextOfFen(5_000_050)).toBe('50000.50');
    expect(fenOfYuanText(yuanTextOfFen(123_456_789))).toBe(123_456_789);
  });
});
