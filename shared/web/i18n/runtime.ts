/**
 * The i18n runtime of both web apps. Dictionaries are written per feature with zh-CN and en side by
 * side — `'key': ['中文', 'English']` — so a message cannot lack a language; an app merges its
 * features' dictionaries and binds them to its language with `createTranslator`.
 *
 * The language comes from the saved choice, else the browser's languages (`pickLocale`), can be
 * switched, and is remembered per app (its own localStorage key: a kiosk and a desk on one machine
 * keep their own). `{name}` placeholders are filled by `interpolate` (shared/src/format.ts); no
 * message needs plural forms today (counts read "{n} 套" / "{n} units").
 */
import { createRoot, createSignal, type Accessor } from 'solid-js';
import {
  codeLabel,
  interpolate,
  pickLocale,
  toApiError,
  type ClientErrorCode,
  type Label,
  type Locale,
} from '@kaipan/shared';
import { readStored, writeStored } from '../storage';
import { entryText, type Entry } from './entry';
import { errorTextIn } from './errors';

export { entryText, type Entry } from './entry';

/** A feature's messages by key. */
export type Dictionary = Readonly<Record<string, Entry>>;
/** Values for `{name}` placeholders. */
export type MessageParams = Record<string, string | number>;

/** Declare a feature's dictionary (keeps the literal keys for typed `t`). */
export function defineMessages<const D extends Dictionary>(messages: D): D {
  return messages;
}

export interface LocaleStore {
  /** The current language (reactive). */
  locale: Accessor<Locale>;
  /** Switch the language, remember it and set `<html lang>`. */
  setLocale(next: Locale): void;
  toggleLocale(): void;
  /** The message for an error code in the current language (one table: ./errors.ts). */
  errorText(code: ClientErrorCode): string;
  /** The message for anything thrown by the transport or a hub command. */
  describeError(error: unknown): string;
  /**
   * A stored code's words in the current language, from its table in shared/src/labels.ts
   * (`label(SUBSCRIPTION_STATUS_LABELS, 'ACTIVE')` → 已认购 / Subscribed). Reactive like `t`.
   */
  label<C extends string>(table: Readonly<Record<C, Label>>, code: C): string;
}

/**
 * A refusal that names units (`details.unitCodes`, e.g. UNIT_NOT_PERMITTED) shows them after its
 * text — " (1-0101, 1-0102 …)" — so the person knows which units to fix.
 */
function unitsNamed(details: unknown): string {
  if (!details || typeof details !== 'object' || !('unitCodes' in details)) return '';
  const { unitCodes, count } = details as { unitCodes: unknown; count?: unknown };
  if (!Array.isArray(unitCodes) || unitCodes.length === 0) return '';
  const more = typeof count === 'number' && count > unitCodes.length ? ' …' : '';
  return ` (${unitCodes.map(String).join(', ')}${more})`;
}

/** The app's language, remembered under `storageKey`. */
export function createLocale(storageKey: string): LocaleStore {
  const browserLanguages = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  const [locale, setLocaleSignal] = createRoot(() =>
    createSignal<Locale>(pickLocale(readStored(storageKey), browserLanguages)),
  );
  if (typeof document !== 'undefined') document.documentElement.lang = locale();
  const setLocale = (next: Locale): void => {
    setLocaleSignal(next);
    writeStored(storageKey, next);
    document.documentElement.lang = next;
  };
  const errorText = (code: ClientErrorCode): string => errorTextIn(locale(), code);
  return {
    locale,
    setLocale,
    toggleLocale: () => setLocale(locale() === 'zh-CN' ? 'en' : 'zh-CN'),
    errorText,
    describeError: (error) => {
      const e = toApiError(error);
      return errorText(e.code) + unitsNamed(e.details);
    },
    label: (table, code) => codeLabel(table, code, locale()),
  };
}

export interface Translator<K extends string> {
  /** Translate a key (reactive: re-runs when the language changes). */
  t(key: K, params?: MessageParams): string;
  /** Translate into a given language whatever the current one (bilingual board and calling screen). */
  tIn(lang: Locale, key: K, params?: MessageParams): string;
}

/** Bind a dictionary to the app's language. */
export function createTranslator<D extends Dictionary>(
  locale: Accessor<Locale>,
  messages: D,
): Translator<keyof D & string> {
  const tIn = (lang: Locale, key: keyof D & string, params?: MessageParams): string =>
    interpolate(entryText(messages[key] as Entry, lang), params);
  return { tIn, t: (key, params) => tIn(locale(), key, params) };
}
