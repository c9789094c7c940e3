/**
 * The live unit store of one project: a snapshot on every (re)join, then `units:changed` frames
 * applied by sequence number (apply-frame.ts). A gap or a reconnect replaces state from a fresh
 * snapshot. Optimistic overlays let screens show the intended status while a command is in
 * flight; they never touch the sequenced state and are dropped on error or when the server's
 * own change for that unit arrives.
 */
import { batch, getOwner, onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import {
  SYSTEM_UP,
  handshakeErrorCode,
  sellingBlockedBy,
  type DealInfo,
  type Dependency,
  type HubAuth,
  type HubCommand,
  type HubCommandInput,
  type HubCommandResults,
  type ProjectChangedEvent,
  type ServerToClientEvents,
  type SystemStatus,
  type UnitChange,
  type UnitsChangedFrame,
} from '@kaipan/shared';
import { ApiError, toApiError, type Api } from '../lib/api';
import { command, connectHub } from '../lib/socket';
import { applyFrame, fromSnapshot, type LiveLock, type LiveUnit, type UnitsState } from './apply-frame';
import { signOut } from './session';

export { applyFrame } from './apply-frame';
export type { LiveLock, LiveUnit } from './apply-frame';

export type ConnectionState = 'connecting' | 'online' | 'offline' | 'resyncing';

/** What a screen shows while a command is in flight. */
export interface Overlay {
  status: LiveUnit['status'];
  lock: LiveLock | undefined;
}

export interface UnitsStoreState {
  /** A snapshot has been applied at least once. */
  loaded: boolean;
  seq: number;
  paused: boolean;
  units: Record<string, LiveUnit>;
  overlays: Record<string, Overlay | undefined>;
  connection: ConnectionState;
  /** Local epoch ms of the last snapshot or frame received. */
  lastUpdate: number | null;
  /** A failure that retrying by itself will not fix (forbidden, unknown project, bad device key). */
  fatal: ApiError | null;
  /** Latest subscriptions, newest first (only when the store was asked to track deals). */
  deals: DealInfo[];
  /**
   * PostgreSQL/Redis as the server sees them (`system:status`, the join ack). While one is down
   * selling is paused by the server; screens show it and disable lock/confirm (see `blockedBy`).
   */
  system: SystemStatus;
}

export interface UnitsStoreOptions {
  projectId: string;
  auth: HubAuth;
  /** Track the latest deals for a ticker: initial list over HTTP, then from frames. */
  deals?: { api: Api; limit: number };
}

const FATAL_CODES = new Set(['FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED', 'INVALID_CREDENTIALS', 'DEVICE_REVOKED']);
/** An overlay the server never answered for (frame lost, command timed out) must not stick. */
const OVERLAY_MAX_MS = 10_000;

export function createUnitsStore(options: UnitsStoreOptions) {
  const { projectId } = options;
  const socket = connectHub(options.auth);
  const usesToken = 'token' in options.auth;

  const [state, setState] = createStore<UnitsStoreState>({
    loaded: false,
    seq: 0,
    paused: false,
    units: {},
    overlays: {},
    connection: 'connecting',
    lastUpdate: null,
    fatal: null,
    deals: [],
    system: { ...SYSTEM_UP },
  });

  /** Plain (non-reactive) mirror the pure rules run on; the Solid store gets copies. */
  let core: UnitsState | null = null;
  let joinGeneration = 0;
  let joining = false;
  let buffered: UnitsChangedFrame[] = [];
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryAttempt = 0;
  let disposed = false;
  let handshakeRetry: ReturnType<typeof setTimeout> | undefined;
  let handshakeAttempt = 0;
  const overlayTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const appliedListeners = new Set<(changes: UnitChange[]) => void>();
  const snapshotListeners = new Set<(requestedAt: number) => void>();

  function clearOverlay(unitId: string): void {
    const timer = overlayTimers.get(unitId);
    if (timer) clearTimeout(timer);
    overlayTimers.delete(unitId);
    if (state.overlays[unitId]) setState('overlays', unitId, undefined);
  }

  function setOverlay(unitId: string, overlay: Overlay): void {
    clearOverlay(unitId);
    setState('overlays', unitId, { ...overlay });
    overlayTimers.set(
      unitId,
      setTimeout(() => clearOverlay(unitId), OVERLAY_MAX_MS),
    );
  }

  /** A deal stays on the ticker while its unit is sold: 退房, 换房 and the deposit rule return the unit. */
  function stillSold(d: DealInfo): boolean {
    const status = state.units[d.unitId]?.status;
    return status === undefined || status === 'SUBSCRIBED' || status === 'CONTRACTED';
  }

  function addDeals(deals: DealInfo[]): void {
    const limit = options.deals?.limit ?? 0;
    if (limit === 0 || deals.length === 0) return;
    const seen = new Set<string>();
    const merged = [...deals, ...state.deals]
      .filter((d) => (seen.has(d.subscriptionId) ? false : (seen.add(d.subscriptionId), true)))
      .filter(stillSold)
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
      .slice(0, limit);
    setState('deals', reconcile(merged, { key: 'subscriptionId' }));
  }

  function applyOne(frame: UnitsChangedFrame): 'ok' | 'gap' {
    if (!core) return 'ok';
    const result = applyFrame(core, frame, Date.now());
    core = result.state;
    batch(() => {
      for (const change of result.applied) {
        const unit = core?.units[change.unitId];
        if (unit) setState('units', change.unitId, { ...unit, lock: unit.lock ? { ...unit.lock } : undefined });
        clearOverlay(change.unitId);
      }
      setState('seq', result.state.seq);
      setState('lastUpdate', Date.now());
    });
    if (result.applied.length > 0) {
      if (state.deals.some((d) => !stillSold(d))) setState('deals', state.deals.filter(stillSold));
      addDeals(result.applied.flatMap((c) => (c.deal ? [c.deal] : [])));
      for (const listener of appliedListeners) listener(result.applied);
    }
    return result.outcome === 'gap' ? 'gap' : 'ok';
  }

  function scheduleRetry(): void {
    clearTimeout(retryTimer);
    const base = Math.min(10_000, 1_000 * 2 ** retryAttempt);
    retryAttempt += 1;
    retryTimer = setTimeout(() => void join(), base * (0.5 + Math.random()));
  }

  async function refreshDeals(): Promise<void> {
    if (!options.deals) return;
    try {
      addDeals(await options.deals.api.deals(projectId, options.deals.limit));
    } catch {
      // The ticker keeps what it has; frames keep adding new deals.
    }
  }

  /** (Re)join the project room and replace state from the snapshot in the ack. */
  async function join(): Promise<void> {
    if (disposed) return;
    clearTimeout(retryTimer);
    const generation = ++joinGeneration;
    joining = true;
    buffered = [];
    setState('connection', state.loaded ? 'resyncing' : 'connecting');
    const requestedAt = Date.now();
    try {
      const snapshot = await command(socket, 'project:join', { projectId });
      if (generation !== joinGeneration || disposed) return;
      const receivedAt = Date.now();
      core = fromSnapshot(snapshot, receivedAt);
      const copy: Record<string, LiveUnit> = {};
      for (const [id, u] of Object.entries(core.units)) copy[id] = { ...u, lock: u.lock ? { ...u.lock } : undefined };
      batch(() => {
        setState('units', reconcile(copy));
        for (const id of Object.keys(state.overlays)) clearOverlay(id);
        setState({ seq: core?.seq ?? 0, paused: snapshot.paused, loaded: true, fatal: null, lastUpdate: receivedAt });
        if (snapshot.system) setState('system', { ...snapshot.system });
      });
      joining = false;
      // Frames that raced the ack: older ones are ignored by seq, newer ones apply.
      const pending = buffered;
      buffered = [];
      let gap = false;
      for (const frame of pending) if (applyOne(frame) === 'gap') gap = true;
      for (const listener of snapshotListeners) listener(requestedAt);
      retryAttempt = 0;
      if (gap) {
        void join();
        return;
      }
      setState('connection', socket.connected ? 'online' : 'offline');
      void refreshDeals();
    } catch (error) {
      if (generation !== joinGeneration || disposed) return;
      joining = false;
      const err = toApiError(error);
      if (FATAL_CODES.has(err.code)) {
        if (err.code === 'UNAUTHENTICATED' && usesToken) signOut();
        setState({ fatal: err, connection: socket.connected ? 'online' : 'offline' });
        return;
      }
      if (err.code === 'OFFLINE') {
        setState('connection', 'offline'); // the next `connect` re-joins
        return;
      }
      setState('connection', socket.connected ? 'resyncing' : 'offline');
      scheduleRetry();
    }
  }

  const onConnect = (): void => {
    handshakeAttempt = 0;
    void join();
  };
  const onDisconnect = (): void => {
    joinGeneration += 1; // an in-flight join is void: its room membership died with the connection
    joining = false;
    setState('connection', 'offline');
  };
  const onConnectError = (error: Error): void => {
    setState('connection', 'offline');
    if (socket.active) return; // socket.io keeps retrying with its backoff
    // The server's middleware refused the handshake, so socket.io stopped retrying.
    const code = handshakeErrorCode(error) ?? 'UNAUTHENTICATED';
    if (FATAL_CODES.has(code)) {
      if (code === 'UNAUTHENTICATED' && usesToken) signOut();
      setState('fatal', new ApiError(code, error.message));
      return;
    }
    // A server-side hiccup (e.g. SERVICE_UNAVAILABLE): retry ourselves, with jittered backoff.
    clearTimeout(handshakeRetry);
    const delay = Math.min(10_000, 1_000 * 2 ** handshakeAttempt) * (0.5 + Math.random());
    handshakeAttempt += 1;
    handshakeRetry = setTimeout(() => {
      if (!disposed && !socket.connected) socket.connect();
    }, delay);
  };
  const onFrame = (frame: UnitsChangedFrame): void => {
    if (frame.projectId !== projectId) return;
    if (joining || !core) {
      buffered.push(frame);
      return;
    }
    if (applyOne(frame) === 'gap') void join();
  };
  // The server says a dependency went down or came back. Coming back needs nothing else: the
  // server rebuilt its live state and says so with `project:changed {resync}` when anything changed.
  const onSystemStatus = (status: SystemStatus): void => {
    setState('system', { postgres: status.postgres, redis: status.redis });
  };
  const resyncListeners = new Set<() => void>();
  const onProjectChanged = (event: ProjectChangedEvent): void => {
    if (event.projectId !== projectId) return;
    setState('paused', event.paused);
    // The server rebuilt its live state (Redis restart, units imported): take a fresh snapshot, and
    // let the page re-read its catalog (units may have been added or changed).
    if (event.resync) {
      void join();
      for (const listener of resyncListeners) listener();
    }
  };

  // The browser knows about a lost network before any ping times out (socket.io only listens for
  // this off localhost): show it at once; when the network is back, resync if the socket survived.
  const onBrowserOffline = (): void => {
    setState('connection', 'offline');
  };
  const onBrowserOnline = (): void => {
    if (socket.connected) void join();
    else if (!socket.active) socket.connect();
  };
  window.addEventListener('offline', onBrowserOffline);
  window.addEventListener('online', onBrowserOnline);

  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  socket.on('connect_error', onConnectError);
  socket.on('units:changed', onFrame);
  socket.on('project:changed', onProjectChanged);
  socket.on('system:status', onSystemStatus);
  if (socket.connected) void join();

  function dispose(): void {
    disposed = true;
    clearTimeout(retryTimer);
    clearTimeout(handshakeRetry);
    for (const timer of overlayTimers.values()) clearTimeout(timer);
    window.removeEventListener('offline', onBrowserOffline);
    window.removeEventListener('online', onBrowserOnline);
    socket.off('connect', onConnect);
    socket.off('disconnect', onDisconnect);
    socket.off('connect_error', onConnectError);
    socket.off('units:changed', onFrame);
    socket.off('project:changed', onProjectChanged);
    socket.off('system:status', onSystemStatus);
    if (socket.connected) socket.emit('project:leave', { projectId }, () => undefined);
  }
  if (getOwner()) onCleanup(dispose);

  /** A unit as screens should show it: the overlay of an in-flight command wins. */
  function unit(unitId: string): LiveUnit | undefined {
    const base = state.units[unitId];
    const overlay = state.overlays[unitId];
    if (!base || !overlay) return base;
    return { ...base, status: overlay.status, lock: overlay.lock };
  }

  return {
    state,
    unit,
    /** All units as shown (for stats). */
    all(): LiveUnit[] {
      return Object.keys(state.units).flatMap((id) => {
        const u = unit(id);
        return u ? [u] : [];
      });
    },
    setOverlay,
    clearOverlay,
    /** The dependency that pauses selling now (server-side outage), or null. */
    blockedBy(): Dependency | null {
      return sellingBlockedBy(state.system);
    },
    /** Set `paused` from an HTTP answer before the broadcast arrives. */
    setPaused(paused: boolean): void {
      setState('paused', paused);
    },
    /** Send a hub command on this store's connection. */
    command<C extends HubCommand>(event: C, payload: HubCommandInput<C>): Promise<HubCommandResults[C]> {
      return command(socket, event, payload);
    },
    /** Re-join now (retry button). */
    retry(): void {
      setState('fatal', null);
      if (!socket.connected) socket.connect();
      else void join();
    },
    /** Listen to another event of this store's hub connection (e.g. 'prices:changed'). Returns an unsubscribe function. */
    listen<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]): () => void {
      // socket.io's typings cannot follow a type parameter; this signature pairs the event with its
      // handler, so the pair is passed on as "some event of the map, with its handler".
      const name: keyof ServerToClientEvents = event;
      const listener: ServerToClientEvents[keyof ServerToClientEvents] = handler;
      socket.on(name, listener);
      return () => socket.off(name, listener);
    },
    /** Called when the server says its live state was rebuilt (re-read static data such as the catalog). */
    onResync(listener: () => void): () => void {
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },
    /** Called with every batch of changes applied from frames. Returns an unsubscribe function. */
    onApplied(listener: (changes: UnitChange[]) => void): () => void {
      appliedListeners.add(listener);
      return () => appliedListeners.delete(listener);
    },
    /** Called after each snapshot, with the local time the join was requested. */
    onSnapshot(listener: (requestedAt: number) => void): () => void {
      snapshotListeners.add(listener);
      return () => snapshotListeners.delete(listener);
    },
    dispose,
  };
}

export type UnitsStore = ReturnType<typeof createUnitsStore>;
