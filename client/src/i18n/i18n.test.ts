import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDictionaries, sourceFiles } from '@kaipan/web/i18n/check-dictionary';
import { FEATURE_DICTIONARIES } from './index';

const clientSrc = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const i18nDir = path.join(clientSrc, 'i18n');

describe('the consultant app dictionaries', () => {
  // 'prices.rate': 9.5折（减5%） reads the rate as 折; English says "95% of price (5% off · 9.5折)".
  const report = checkDictionaries(
    FEATURE_DICTIONARIES,
    sourceFiles(clientSrc, (f) => f.startsWith(i18nDir)),
    ['t'],
    ['prices.rate'],
  );

  it('define each key once, in both languages with the same placeholders', () => {
    expect(report.duplicated).toEqual([]);
    expect(report.mismatched).toEqual([]);
  });

  it('hold no key the app never uses, and every key the app names', () => {
    expect(report.unused).toEqual([]);
    expect(report.missing).toEqual([]);
  });
});
