import { describe, expect, it } from 'vitest';
import {
  KIOSK_PIN_FREE_FAILURES,
  KIOSK_PIN_MAX_WAIT_MS,
  kioskPinAttemptsBeforeWait,
  kioskPinWaitMs,
} from './kiosk-pin.js';

describe('wrong kiosk PINs', () => {
  it('cost nothing at first, then 30 s, doubling, at most 15 min', () => {
    expect([1, 2].map(kioskPinWaitMs)).toEqual([0, 0]);
    expect([3, 4, 5, 6].map(kioskPinWaitMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(kioskPinWaitMs(9)).toBe(KIOSK_PIN_MAX_WAIT_MS);
    expect(kioskPinWaitMs(1000)).toBe(KIOSK_PIN_MAX_WAIT_MS);
  });

  it('count down the attempts before the first wait', () => {
    expect([0, 1, 2, 3, 7].map(kioskPinAttemptsBeforeWait)).toEqual([3, 2, 1, 0, 0]);
    // The last free attempt is the one whose failure brings the first wait.
    expect(kioskPinWaitMs(KIOSK_PIN_FREE_FAILURES)).toBeGreaterThan(0);
    expect(kioskPinWaitMs(KIOSK_PIN_FREE_FAILURES - 1)).toBe(0);
  });
});
