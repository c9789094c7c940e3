import { describe, expect, it } from 'vitest';
import type { CatalogUnit } from './protocol.js';
import { computeStats } from './stats.js';
import { formatBigMoney, formatYuan, maskName } from './format.js';
import { maskPhone } from './phone.js';

const unit = (id: string, grossArea: number, listPrice: number): CatalogUnit => ({
  id,
  code: id,
  buildingId: 'b',
  floor: 1,
  position: 1,
  layout: 'A',
  layoutName: 'A',
  grossArea,
  netArea: grossArea * 0.8,
  orientation: '南',
  listPrice,
  unitPrice: 0,
});

describe('computeStats', () => {
  const catalog = new Map([
    ['a', unit('a', 89.32, 300_000_00)],
    ['b', unit('b', 118.56, 400_000_00)],
    ['c', unit('c', 0.1, 1)],
    ['d', unit('d', 0.2, 1)],
  ]);

  it('counts statuses, sold area without float drift, deal price over list price, sell-through of released units', () => {
    const stats = computeStats(catalog, [
      { id: 'a', status: 'SUBSCRIBED', price: 299_000_00 },
      { id: 'b', status: 'CONTRACTED' },
      { id: 'c', status: 'AVAILABLE' },
      { id: 'd', status: 'NOT_RELEASED' },
    ]);
    expect(stats.total).toBe(4);
    expect(stats.counts).toMatchObject({
      SUBSCRIBED: 1,
      CONTRACTED: 1,
      AVAILABLE: 1,
      NOT_RELEASED: 1,
      LOCKED: 0,
      WITHHELD: 0,
    });
    expect(stats.sold).toBe(2);
    expect(stats.soldArea).toBe(207.88);
    expect(stats.soldAmount).toBe(299_000_00 + 400_000_00);
    expect(stats.released).toBe(3);
    expect(stats.sellThrough).toBeCloseTo(2 / 3, 10);
  });

  it('is zero for an empty project', () => {
    const stats = computeStats(new Map(), []);
    expect(stats).toMatchObject({ total: 0, sold: 0, soldArea: 0, soldAmount: 0, sellThrough: 0 });
  });
});

describe('formatting', () => {
  it('money from fen', () => {
    expect(formatYuan(123_456_700)).toBe('¥1,234,567');
    expect(formatYuan(1_05)).toBe('¥1.05');
    expect(formatBigMoney(12_345_678_900, 'zh-CN')).toBe('12,345.68万');
    expect(formatBigMoney(12_345_678_900, 'en')).toBe('¥123.46M');
  });
  it('masks names and phones', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('李')).toBe('李*');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
});
