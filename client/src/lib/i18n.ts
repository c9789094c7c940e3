/**
 * The consultant app's language and messages: the shared runtime (shared/web/i18n) bound to the
 * app's dictionaries (client/src/i18n/, one per feature, zh-CN and en side by side) and the one error
 * table. The language comes from navigator.language on first visit, can be switched, and is
 * remembered in localStorage ('kaipan.locale').
 */
import { codeLabel, UNIT_STATUS_LABELS, type Locale, type UnitStatus } from '@kaipan/shared';
import { createLocale, createTranslator } from '@kaipan/web/i18n/runtime';
import { messages, type MessageKey } from '../i18n';

export type { MessageKey } from '../i18n';
export type { MessageParams } from '@kaipan/web/i18n/runtime';

const language = createLocale('kaipan.locale');
const translator = createTranslator(language.locale, messages);

/** The current language (reactive). */
export const locale = language.locale;
export const setLocale = language.setLocale;
export const toggleLocale = language.toggleLocale;

/** Translate a message key (reactive: re-runs when the language changes). */
export const t: (key: MessageKey, params?: Record<string, string | number>) => string = translator.t;

/** Translate into a given language regardless of the current one (bilingual wall board). */
export const tIn: (lang: Locale, key: MessageKey, params?: Record<string, string | number>) => string = translator.tIn;

/** The message for an error code; `describeError` for anything thrown by api.ts or a hub command. */
export const errorText = language.errorText;
export const describeError = language.describeError;

/** A stored code's words in the current language (its table: shared/src/labels.ts). */
export const label = language.label;

/** A unit's status 销控状态 (grid, board, sheets) in the current language. */
export function statusLabel(status: UnitStatus): string {
  return label(UNIT_STATUS_LABELS, status);
}

/** A unit's status in a given language (the bilingual board). */
export function statusLabelIn(status: UnitStatus, lang: Locale): string {
  return codeLabel(UNIT_STATUS_LABELS, status, lang);
}
