/**
 * Which actions are running, by key (a row id, "next:VIP"…): buttons disable themselves and a
 * second press of the same action is ignored while the first runs. Failures become an error toast.
 */
import { createSignal } from 'solid-js';
import { describeError } from './i18n';
import { showToast } from '../stores/toasts';

export function createBusySet(after?: () => void) {
  const [keys, setKeys] = createSignal<ReadonlySet<string>>(new Set());
  const mark = (key: string, on: boolean): void => {
    setKeys((prev) => {
      const next = new Set(prev);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  };
  return {
    has: (key: string): boolean => keys().has(key),
    /** Run `task` under `key` unless it is already running. */
    async run(key: string, task: () => Promise<void>): Promise<void> {
      if (keys().has(key)) return;
      mark(key, true);
      try {
        await task();
      } catch (err) {
        showToast('error', describeError(err));
      } finally {
        mark(key, false);
        after?.();
      }
    },
  };
}

/** One action at a time (a dialog's confirm button): `busy()` while it runs; a failure becomes an error toast. */
export function createBusy() {
  const set = createBusySet();
  return {
    busy: (): boolean => set.has(''),
    run: (task: () => Promise<void>): Promise<void> => set.run('', task),
  };
}
