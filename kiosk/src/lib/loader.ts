/**
 * A load with its states as plain signals — data (kept across reloads), error, loading — so screens
 * can show "loading", "failed, retrying" and "ready" without a resource throwing its error at them.
 * Runs again whenever `source` changes; a newer run's answer always wins. A reload of the same source
 * keeps its error on screen until the answer ("failed, retrying"); another source starts clean.
 */
import { createEffect, createSignal, on, type Accessor } from 'solid-js';
import { toApiError, type ApiError } from './api';

export interface Loader<T> {
  data: Accessor<T | undefined>;
  error: Accessor<ApiError | null>;
  loading: Accessor<boolean>;
  reload: () => Promise<void>;
}

export function createLoader<S, T>(source: Accessor<S | null | undefined | false>, fetcher: (source: S) => Promise<T>): Loader<T> {
  const [data, setData] = createSignal<T | undefined>(undefined);
  const [error, setError] = createSignal<ApiError | null>(null);
  const [loading, setLoading] = createSignal(false);
  let generation = 0;

  const run = async (): Promise<void> => {
    const s = source();
    const mine = (generation += 1);
    if (s === null || s === undefined || s === false) {
      setData(undefined);
      setError(null);
      setLoading(false);
      return;
    }
    setLoading(true);
    try {
      const value = await fetcher(s);
      if (mine !== generation) return;
      setData(() => value);
      setError(null);
    } catch (err) {
      if (mine !== generation) return;
      setError(toApiError(err));
    } finally {
      if (mine === generation) setLoading(false);
    }
  };
  createEffect(on(source, (s, previous) => {
    // Another source: what was loaded — or failed — for the previous one no longer applies (a
    // failure for one ticket, deal or day must not show for the next one while it loads).
    if (previous !== undefined && s !== previous) {
      setData(undefined);
      setError(null);
    }
    void run();
  }));
  return { data, error, loading, reload: run };
}
