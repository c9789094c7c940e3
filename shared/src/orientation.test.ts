import { describe, expect, it } from 'vitest';
import { orientationLabel } from './orientation.js';

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
