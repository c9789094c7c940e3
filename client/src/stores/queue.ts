/**
 * The live queue 叫号 state of one project: GET …/queue on start and on every (re)connect, then
 * `queue:changed` from the hub (the project room the units store joins on the same shared socket).
 * Both carry the server's `serverTime`; an answer older than what is shown is ignored, so a slow
 * HTTP reply can never overwrite a newer broadcast.
 */
import { createSignal, getOwner, onCleanup } from 'solid-js';
import type { HubAuth, QueueState } from '@kaipan/shared';
import { toApiError, type Api, type ApiError } from '../lib/api';
import { connectHub } from '../lib/socket';

export interface QueueStoreOptions {
  projectId: string;
  /** The same credentials as the page's units store, so both share one socket and one room. */
  auth: HubAuth;
  api: Api;
}

const RETRY_MAX_MS = 30_000;

export function createQueueStore(options: QueueStoreOptions) {
  const { projectId } = options;
  const socket = connectHub(options.auth);
  const [state, setState] = createSignal<QueueState | undefined>(undefined);
  const [error, setError] = createSignal<ApiError | null>(null);
  const listeners = new Set<(state: QueueState) => void>();
  /** serverTime (epoch ms) of the state shown. */
  let shownAt = 0;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  function accept(next: QueueState): void {
    const at = Date.parse(next.serverTime);
    if (Number.isFinite(at) && at < shownAt) return;
    if (Number.isFinite(at)) shownAt = at;
    setState(next);
    for (const listener of listeners) listener(next);
  }

  async function load(): Promise<void> {
    clearTimeout(retryTimer);
    try {
      const next = await options.api.queueState(projectId);
      if (disposed) return;
      attempt = 0;
      setError(null);
      accept(next);
    } catch (err) {
      if (disposed) return;
      setError(toApiError(err));
      // Boards have nobody to press retry: back off and try again by ourselves.
      const delay = Math.min(RETRY_MAX_MS, 1_000 * 2 ** attempt) * (0.5 + Math.random());
      attempt += 1;
      retryTimer = setTimeout(() => void load(), delay);
    }
  }

  const onChanged = (next: QueueState): void => {
    if (next.projectId === projectId) accept(next);
  };
  // Broadcasts missed while disconnected are gone: read the state again on every connect.
  const onConnect = (): void => void load();

  socket.on('queue:changed', onChanged);
  socket.on('connect', onConnect);
  void load();

  function dispose(): void {
    disposed = true;
    clearTimeout(retryTimer);
    socket.off('queue:changed', onChanged);
    socket.off('connect', onConnect);
  }
  if (getOwner()) onCleanup(dispose);

  return {
    /** The latest state; undefined until the first answer. */
    state,
    /** The last load failure (cleared by the next success). */
    error,
    refetch: load,
    /** Called with every newer state (HTTP answer or broadcast). Returns an unsubscribe function. */
    onChanged(listener: (state: QueueState) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose,
  };
}

export type QueueStore = ReturnType<typeof createQueueStore>;

/** Does the project have anything to show on a board: someone called or waiting? */
export function hasQueueActivity(state: QueueState | undefined): boolean {
  return (state?.categories ?? []).some((c) => c.nowServing.length > 0 || c.waitingCount > 0);
}
