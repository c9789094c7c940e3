/**
 * The kiosk app's dictionaries, one file per feature (zh-CN and en side by side): the queue kiosk and
 * calling screen (`messages`, translated by `t`) and the cashier desk (`cashierMessages`, by `ct`:
 * its own key space, the desk's words are for people at a desk). lib/i18n.ts and
 * lib/cashier-i18n.ts bind them to the kiosk's language.
 */
import { cashierDayEndMessages } from './cashier-day-end';
import { cashierDeskMessages } from './cashier-desk';
import { cashierFrameMessages } from './cashier-frame';
import { commonMessages } from './common';
import { screenMessages } from './screen';
import { setupMessages } from './setup';
import { takeMessages } from './take';

/** The queue kiosk's and calling screen's features; a key belongs to exactly one (i18n.test.ts). */
export const KIOSK_DICTIONARIES = {
  common: commonMessages,
  setup: setupMessages,
  take: takeMessages,
  screen: screenMessages,
} as const;
/** The cashier desk's features. */
export const CASHIER_DICTIONARIES = {
  frame: cashierFrameMessages,
  desk: cashierDeskMessages,
  dayEnd: cashierDayEndMessages,
} as const;

export const messages = { ...commonMessages, ...setupMessages, ...takeMessages, ...screenMessages };
export const cashierMessages = { ...cashierFrameMessages, ...cashierDeskMessages, ...cashierDayEndMessages };

export type MessageKey = keyof typeof messages & string;
export type CashierKey = keyof typeof cashierMessages & string;
