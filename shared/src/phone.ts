/**
 * The one phone rule. Every phone that enters Kaipan — a walk-in buyer at confirm, the new buyer of
 * a 更名, a customer and their co-buyers, the queue kiosk, the cashier's payer, a quote's buyer — is a
 * mainland mobile number: 1[3-9] + 9 digits, stored as those 11 digits. Servers validate with
 * `mobilePhoneSchema`; the clients validate the same fields live with `normalizePhone`.
 */
import { z } from 'zod';

/** Digits of a stored mobile number. */
export const MOBILE_PHONE_DIGITS = 11;

/**
 * Mainland mobile number → 11 digits (13812345678), or null when it is not one. Accepts a +86 /
 * 0086 / 86 prefix, spaces, dashes, dots and parentheses.
 */
export function normalizePhone(input: string): string | null {
  let digits = input.trim().replace(/[\s\-.()]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return /^1[3-9][0-9]{9}$/.test(digits) ? digits : null;
}

/**
 * 13812345678 → 138****5678: the masked form (privacy.ts decides who sees which). Anything that is not
 * an 11-digit number (old data) is all stars — keeping 3 + 4 digits of a short number would show it whole.
 */
export function maskPhone(phone: string): string {
  return phone.length === MOBILE_PHONE_DIGITS ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '*'.repeat(phone.length);
}

/** What a refused phone is told (also the clients' field hint, translated there). */
export const MOBILE_PHONE_MESSAGE = 'must be a mainland mobile number (1[3-9] + 9 digits)';

/** A mainland mobile number, normalised to 11 digits (the schema of every phone field). */
export const mobilePhoneSchema = z
  .string()
  .max(32)
  .transform((s, ctx) => {
    const phone = normalizePhone(s);
    if (phone === null) {
      ctx.addIssue({ code: 'custom', message: MOBILE_PHONE_MESSAGE });
      return z.NEVER;
    }
    return phone;
  });
