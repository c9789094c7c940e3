import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDictionaries, sourceFiles } from '@kaipan/web/i18n/check-dictionary';
import { CASHIER_DICTIONARIES, KIOSK_DICTIONARIES } from './index';

const kioskSrc = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const i18nDir = path.join(kioskSrc, 'i18n');
const sources = sourceFiles(kioskSrc, (f) => f.startsWith(i18nDir));
const isCashier = (f: string): boolean => /cashier|desk-context/.test(path.basename(f));

describe.each([
  {
    app: 'queue kiosk and calling screen',
    dictionaries: KIOSK_DICTIONARIES,
    files: sources.filter((f) => !isCashier(f)),
    translators: ['t'],
  },
  { app: 'cashier desk', dictionaries: CASHIER_DICTIONARIES, files: sources.filter(isCashier), translators: ['ct'] },
])('the $app dictionaries', ({ dictionaries, files, translators }) => {
  const report = checkDictionaries(dictionaries, files, translators);

  it('define each key once, in both languages with the same placeholders', () => {
    expect(report.duplicated).toEqual([]);
    expect(report.mismatched).toEqual([]);
  });

  it('hold no key the app never uses, and every key the app names', () => {
    expect(report.unused).toEqual([]);
    expect(report.missing).toEqual([]);
  });
});
