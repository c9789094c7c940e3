import { describe, expect, it } from 'vitest';
import type { BuildingInfo, CatalogUnit } from '@kaipan/shared';
import { describeDevice, formatCompactPrice, layoutBuilding, shortUnitCode } from './display';

describe('formatCompactPrice', () => {
  it('shows 万 with one decimal in Chinese', () => {
    expect(formatCompactPrice(319_030_000, 'zh-CN')).toBe('319.0万');
    expect(formatCompactPrice(285_640_000, 'zh-CN')).toBe('285.6万');
  });
  it('drops the decimal from 1,000万 up so cells keep their width', () => {
    expect(formatCompactPrice(1_234_560_000, 'zh-CN')).toBe('1235万');
  });
  it('shows millions in English', () => {
    expect(formatCompactPrice(319_030_000, 'en')).toBe('3.19M');
    expect(formatCompactPrice(1_234_560_000, 'en')).toBe('12.3M');
  });
});

describe('shortUnitCode', () => {
  it('keeps the room part of a building-prefixed code', () => {
    expect(shortUnitCode('2-3301')).toBe('3301');
    expect(shortUnitCode('1#-0803')).toBe('0803');
    expect(shortUnitCode('0803')).toBe('0803');
  });
});

describe('layoutBuilding', () => {
  const building: BuildingInfo = { id: 'b1', code: '1', name: '1号楼', nameEn: 'Tower 1', floors: 3, unitsPerFloor: 2 };
  const unit = (floor: number, position: number, buildingId = 'b1'): CatalogUnit => ({
    id: `${buildingId}-${floor}-${position}`,
    code: `1-${floor}0${position}`,
    buildingId,
    floor,
    position,
    layout: 'A',
    layoutName: '3室2厅2卫',
    grossArea: 100,
    netArea: 80,
    orientation: '南',
    listPrice: 300_000_000,
    unitPrice: 3_000_000,
  });

  it('puts the top floor first and positions as columns', () => {
    const l = layoutBuilding(building, [unit(1, 1), unit(3, 2), unit(2, 1), unit(1, 1, 'other')]);
    expect(l.floors).toEqual([3, 2, 1]);
    expect(l.columns).toBe(2);
    expect(l.units).toHaveLength(3);
    expect(l.cells.get(3)?.get(2)?.id).toBe('b1-3-2');
    expect(l.cells.get(3)?.get(1)).toBeUndefined();
  });

  it('widens to the largest position found', () => {
    expect(layoutBuilding(building, [unit(1, 4)]).columns).toBe(4);
  });

  it('shows a duplex on its floor and on the next storey (over skipped numbers, or up to the top floor), counted once', () => {
    const tall: BuildingInfo = { ...building, floors: 18 };
    const duplex = { ...unit(12, 1), floorSpan: 2 };
    const top = { ...unit(17, 2), floorSpan: 2 };
    // 13 and 14 skipped: the storey above 12 is 15.
    const l = layoutBuilding(tall, [duplex, unit(12, 2), unit(15, 2), unit(-1, 1), top]);
    expect(l.cells.get(15)?.get(1)?.id).toBe(duplex.id);
    expect(l.cells.get(18)?.get(2)?.id).toBe(top.id);
    expect(l.floors).toEqual([18, 17, 15, 12, -1]);
    expect(l.units).toHaveLength(5);
  });
});

describe('describeDevice', () => {
  it('names the platform and browser of a user agent, keeps app-sent ids short', () => {
    expect(
      describeDevice(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('iPhone · Safari');
    expect(
      describeDevice(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0',
      ),
    ).toBe('Windows · Edge');
    expect(
      describeDevice(
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
      ),
    ).toBe('Android · Chrome');
    expect(
      describeDevice(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47',
      ),
    ).toBe('iPhone · WeChat');
    expect(describeDevice('laptop')).toBe('laptop');
    expect(describeDevice('x'.repeat(60))).toHaveLength(40);
    expect(describeDevice(null)).toBeNull();
  });
});
