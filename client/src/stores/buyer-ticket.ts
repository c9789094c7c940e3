/**
 * The public buyer page's live ticket (/q/:token): GET /api/public/tickets/:token on start and on
 * every (re)connect, then namespace /queue (handshake {ticketToken}):
 * - `ticket:changed` — this ticket was called / served / re-queued / dropped: the fresh view;
 * - `availability:changed` — unit statuses and per-layout counts, applied in place;
 * - `queue:changed` — "now serving" of the buyer's category at once, and a throttled refetch (at
 *   most every REFETCH_MIN_MS) for people ahead and the estimate, which only the server computes.
 * A view older than the one shown (by serverTime) never replaces it. An unknown token is a
 * "ticket not found" state, not an error to retry.
 */
import { getOwner, onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { handshakeErrorCode, type AvailabilityChangedEvent, type BuyerView, type QueueState } from '@kaipan/shared';
import { createApi, toApiError, type ApiError } from '../lib/api';
import { connectBuyerHub } from '../lib/socket';
import type { ConnectionState } from './units';

/** At most one refetch per this interval after queue changes (docs/protocol.md: ~5 s). */
export const REFETCH_MIN_MS = 5_000;
const RETRY_MAX_MS = 30_000;

// ── Pure updates (unit-tested in buyer-ticket.test.ts) ────────────────────────────────────────

/** Unit statuses and layout counts from `availability:changed`, applied to a view. */
export function applyAvailability(view: BuyerView, event: AvailabilityChangedEvent): BuyerView {
  if (event.projectId !== view.project.id) return view;
  const status = new Map(event.changes.map((c) => [c.unitId, c.status]));
  const touches = view.shortlist.some((u) => status.has(u.unitId));
  return {
    ...view,
    shortlist: touches
      ? view.shortlist.map((u) => (status.has(u.unitId) ? { ...u, status: status.get(u.unitId) ?? u.status } : u))
      : view.shortlist,
    availability: event.availability,
  };
}

/** "Now serving" of the buyer's category from a board state (the labels, most recent first). */
export function applyQueueState(view: BuyerView, state: QueueState): BuyerView {
  if (state.projectId !== view.project.id) return view;
  const category = state.categories.find((c) => c.code === view.category.code);
  if (!category) return view;
  return { ...view, nowServing: category.nowServing.map((t) => t.label) };
}

/**
 * Which view to show when a fetched one arrives: the newer by serverTime. When availability
 * events arrived after the fetch was sent, their statuses are newer than the fetched ones: keep them.
 */
export function mergeFetched(current: BuyerView | null, fetched: BuyerView, availabilityNewer: boolean): BuyerView {
  if (!current) return fetched;
  if (Date.parse(fetched.serverTime) < Date.parse(current.serverTime)) return current;
  if (!availabilityNewer) return fetched;
  const status = new Map(current.shortlist.map((u) => [u.unitId, u.status]));
  return {
    ...fetched,
    shortlist: fetched.shortlist.map((u) => ({ ...u, status: status.get(u.unitId) ?? u.status })),
    availability: current.availability,
  };
}

// ── Store ─────────────────────────────────────────────────────────────────────────────────────

export interface BuyerTicketState {
  view: BuyerView | null;
  /** The token is unknown (or the ticket is gone): nothing to retry. */
  notFound: boolean;
  /** The last load failure while nothing is shown (cleared by the next success). */
  error: ApiError | null;
  connection: ConnectionState;
  /** Local epoch ms of the last view or event received. */
  lastUpdate: number | null;
  /** Local epoch ms minus the server's clock (from the last view): countdowns immune to skew. */
  clockOffsetMs: number;
}

const publicApi = createApi({ kind: 'none' });

export function createBuyerTicketStore(token: string) {
  const [state, setState] = createStore<BuyerTicketState>({
    view: null,
    notFound: false,
    error: null,
    connection: 'connecting',
    lastUpdate: null,
    clockOffsetMs: 0,
  });
  let disposed = false;
  let lastFetchAt = 0;
  let fetchTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryAttempt = 0;
  let handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  let handshakeAttempt = 0;
  /** Local time of the last availability event (see mergeFetched). */
  let availabilityAt = 0;

  function show(view: BuyerView): void {
    setState('view', reconcile(view, { key: 'unitId' }));
    setState({ lastUpdate: Date.now(), clockOffsetMs: Date.now() - Date.parse(view.serverTime), error: null });
  }

  async function load(): Promise<void> {
    clearTimeout(fetchTimer);
    clearTimeout(retryTimer);
    fetchTimer = undefined;
    const sentAt = Date.now();
    lastFetchAt = sentAt;
    try {
      const fetched = await publicApi.publicTicket(token);
      if (disposed) return;
      retryAttempt = 0;
      show(mergeFetched(state.view, fetched, availabilityAt > sentAt));
    } catch (err) {
      if (disposed) return;
      const e = toApiError(err);
      if (e.code === 'NOT_FOUND' || e.code === 'VALIDATION_FAILED') {
        setState({ notFound: true, error: null });
        socket.disconnect();
        return;
      }
      if (!state.view) setState('error', e);
      // Nobody may be holding the phone: try again by ourselves, backing off.
      const delay = Math.min(RETRY_MAX_MS, 1_000 * 2 ** retryAttempt) * (0.5 + Math.random());
      retryAttempt += 1;
      retryTimer = setTimeout(() => void load(), delay);
    }
  }

  /** A refetch at most every REFETCH_MIN_MS: now if the last one is old enough, else once later. */
  function refetchSoon(): void {
    if (fetchTimer !== undefined || state.notFound) return;
    const wait = Math.max(0, lastFetchAt + REFETCH_MIN_MS - Date.now());
    fetchTimer = setTimeout(() => void load(), wait);
  }

  const socket = connectBuyerHub(token);
  socket.on('connect', () => {
    handshakeAttempt = 0;
    setState('connection', 'online');
    // Events missed while away are gone: read the ticket again.
    void load();
  });
  socket.on('disconnect', () => {
    if (!disposed) setState('connection', 'offline');
  });
  socket.on('connect_error', (err) => {
    if (disposed) return;
    setState('connection', 'offline');
    const code = handshakeErrorCode(err);
    if (code === 'UNAUTHENTICATED') {
      // The server does not know the token: the HTTP answer says whether it is really gone.
      void load();
    }
    // socket.io does not retry a handshake the server refused (UNAUTHENTICATED, RATE_LIMITED): we do.
    if (!socket.active) {
      const delay = Math.min(RETRY_MAX_MS, 1_000 * 2 ** handshakeAttempt) * (0.5 + Math.random());
      handshakeAttempt += 1;
      clearTimeout(handshakeTimer);
      handshakeTimer = setTimeout(() => {
        if (!disposed && !state.notFound) socket.connect();
      }, delay);
    }
  });
  socket.on('ticket:changed', (view) => {
    if (view.ticketId !== state.view?.ticketId && state.view) return;
    show(mergeFetched(state.view, view, false));
  });
  socket.on('availability:changed', (event) => {
    availabilityAt = Date.now();
    if (!state.view) return;
    setState('view', reconcile(applyAvailability(state.view, event), { key: 'unitId' }));
    setState('lastUpdate', Date.now());
  });
  socket.on('queue:changed', (queue) => {
    if (!state.view) return;
    setState('view', reconcile(applyQueueState(state.view, queue), { key: 'unitId' }));
    setState('lastUpdate', Date.now());
    refetchSoon();
  });
  void load();

  function dispose(): void {
    disposed = true;
    clearTimeout(fetchTimer);
    clearTimeout(retryTimer);
    clearTimeout(handshakeTimer);
    socket.removeAllListeners();
    socket.disconnect();
  }
  if (getOwner()) onCleanup(dispose);

  return {
    state,
    /** Try again now (the retry button). */
    reload: () => void load(),
    dispose,
  };
}

export type BuyerTicketStore = ReturnType<typeof createBuyerTicketStore>;
