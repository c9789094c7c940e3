/**
 * Checks an app's dictionaries against its sources (used by the apps' i18n tests, Node only): keys
 * in one feature only, both languages written with the same placeholders, every key used somewhere
 * and every key the sources name defined.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Dictionary } from './runtime';

/** The .ts/.tsx files under `dir` (tests and the dictionaries themselves excluded by `skip`). */
export function sourceFiles(dir: string, skip: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) out.push(...sourceFiles(file, skip));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.test.ts') && !skip(file)) out.push(file);
  }
  return out;
}

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();

export interface DictionaryReport {
  /** Keys defined by more than one feature (the later one would silently win). */
  duplicated: string[];
  /** Keys with an empty text or different placeholders in zh-CN and en. */
  mismatched: string[];
  /** Keys no source names, literally or by a template prefix (`t(\`deals.kind.${kind}\`)`). */
  unused: string[];
  /** Keys the sources pass literally to the translator that no dictionary defines. */
  missing: string[];
}

/**
 * `translators`: the names of the translate functions whose literal first argument must be a key
 * (e.g. ['t']; `tIn(lang, 'key')` is always checked). `wordedApart`: keys whose languages word a number differently on purpose (so
 * their placeholders differ), e.g. a discount as 折 in Chinese and as "% of price" in English.
 */
export function checkDictionaries(
  features: Record<string, Dictionary>,
  sources: string[],
  translators: string[],
  wordedApart: readonly string[] = [],
): DictionaryReport {
  const seen = new Map<string, string>();
  const duplicated: string[] = [];
  const mismatched: string[] = [];
  for (const [feature, dictionary] of Object.entries(features)) {
    for (const [key, [zh, en]] of Object.entries(dictionary)) {
      if (seen.has(key)) duplicated.push(`${key} (${seen.get(key)} and ${feature})`);
      seen.set(key, feature);
      if (
        !zh.trim() ||
        !en.trim() ||
        (!wordedApart.includes(key) && placeholders(zh).join() !== placeholders(en).join())
      )
        mismatched.push(key);
    }
  }
  const text = sources.map((f) => readFileSync(f, 'utf8')).join('\n');
  const literals = new Set([...text.matchAll(/['"]([A-Za-z][\w]*(?:\.[\w]+)+)['"]/g)].map((m) => m[1] as string));
  // A key built at run time: a template literal that starts with a key prefix, `deals.kind.${…}`.
  const prefixes = [...text.matchAll(/`([A-Za-z][\w.]*)\$\{/g)]
    .map((m) => m[1] as string)
    .filter((p) => p.includes('.'));
  const unused = [...seen.keys()].filter((key) => !literals.has(key) && !prefixes.some((p) => key.startsWith(p)));
  // t('key', …) and tIn(lang, 'key', …): the key is the first string literal after the language.
  const call = new RegExp(`\\b(?:${translators.join('|')})\\(\\s*'([^']+)'|\\btIn\\(\\s*[^,()]+,\\s*'([^']+)'`, 'g');
  const named = [...text.matchAll(call)].map((m) => (m[1] ?? m[2]) as string);
  const missing = [...new Set(named)].filter((key) => !seen.has(key));
  return { duplicated, mismatched, unused, missing };
}
