/**
 * The queue kiosk's setup screen 排号机设置 (/queue/setup) is protected by a kiosk PIN per project:
 * managers set it (stored hashed), the server verifies it for the device key that asks, throttles
 * wrong PINs per device and audits every attempt. Without the PIN a buyer at the kiosk cannot
 * switch printing off, change the device's mode or forget its key. The first setup of a device (no
 * key stored yet) needs no PIN: typing the device key is itself the secret.
 * docs/protocol.md "Kiosk setup PIN" documents the routes.
 */
import { z } from 'zod';

/** A kiosk PIN: 4 to 8 digits (typed on the kiosk's keypad). */
export const kioskPinSchema = z.string().regex(/^\d{4,8}$/, 'must be 4 to 8 digits');

/** PUT /api/projects/:projectId/kiosk-pin (managers): set or change the project's kiosk PIN. */
export const setKioskPinSchema = z.strictObject({ pin: kioskPinSchema });
export type SetKioskPinBody = z.infer<typeof setKioskPinSchema>;

/**
 * What the setup screen asks the PIN for: to open (`unlock`), or one change — printing on or off,
 * this device as the take-a-number kiosk or the calling screen, forget the device key.
 */
export const KIOSK_SETUP_ACTIONS = [
  'unlock',
  'print-on',
  'print-off',
  'mode-kiosk',
  'mode-screen',
  'forget-key',
] as const;
export type KioskSetupAction = (typeof KIOSK_SETUP_ACTIONS)[number];

/** POST /api/kiosk/setup (a KIOSK device key): the PIN and what it is for. */
export const kioskSetupSchema = z.strictObject({
  pin: kioskPinSchema,
  action: z.enum(KIOSK_SETUP_ACTIONS),
});
export type KioskSetupBody = z.infer<typeof kioskSetupSchema>;

/** The answer to a PIN that was right: the action may be carried out (it was audited). */
export const kioskSetupResultSchema = z.object({ action: z.enum(KIOSK_SETUP_ACTIONS) });
export type KioskSetupResult = z.infer<typeof kioskSetupResultSchema>;

/**
 * `details` of the refusals of POST /api/kiosk/setup: INVALID_CREDENTIALS (wrong PIN) and
 * RATE_LIMITED (too many wrong PINs: wait `retryAfterSeconds`); FORBIDDEN with `kioskPinSet:
 * false` when no PIN was set for the project yet (a manager sets it on the manager page).
 */
export interface KioskSetupRefusal {
  /** Wrong PINs still allowed before the device must wait. */
  attemptsBeforeWait?: number;
  /** Seconds until the next PIN is accepted (0: now). */
  retryAfterSeconds?: number;
  kioskPinSet?: false;
}
