/**
 * The kiosk's language and the queue kiosk's / calling screen's messages: the shared runtime
 * (shared/web/i18n) bound to kiosk/src/i18n. The language comes from the browser, can be switched
 * with the big toggle, and is remembered on the device ('kaipan.kiosk.locale'); the cashier desk
 * (lib/cashier-i18n.ts) follows the same language.
 */
import { toApiError, type ClientErrorCode, type Locale } from '@kaipan/shared';
import { createLocale, createTranslator } from '@kaipan/web/i18n/runtime';
import { messages, type MessageKey } from '../i18n';

export type { MessageKey } from '../i18n';
export type { MessageParams } from '@kaipan/web/i18n/runtime';

const language = createLocale('kaipan.kiosk.locale');
const translator = createTranslator(language.locale, messages);

export const locale = language.locale;
export const setLocale = language.setLocale;
export const toggleLocale = language.toggleLocale;
/** A stored code's words in the current language (its table: shared/src/labels.ts). */
export const label = language.label;

/** Translate (reactive: follows the language toggle). */
export const t: (key: MessageKey, params?: Record<string, string | number>) => string = translator.t;

/** Translate into one language whatever the current one (the bilingual calling screen). */
export const tIn: (lang: Locale, key: MessageKey, params?: Record<string, string | number>) => string = translator.tIn;

/**
 * A device is not a person: these codes read as the kiosk's words (its key refused, staff to ask);
 * every other code reads as the one error table says.
 */
const DEVICE_WORDS: Partial<Record<ClientErrorCode, MessageKey>> = {
  UNAUTHENTICATED: 'device.keyRefused',
  INVALID_CREDENTIALS: 'device.keyInvalid',
  FORBIDDEN: 'device.forbidden',
  NETWORK_ERROR: 'device.unreachable',
  INTERNAL: 'device.internal',
};

export function errorText(code: ClientErrorCode): string {
  const key = DEVICE_WORDS[code];
  return key ? t(key) : language.errorText(code);
}

/** The message for anything thrown by api.ts. */
export function describeError(error: unknown): string {
  return errorText(toApiError(error).code);
}

/** A category's name in the current language. */
export function categoryName(c: { name: string; nameEn: string }): string {
  return locale() === 'en' ? c.nameEn || c.name : c.name;
}
