/**
 * Throttling of wrong kiosk PINs (pure). A kiosk's setup screen is on a public touch screen: anyone
 * may type PINs there, one at a time. Staff mistype: the first wrong PINs cost nothing; the
 * KIOSK_PIN_FREE_FAILURES-th wrong PIN in a row makes the device wait 30 s, each further one
 * doubles the wait, up to 15 min.
 * A right PIN, or a manager setting a new one, starts the count again. Only the setup screen of
 * that one device waits: taking numbers never does.
 */

/** The wrong PIN in a row that brings the first wait. */
export const KIOSK_PIN_FREE_FAILURES = 3;
/** The wait after the first failure past the free ones, ms. */
export const KIOSK_PIN_BASE_WAIT_MS = 30_000;
/** The longest wait, ms. */
export const KIOSK_PIN_MAX_WAIT_MS = 15 * 60_000;
/** How long a device's count of wrong PINs is remembered after the last one, ms. */
export const KIOSK_PIN_MEMORY_MS = 24 * 3600_000;

/** How long a device must wait after its `failures`-th wrong PIN in a row, ms (0: none). */
export function kioskPinWaitMs(failures: number): number {
  if (failures < KIOSK_PIN_FREE_FAILURES) return 0;
  return Math.min(KIOSK_PIN_MAX_WAIT_MS, KIOSK_PIN_BASE_WAIT_MS * 2 ** (failures - KIOSK_PIN_FREE_FAILURES));
}

/** Wrong PINs still allowed before a wait, after `failures` in a row. */
export function kioskPinAttemptsBeforeWait(failures: number): number {
  return Math.max(0, KIOSK_PIN_FREE_FAILURES - failures);
}
