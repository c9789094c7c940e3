import { describe, expect, it } from 'vitest';
import type { Dashboard } from '@kaipan/shared';
import { rankingOption, shortMoney, sliceOption, type ChartText } from './charts';

const text: ChartText = {
  locale: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  px: 12,
  sold: '已售',
  unsold: '未售',
  subscriptions: '认购',
  methodLabel: (m) => m,
};

describe('shortMoney', () => {
  it('万 and 亿 in Chinese, M and B in English', () => {
    expect(shortMoney(4_000_600_00, 'zh-CN')).toBe('400.1万');
    expect(shortMoney(10_001_000_00, 'zh-CN')).toBe('1000万');
    expect(shortMoney(123_456_789_00, 'zh-CN')).toBe('1.23亿');
    expect(shortMoney(4_000_600_00, 'en')).toBe('¥4.0M');
    expect(shortMoney(2_500_000_000_00, 'en')).toBe('¥2.50B');
  });
});

describe('chart options', () => {
  it('sell-through slices: sold and unsold (released − sold) stacked, labelled with the sell-through', () => {
    const slices: Dashboard['byBuilding'] = [
      { key: 'b1', label: '1号楼', labelEn: 'Tower 1', released: 40, sold: 10, soldAmountFen: 1 },
      { key: 'b2', label: '2号楼', labelEn: 'Tower 2', released: 0, sold: 0, soldAmountFen: 0 },
    ];
    const option = sliceOption(slices, text, false) as {
      xAxis: { data: string[] };
      series: { data: number[]; label?: { formatter: (p: { dataIndex: number }) => string } }[];
    };
    expect(option.xAxis.data).toEqual(['1号楼', '2号楼']);
    expect(option.series.map((s) => s.data)).toEqual([
      [10, 0],
      [30, 0],
    ]);
    expect([0, 1].map((i) => option.series[1]!.label!.formatter({ dataIndex: i }))).toEqual(['25%', '—']);
  });

  it('rankings: best on top (ECharts draws the first category at the bottom), at most `max`', () => {
    const rows = [
      { name: '甲', units: 3, amountFen: 3 },
      { name: '乙', units: 2, amountFen: 2 },
      { name: '丙', units: 1, amountFen: 1 },
    ];
    const option = rankingOption(rows, text, 2) as { yAxis: { data: string[] } };
    expect(option.yAxis.data).toEqual(['乙', '甲']);
  });
});
