import { describe, expect, it } from 'vitest';
import { idempotencyKeySchema } from '@kaipan/shared';
import { ApiError } from './api';
import { createSubmitter, newIdempotencyKey, outcomeUnknown } from './cashier-submit';

/** A fake server: records each key once and answers the first result for a repeated key. */
function fakeServer(script: ('ok' | 'lost' | 'refuse' | 'slow')[]) {
  const sent: { key: string; body: string }[] = [];
  const recorded = new Map<string, number>();
  let n = 0;
  let release: (() => void) | null = null;
  const send = async (key: string, body: string): Promise<{ id: number; replay: boolean }> => {
    sent.push({ key, body });
    const step = script[n++] ?? 'ok';
    if (step === 'refuse') throw new ApiError('VALIDATION_FAILED', 'bad', 400);
    if (step === 'slow') await new Promise<void>((resolve) => (release = resolve));
    const replay = recorded.has(key);
    if (!replay) recorded.set(key, recorded.size + 1);
    // 'lost': the server recorded it, the answer never arrived.
    if (step === 'lost') throw new TypeError('Failed to fetch');
    return { id: recorded.get(key) as number, replay };
  };
  return { send, sent, recorded, release: () => release?.() };
}

let counter = 0;
const keys = (): string => `key-${String(++counter).padStart(6, '0')}`;
const noWait = { sleep: async () => {}, newKey: keys };

describe('idempotency keys', () => {
  it('are valid for the server and differ every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const k = newIdempotencyKey();
      expect(idempotencyKeySchema.safeParse(k).success).toBe(true);
      seen.add(k);
    }
    expect(seen.size).toBe(500);
  });

  it('tell a lost answer (resend) from a refusal (nothing recorded)', () => {
    expect(outcomeUnknown(new ApiError('NETWORK_ERROR', 'x'))).toBe(true);
    expect(outcomeUnknown(new ApiError('TIMEOUT', 'x'))).toBe(true);
    expect(outcomeUnknown(new ApiError('INTERNAL', 'x', 500))).toBe(true);
    expect(outcomeUnknown(new ApiError('SERVICE_UNAVAILABLE', 'x', 503))).toBe(true);
    expect(outcomeUnknown(new ApiError('VALIDATION_FAILED', 'x', 400))).toBe(false);
    expect(outcomeUnknown(new ApiError('INVALID_TRANSITION', 'x', 409))).toBe(false);
  });
});

describe('submitter', () => {
  it('a double click sends once and both clicks get the same payment', async () => {
    const server = fakeServer(['slow']);
    const s = createSubmitter(server.send, noWait);
    const first = s.submit('pay 100');
    const second = s.submit('pay 100');
    expect(s.inFlight()).toBe(true);
    server.release();
    expect(await first).toEqual(await second);
    expect(server.sent).toHaveLength(1);
    expect(s.inFlight()).toBe(false);
  });

  it('resends a lost answer with the same key: recorded once, the first result comes back', async () => {
    const server = fakeServer(['lost', 'lost', 'ok']);
    const attempts: number[] = [];
    const s = createSubmitter(server.send, { ...noWait, onAttempt: (n) => attempts.push(n) });
    const key = s.key();
    const result = await s.submit('pay 100');
    expect(result).toEqual({ id: 1, replay: true });
    expect(server.sent.map((x) => x.key)).toEqual([key, key, key]);
    expect(server.recorded.size).toBe(1);
    expect(attempts).toEqual([0, 1, 2]);
    // Recorded: the next payment gets a new key.
    expect(s.key()).not.toBe(key);
  });

  it('keeps the key after giving up, so a later resend cannot record twice', async () => {
    const server = fakeServer(['lost', 'lost', 'lost', 'lost', 'ok']);
    const s = createSubmitter(server.send, { ...noWait, retryDelaysMs: [1, 1, 1] });
    const key = s.key();
    await expect(s.submit('pay 100')).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(server.sent).toHaveLength(4);
    expect(s.key()).toBe(key);
    expect(await s.submit('pay 100')).toEqual({ id: 1, replay: true });
    expect(server.recorded.size).toBe(1);
  });

  it('does not resend a refusal, and keeps the key until success', async () => {
    const server = fakeServer(['refuse', 'ok']);
    const s = createSubmitter(server.send, noWait);
    const key = s.key();
    await expect(s.submit('bad')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(server.sent).toHaveLength(1);
    expect(s.key()).toBe(key);
    await s.submit('good');
    expect(server.sent.map((x) => x.key)).toEqual([key, key]);
  });

  it('a new payment after success gets a new key; reset() does nothing while one is in flight', async () => {
    const server = fakeServer(['ok', 'slow']);
    const s = createSubmitter(server.send, noWait);
    await s.submit('first');
    const second = s.submit('second');
    const during = s.key();
    s.reset();
    expect(s.key()).toBe(during);
    server.release();
    await second;
    expect(new Set(server.sent.map((x) => x.key)).size).toBe(2);
    expect(server.recorded.size).toBe(2);
  });
});
