import { describe, expect, it } from 'vitest';
import { layoutNameLabel, orientationLabel } from './unit-labels.js';

describe('orientationLabel', () => {
  it('keeps the stored text in Chinese', () => {
    expect(orientationLabel('南北通透', 'zh-CN')).toBe('南北通透');
  });

  it('translates the usual orientations word by word in English', () => {
    expect(orientationLabel('南', 'en')).toBe('South');
    expect(orientationLabel('朝南', 'en')).toBe('South');
    expect(orientationLabel('东南', 'en')).toBe('Southeast');
    expect(orientationLabel('南北', 'en')).toBe('North–south');
    expect(orientationLabel('南北通透', 'en')).toBe('North–south through');
    expect(orientationLabel('东南、西北', 'en')).toBe('Southeast, Northwest');
    expect(orientationLabel('South', 'en')).toBe('South');
  });

  it('leaves a part it does not know as typed, and empty as empty', () => {
    expect(orientationLabel('南 / 望江', 'en')).toBe('South, 望江');
    expect(orientationLabel('  ', 'en')).toBe('');
  });
});

describe('layoutNameLabel', () => {
  it('spells out a room-count name in English and keeps others as typed', () => {
    expect(layoutNameLabel('2室2厅1卫', 'en')).toBe('2 bed · 2 living · 1 bath');
    expect(layoutNameLabel('3房2厅', 'en')).toBe('3 bed · 2 living');
    expect(layoutNameLabel('2室2厅1卫', 'zh-CN')).toBe('2室2厅1卫');
    expect(layoutNameLabel('江景大平层', 'en')).toBe('江景大平层');
  });
});
