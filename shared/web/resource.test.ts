import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

// Solid's node build is the server renderer (no reactivity): test against the browser build.
vi.mock(
  'solid-js',
  async () => import(fileURLToPath(new URL('../../node_modules/solid-js/dist/solid.js', import.meta.url))),
);

const { createMemo, createRoot, createSignal } = await import('solid-js');
const { createLoad } = await import('./resource');

/** A promise settled from the outside. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('createLoad', () => {
  it('a failed load is an error value: nothing that reads it throws, and it does not stick to the next key', async () => {
    const calls = new Map<string, ReturnType<typeof deferred<string>>>();
    await createRoot(async (dispose) => {
      const [key, setKey] = createSignal('foreign');
      const load = createLoad(key, (k) => {
        const d = deferred<string>();
        calls.set(k, d);
        return d.promise;
      });
      // What a screen does: a memo over the value (Solid's resource.latest threw here).
      const shown = createMemo(() => (load.error() ? 'error' : (load.value() ?? 'spinner')));
      expect(load.loading()).toBe(true);
      expect(shown()).toBe('spinner');

      calls.get('foreign')!.reject(new Error('FORBIDDEN'));
      await tick();
      expect(load.loading()).toBe(false);
      expect((load.error() as Error).message).toBe('FORBIDDEN');
      expect(load.value()).toBeUndefined();
      expect(shown()).toBe('error');

      // Another key: the failure is gone at once (loading), then the answer shows.
      setKey('mine');
      expect(load.error()).toBeUndefined();
      expect(load.loading()).toBe(true);
      expect(shown()).toBe('spinner');
      calls.get('mine')!.resolve('shortlist of mine');
      await tick();
      expect(shown()).toBe('shortlist of mine');
      dispose();
    });
  });

  it('a retry clears the error and loads again; a failed reload keeps the last good value', async () => {
    let attempt = 0;
    await createRoot(async (dispose) => {
      const load = createLoad(async () => {
        attempt += 1;
        if (attempt === 1) throw new Error('offline');
        if (attempt === 3) throw new Error('offline again');
        return attempt;
      });
      await tick();
      expect(load.error()).toBeInstanceOf(Error);
      const retry = load.refetch();
      expect(load.error()).toBeUndefined();
      expect(load.loading()).toBe(true);
      await retry;
      expect(load.value()).toBe(2);
      await load.refetch();
      expect(load.error()).toBeInstanceOf(Error);
      expect(load.value()).toBe(2);
      dispose();
    });
  });

  it('an older answer that arrives after a newer one is dropped', async () => {
    const calls: ReturnType<typeof deferred<string>>[] = [];
    await createRoot(async (dispose) => {
      const [key, setKey] = createSignal('a');
      const load = createLoad(key, () => {
        const d = deferred<string>();
        calls.push(d);
        return d.promise;
      });
      setKey('b');
      calls[1]!.resolve('b');
      await tick();
      calls[0]!.reject(new Error('late failure of a'));
      calls[0]!.resolve('a');
      await tick();
      expect(load.value()).toBe('b');
      expect(load.error()).toBeUndefined();
      expect(load.loading()).toBe(false);
      dispose();
    });
  });
});

describe('createLoad options (the kiosk screens)', () => {
  it('keepErrorWhileRetrying: a retry of the same source keeps the failure until its answer', async () => {
    let attempt = 0;
    const pending: ReturnType<typeof deferred<number>>[] = [];
    await createRoot(async (dispose) => {
      const load = createLoad(
        () => 'device-key',
        () => {
          attempt += 1;
          const d = deferred<number>();
          pending.push(d);
          return d.promise;
        },
        { keepErrorWhileRetrying: true },
      );
      pending[0]!.reject(new Error('offline'));
      await tick();
      expect((load.error() as Error).message).toBe('offline');
      const retry = load.refetch();
      expect(load.loading()).toBe(true);
      expect((load.error() as Error).message).toBe('offline');
      pending[1]!.resolve(7);
      await retry;
      expect(load.error()).toBeUndefined();
      expect(load.value()).toBe(7);
      expect(attempt).toBe(2);
      dispose();
    });
  });

  it('clearOnSourceChange: another source shows neither the last answer nor the last failure while it loads', async () => {
    const calls = new Map<string, ReturnType<typeof deferred<string>>>();
    await createRoot(async (dispose) => {
      const [deal, setDeal] = createSignal<string | null>('deal-1');
      const load = createLoad(
        deal,
        (id) => {
          const d = deferred<string>();
          calls.set(id, d);
          return d.promise;
        },
        { keepErrorWhileRetrying: true, clearOnSourceChange: true },
      );
      calls.get('deal-1')!.resolve('payments of deal 1');
      await tick();
      expect(load.value()).toBe('payments of deal 1');
      setDeal('deal-2');
      expect(load.value()).toBeUndefined();
      expect(load.loading()).toBe(true);
      calls.get('deal-2')!.reject(new Error('NOT_FOUND'));
      await tick();
      setDeal('deal-3');
      expect(load.error()).toBeUndefined();
      setDeal(null);
      expect(load.value()).toBeUndefined();
      expect(load.loading()).toBe(false);
      dispose();
    });
  });
});

describe('web app reads', () => {
  it('go through createLoad: no file of either app uses Solid resources, whose reads throw a failed load at the screen', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.tsx?$/.test(name) && !name.endsWith('.test.ts')) {
          if (/\bcreateResource\b/.test(readFileSync(path, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')))
            offenders.push(relative(repo, path));
        }
      }
    };
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    for (const app of ['client/src', 'kiosk/src']) walk(join(repo, app));
    expect(offenders).toEqual([]);
  });
});
