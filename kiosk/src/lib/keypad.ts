/**
 * Pure rules of the kiosk's on-screen keypad (no DOM): what a key press does to the typed digits,
 * how a mobile number is shown while typed, when it is complete, and how a scanned or typed
 * registration number becomes the `registrationNo` the server takes.
 */
import { normalizePhone } from '@kaipan/shared';

/** Keys of the keypad: digits, delete one, clear all. */
export type KeypadKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | 'del' | 'clear';

/** A mainland mobile number has 11 digits. */
export const PHONE_DIGITS = 11;
/** Registration numbers are typed without the R: up to 6 digits (R000007 is still R0007's kind). */
export const REGISTRATION_DIGITS = 6;

/** The digits after a key press; digits past `max` are ignored (no surprise truncation later). */
export function pressKey(digits: string, key: KeypadKey, max: number): string {
  if (key === 'clear') return '';
  if (key === 'del') return digits.slice(0, -1);
  if (digits.length >= max) return digits;
  return digits + key;
}

/** Map a physical keyboard key (a kiosk with a USB keypad, tests) to a keypad key, or null. */
export function keyFromKeyboard(key: string): KeypadKey | null {
  if (/^[0-9]$/.test(key)) return key as KeypadKey;
  if (key === 'Backspace') return 'del';
  if (key === 'Escape' || key === 'Delete') return 'clear';
  return null;
}

/** "13812345678" → "138 1234 5678"; partial input groups the same way ("1381" → "138 1"). */
export function formatPhone(digits: string): string {
  const d = digits.replace(/\D/g, '');
  return [d.slice(0, 3), d.slice(3, 7), d.slice(7, 11)].filter((part) => part.length > 0).join(' ');
}

export type PhoneCheck =
  /** Fewer than 11 digits so far; nothing to complain about yet, unless the start is already wrong. */
  { state: 'incomplete'; badStart: boolean } | { state: 'valid'; phone: string } | { state: 'invalid' };

/**
 * Validate like the server (`mobilePhoneSchema`: 1[3-9] + 9 digits). A wrong start ("12…", "2…")
 * is reported as soon as it is typed, so the buyer is not surprised after eleven digits.
 */
export function checkPhone(digits: string): PhoneCheck {
  const badStart =
    (digits.length >= 1 && digits[0] !== '1') || (digits.length >= 2 && !/[3-9]/.test(digits[1] as string));
  if (digits.length < PHONE_DIGITS) return { state: 'incomplete', badStart };
  const phone = normalizePhone(digits);
  return phone === null ? { state: 'invalid' } : { state: 'valid', phone };
}

/** Digits typed on the keypad → "R0007"; null when there is nothing or only zeros. */
export function registrationFromDigits(digits: string): string | null {
  const n = Number.parseInt(digits, 10);
  if (!Number.isFinite(n) || n <= 0) return null;
  return `R${String(n).padStart(4, '0')}`;
}

/**
 * The registration number inside a scanned QR code: "R0007", "r7", "KAIPAN-REG:R0007", or a link
 * carrying `registrationNo=R0007` / `reg=R0007`. Null when the code is not a registration.
 */
export function parseRegistrationQr(text: string): string | null {
  const raw = text.trim();
  if (raw.length === 0 || raw.length > 500) return null;
  let candidate = raw;
  if (/^https?:\/\//i.test(raw)) {
    try {
      const url = new URL(raw);
      candidate = url.searchParams.get('registrationNo') ?? url.searchParams.get('reg') ?? '';
    } catch {
      return null;
    }
  }
  const match = /(?:^|[^A-Za-z0-9])R(\d{1,6})$/i.exec(candidate) ?? /^R?(\d{1,6})$/i.exec(candidate);
  if (!match) return null;
  return registrationFromDigits(match[1] as string);
}
