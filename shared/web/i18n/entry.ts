/** One message in both languages, as every dictionary and the error table write it. */
import type { Locale } from '@kaipan/shared';

/** One message: its zh-CN and en text. */
export type Entry = readonly [zh: string, en: string];

/** The text of an entry in a language. */
export function entryText(entry: Entry, lang: Locale): string {
  return lang === 'zh-CN' ? entry[0] : entry[1];
}
