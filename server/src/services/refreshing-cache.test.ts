import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RefreshingCache } from './refreshing-cache.js';

/** A loader whose calls are counted and whose results are released by hand. */
function controlledLoader() {
  const calls: { key: string; resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const load = (key: string) => new Promise<string>((resolve, reject) => calls.push({ key, resolve, reject }));
  return { calls, load };
}

describe('RefreshingCache', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-28T01:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('shares one load between concurrent callers of a missing key', async () => {
    const { calls, load } = controlledLoader();
    const cache = new RefreshingCache(load, { freshMs: 1_000, maxStaleMs: 10_000 });
    const a = cache.get('k');
    const b = cache.get('k');
    expect(calls).toHaveLength(1);
    calls[0]!.resolve('v1');
    await expect(Promise.all([a, b])).resolves.toEqual(['v1', 'v1']);
  });

  it('serves a stale entry at once and refreshes it in the background, once', async () => {
    const { calls, load } = controlledLoader();
    const cache = new RefreshingCache(load, { freshMs: 1_000, maxStaleMs: 10_000 });
    const first = cache.get('k');
    calls[0]!.resolve('v1');
    await first;
    vi.advanceTimersByTime(1_500);
    await expect(cache.get('k')).resolves.toBe('v1');
    await expect(cache.get('k')).resolves.toBe('v1');
    expect(calls).toHaveLength(2);
    calls[1]!.resolve('v2');
    await Promise.resolve();
    await Promise.resolve();
    await expect(cache.get('k')).resolves.toBe('v2');
    expect(calls).toHaveLength(2);
  });

  it('makes callers wait once an entry is older than maxStaleMs', async () => {
    const { calls, load } = controlledLoader();
    const cache = new RefreshingCache(load, { freshMs: 1_000, maxStaleMs: 10_000 });
    const first = cache.get('k');
    calls[0]!.resolve('v1');
    await first;
    vi.advanceTimersByTime(10_001);
    let settled = false;
    const next = cache.get('k').then((v) => {
      settled = true;
      return v;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    calls[1]!.resolve('v2');
    await expect(next).resolves.toBe('v2');
  });

  it('keeps the stale entry when a background refresh fails, and reports the error', async () => {
    const { calls, load } = controlledLoader();
    const errors: unknown[] = [];
    const cache = new RefreshingCache(load, {
      freshMs: 1_000,
      maxStaleMs: 10_000,
      onRefreshError: (e) => errors.push(e),
    });
    const first = cache.get('k');
    calls[0]!.resolve('v1');
    await first;
    vi.advanceTimersByTime(2_000);
    await expect(cache.get('k')).resolves.toBe('v1');
    calls[1]!.reject(new Error('database blip'));
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(cache.peek('k')).toBe('v1');
  });

  it('does not store a load that started before the key was deleted', async () => {
    const { calls, load } = controlledLoader();
    const cache = new RefreshingCache(load, { freshMs: 1_000, maxStaleMs: 10_000 });
    const stale = cache.get('k');
    vi.advanceTimersByTime(5);
    cache.delete('k');
    calls[0]!.resolve('before-change');
    await expect(stale).resolves.toBe('before-change');
    expect(cache.peek('k')).toBeUndefined();
    const fresh = cache.get('k');
    calls[1]!.resolve('after-change');
    await expect(fresh).resolves.toBe('after-change');
    expect(cache.peek('k')).toBe('after-change');
  });

  it('evicts the oldest entries beyond maxEntries', async () => {
    const cache = new RefreshingCache(async (k: number) => k * 10, {
      freshMs: 1_000,
      maxStaleMs: 10_000,
      maxEntries: 3,
    });
    for (const k of [1, 2, 3, 4]) await cache.get(k);
    expect([1, 2, 3, 4].map((k) => cache.peek(k))).toEqual([undefined, 20, 30, 40]);
  });
});
