import { describe, expect, it } from 'vitest';
import { PATTERN_PROBLEMS } from '@kaipan/shared';
import { setupBuildingsMessages } from '../../i18n/setup-buildings';

describe('building pattern problems', () => {
  it('every problem code the generator can answer is worded in both languages', () => {
    for (const code of PATTERN_PROBLEMS) {
      const entry = (setupBuildingsMessages as Record<string, readonly string[]>)[`setupB.problem.${code}`];
      expect(entry, code).toBeDefined();
      expect(
        entry?.every((text) => text.trim() !== ''),
        code,
      ).toBe(true);
    }
  });
});
