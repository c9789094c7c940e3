/**
 * The kiosk's loads: the one loading primitive (`createLoad`, shared/web/resource.ts) as the
 * kiosk's unattended screens need it — a failure stays on screen while the automatic retry runs
 * ("failed, retrying"), and another source clears the previous answer (a failure or a payment list
 * for one ticket, deal or day never shows for the next while it loads) — with the failure as an
 * ApiError to translate by code.
 */
import type { Accessor } from 'solid-js';
import { createLoad } from '@kaipan/web/resource';
import { toApiError, type ApiError } from './api';

export interface Loader<T> {
  data: Accessor<T | undefined>;
  error: Accessor<ApiError | null>;
  loading: Accessor<boolean>;
  reload: () => Promise<void>;
}

export function createLoader<S, T>(
  source: Accessor<S | null | undefined | false>,
  fetcher: (source: S) => Promise<T>,
): Loader<T> {
  const load = createLoad(source, fetcher, { keepErrorWhileRetrying: true, clearOnSourceChange: true });
  return {
    data: load.value,
    error: () => {
      const error = load.error();
      return error === undefined ? null : toApiError(error);
    },
    loading: load.loading,
    reload: load.refetch,
  };
}
