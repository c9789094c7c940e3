/**
 * Every read of the consultant app goes through `createLoad`: a load whose accessors never throw.
 *
 * Why not Solid's `createResource` directly: `resource()` and `resource.latest` rethrow a failed
 * load's error into whatever reads them. Read inside a `<Show>`/`<Match>` condition or a memo, that
 * throw aborts the update half way: the screen stays on the spinner or skeleton it showed before,
 * and other values read by the same computation (another buyer's shortlist, the rest of the manager
 * page) never arrive until a reload. Here a failed load is a value like any other — `error()` —
 * for the screen to show with a message and a retry; and a failure belongs to the load that failed:
 * a retry or another source clears it at once.
 *
 * A test (shared/web/resource.test.ts) keeps `createResource` out of both apps.
 */
import { createComputed, createSignal, on, untrack, type Accessor } from 'solid-js';

export interface Load<T> {
  /**
   * The answer of the latest successful load. Kept while a reload or a load for a new source runs,
   * and when a reload fails (a list stays on screen) — compare its identity with the source where
   * another source's answer must not show. Undefined before the first answer.
   */
  value: Accessor<T | undefined>;
  /** Why the latest load failed; undefined once a new load starts (never a stale failure). */
  error: Accessor<unknown>;
  /** A load is in flight (the first one, a retry, or one for a new source). */
  loading: Accessor<boolean>;
  /** Load again (the retry button). Resolves when the load ended, whatever its outcome. */
  refetch: () => Promise<void>;
  /** Put a value in place at once (e.g. the row the server just answered); the next load replaces it. */
  mutate: (value: T) => void;
}

type Source<S> = S | null | undefined | false;

/** How a screen wants a load to behave between answers (the kiosk's unattended screens use both). */
export interface LoadOptions {
  /**
   * A reload of the same source keeps the last failure until its answer: a screen nobody attends
   * shows "failed, retrying" through its automatic retries instead of flashing back to "loading".
   */
  keepErrorWhileRetrying?: boolean;
  /**
   * Another source (or none) clears the previous answer and failure at once: nothing of the last
   * deal, ticket or day shows while the next one loads.
   */
  clearOnSourceChange?: boolean;
}

/** A load that runs once (and on refetch). */
export function createLoad<T>(fetcher: () => Promise<T>): Load<T>;
/** A load that runs again whenever `source` changes; nothing is loaded while it is null/undefined/false. */
export function createLoad<T, S>(
  source: Accessor<Source<S>>,
  fetcher: (source: S) => Promise<T>,
  options?: LoadOptions,
): Load<T>;
export function createLoad<T, S>(
  a: Accessor<Source<S>> | (() => Promise<T>),
  b?: (source: S) => Promise<T>,
  options: LoadOptions = {},
): Load<T> {
  const source: Accessor<Source<S>> = b ? (a as Accessor<Source<S>>) : () => true as S;
  const fetch: (s: S) => Promise<T> = b ?? (() => (a as () => Promise<T>)());
  const [value, setValue] = createSignal<T | undefined>(undefined);
  const [error, setError] = createSignal<unknown>(undefined);
  const [loading, setLoading] = createSignal(false);
  /** Only the newest load may write: an older answer arriving late is dropped. */
  let generation = 0;

  const run = async (s: Source<S>): Promise<void> => {
    const mine = (generation += 1);
    if (!options.keepErrorWhileRetrying) setError(undefined);
    if (s === null || s === undefined || s === false) {
      setLoading(false);
      return;
    }
    setLoading(true);
    try {
      const next = await fetch(s);
      if (mine === generation) {
        setValue(() => next);
        setError(undefined);
      }
    } catch (err) {
      if (mine === generation) setError(() => err ?? new Error('load failed'));
    } finally {
      if (mine === generation) setLoading(false);
    }
  };
  // Synchronously on creation (no "empty" frame before the first load starts), then on every change.
  createComputed(
    on(source, (s, previous) => {
      if (options.clearOnSourceChange && previous !== undefined && s !== previous) {
        setValue(undefined);
        setError(undefined);
      }
      void run(s);
    }),
  );

  return {
    value,
    error,
    loading,
    refetch: () => run(untrack(source)),
    mutate: (next) => {
      generation += 1; // an answer already on its way must not overwrite what was just put in place
      setValue(() => next);
      setError(undefined);
      setLoading(false);
    },
  };
}
