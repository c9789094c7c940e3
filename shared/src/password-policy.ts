/**
 * The password rules of every account, in one place: the server checks them wherever a password is
 * set (first run, `POST /api/users`, a reset, a change, the admin CLI) and the screens show the same
 * rules before anything is sent. Length is what matters (NIST SP 800-63B): at least 10 characters,
 * no composition rules, never the username, none of the passwords every attacker tries first.
 */

/** Shortest password accepted, characters. */
export const PASSWORD_MIN_LENGTH = 10;
/** Longest password accepted, characters (scrypt hashes any length; this bounds the work). */
export const PASSWORD_MAX_LENGTH = 128;

/** Why a password is refused (`WEAK_PASSWORD` `details.rule`). */
export type PasswordRule = 'TOO_SHORT' | 'TOO_LONG' | 'CONTAINS_USERNAME' | 'TOO_COMMON' | 'SAME_AS_CURRENT';

/** Passwords of the public breach lists' top ranks that are long enough to pass the length rule. */
const COMMON = new Set([
  '1234567890',
  '0123456789',
  '12345678910',
  '1qaz2wsx3edc',
  'qwertyuiop',
  'qwerty123456',
  'password123',
  'password1234',
  'iloveyou123',
  'abcdefghij',
  'a1234567890',
  '1234567890a',
  '1111111111',
  '0000000000',
  '5201314520',
  'woaini1314',
  'woaini520520',
  'kaipan-admin',
  'kaipan-manager',
  'kaipan-cashier',
  'kaipan-demo',
]);

/**
 * The first rule a new password breaks, or null when it is acceptable. `username` is the account's
 * (a password containing it is refused, case-insensitively).
 */
export function passwordProblem(password: string, username: string): PasswordRule | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return 'TOO_SHORT';
  if (length > PASSWORD_MAX_LENGTH) return 'TOO_LONG';
  const lower = password.toLowerCase();
  if (username.length >= 3 && lower.includes(username.toLowerCase())) return 'CONTAINS_USERNAME';
  if (COMMON.has(lower) || /^(.)\1*$/u.test(password)) return 'TOO_COMMON';
  return null;
}
