import { describe, expect, it } from 'vitest';
import { ApiError } from '@kaipan/shared';
import { readPinRefusal } from './setup-pin';

describe('readPinRefusal', () => {
  it('reads a wrong PIN, a wait, a project without a PIN and anything else', () => {
    expect(
      readPinRefusal(
        new ApiError('INVALID_CREDENTIALS', 'Wrong kiosk PIN.', 401, { attemptsBeforeWait: 2, retryAfterSeconds: 0 }),
      ),
    ).toEqual({
      kind: 'wrong',
      attemptsLeft: 2,
      waitSeconds: 0,
    });
    expect(
      readPinRefusal(
        new ApiError('INVALID_CREDENTIALS', 'Wrong kiosk PIN.', 401, { attemptsBeforeWait: 0, retryAfterSeconds: 30 }),
      ),
    ).toEqual({
      kind: 'wrong',
      attemptsLeft: 0,
      waitSeconds: 30,
    });
    expect(readPinRefusal(new ApiError('RATE_LIMITED', 'wait', 429, { retryAfterSeconds: 12.2 }))).toEqual({
      kind: 'wait',
      waitSeconds: 13,
    });
    expect(readPinRefusal(new ApiError('RATE_LIMITED', 'wait', 429))).toEqual({ kind: 'wait', waitSeconds: 1 });
    expect(readPinRefusal(new ApiError('FORBIDDEN', 'no pin', 403, { kioskPinSet: false }))).toEqual({
      kind: 'no-pin',
    });
    expect(readPinRefusal(new ApiError('FORBIDDEN', 'not a kiosk', 403)).kind).toBe('other');
    expect(readPinRefusal(new TypeError('Failed to fetch')).kind).toBe('other');
  });
});
