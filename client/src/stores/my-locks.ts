/**
 * The consultant's own locks: the fencing tokens returned by `unit:lock` (persisted so a reload
 * can still confirm or release), the lock / release / confirm commands with optimistic overlays
 * rolled back on error, and the cleanup of tokens whose lock ended (expired, released, sold).
 */
import { createMemo, createSignal, onCleanup } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import type { Buyer, ConfirmResult, DealTerms, UnitChange, UserInfo } from '@kaipan/shared';
import { api, toApiError } from '../lib/api';
import { secondsLeft } from '../lib/clock';
import type { LiveUnit, UnitsStore } from './units';

export interface HeldLock {
  unitId: string;
  projectId: string;
  token: string;
  /** Local epoch ms when the lock lapses (ack time + ttlMs). */
  deadline: number;
  /** Local epoch ms when we got the token. */
  createdAt: number;
  /** The registered buyer (认筹) the lock was taken for: the confirm names no other buyer. */
  registrationId?: string;
}

/** A lock of mine shown in the "my locks" strip. */
export interface MyLockView {
  unitId: string;
  code: string;
  deadline: number;
  /** False when the lock was taken on another device: we cannot release or confirm it here. */
  hasToken: boolean;
}

/** Why a held lock disappeared (for the message the consultant sees). */
export type LockEndReason = 'expired' | 'lost';

const GRACE_MS = 1_500;

function storageKey(userId: string): string {
  return `kaipan.locks.${userId}`;
}

function readLocks(userId: string): Record<string, HeldLock> {
  try {
    const raw = localStorage.getItem(storageKey(userId));
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: Record<string, HeldLock> = {};
    for (const [id, v] of Object.entries(parsed as Record<string, unknown>)) {
      const l = v as Partial<HeldLock>;
      if (
        typeof l.token === 'string' &&
        typeof l.projectId === 'string' &&
        typeof l.deadline === 'number' &&
        typeof l.createdAt === 'number' &&
        l.deadline > Date.now()
      ) {
        out[id] = { unitId: id, token: l.token, projectId: l.projectId, deadline: l.deadline, createdAt: l.createdAt };
        if (typeof l.registrationId === 'string') out[id].registrationId = l.registrationId;
      }
    }
    return out;
  } catch {
    return {};
  }
}

export interface MyLocksOptions {
  projectId: string;
  user: UserInfo;
  units: UnitsStore;
  /** Lock window of the project in seconds (for the optimistic countdown before the ack). */
  lockTtlSeconds: () => number;
  /** A held lock ended without us releasing or confirming it. */
  onLockEnded?: (unitId: string, reason: LockEndReason) => void;
}

export function createMyLocks(options: MyLocksOptions) {
  const { projectId, user, units } = options;
  const [held, setHeld] = createStore<Record<string, HeldLock | undefined>>(readLocks(user.id));
  const [busy, setBusy] = createSignal<ReadonlySet<string>>(new Set());

  function persist(): void {
    const plain: Record<string, HeldLock> = {};
    for (const [id, l] of Object.entries(held)) if (l) plain[id] = { ...l };
    localStorage.setItem(storageKey(user.id), JSON.stringify(plain));
  }
  function put(lock: HeldLock): void {
    setHeld(lock.unitId, lock);
    persist();
  }
  function drop(unitId: string, reason?: LockEndReason): void {
    if (!held[unitId]) return;
    setHeld(produce((h) => void delete h[unitId]));
    persist();
    if (reason) options.onLockEnded?.(unitId, reason);
  }

  const isMine = (u: LiveUnit | undefined): boolean => u?.status === 'LOCKED' && u.lock?.holderId === user.id;

  // A change for a unit we hold that is not "still locked by me" ends our lock — unless our own
  // release/confirm is in flight: its broadcast may overtake its ack, and the ack decides.
  const offApplied = units.onApplied((changes: UnitChange[]) => {
    for (const c of changes) {
      const lock = held[c.unitId];
      if (!lock || busy().has(c.unitId)) continue;
      if (c.status === 'LOCKED' && c.lock?.holderId === user.id) {
        setHeld(c.unitId, 'deadline', Date.now() + (c.lock?.ttlMs ?? 0));
        persist();
      } else {
        drop(c.unitId, c.status === 'AVAILABLE' ? 'expired' : 'lost');
      }
    }
  });
  // After a snapshot, tokens older than the join whose unit is no longer mine are gone.
  const offSnapshot = units.onSnapshot((requestedAt) => {
    for (const lock of Object.values(held)) {
      if (!lock || lock.projectId !== projectId || lock.createdAt >= requestedAt || busy().has(lock.unitId)) continue;
      if (!isMine(units.state.units[lock.unitId])) drop(lock.unitId, 'expired');
    }
    // Locks of mine taken on another device (or before storage was cleared): fetch their tokens.
    const orphans = Object.values(units.state.units).filter((u) => isMine(u) && !held[u.id]);
    if (orphans.length > 0) {
      api.myLocks(projectId).then(
        (locks) => {
          const at = Date.now();
          for (const l of locks)
            if (!held[l.unitId])
              put({ unitId: l.unitId, projectId, token: l.token, deadline: at + l.ttlMs, createdAt: at });
        },
        () => undefined,
      );
    }
  });
  // Expiry also ends a lock when no frame tells us (offline): the server's TTL is authoritative.
  const sweeper = setInterval(() => {
    const t = Date.now();
    for (const lock of Object.values(held)) if (lock && lock.deadline + GRACE_MS < t) drop(lock.unitId, 'expired');
  }, 1_000);
  onCleanup(() => {
    offApplied();
    offSnapshot();
    clearInterval(sweeper);
  });

  function markBusy(unitId: string, on: boolean): void {
    setBusy((prev) => {
      const next = new Set(prev);
      if (on) next.add(unitId);
      else next.delete(unitId);
      return next;
    });
  }

  /** Run one command per unit at a time (double-tap protection). */
  async function exclusive<T>(unitId: string, run: () => Promise<T>): Promise<T | undefined> {
    if (busy().has(unitId)) return undefined;
    markBusy(unitId, true);
    try {
      return await run();
    } finally {
      markBusy(unitId, false);
    }
  }

  const list = createMemo<MyLockView[]>(() => {
    const out = new Map<string, MyLockView>();
    for (const lock of Object.values(held)) {
      if (!lock || lock.projectId !== projectId) continue;
      const u = units.state.units[lock.unitId];
      out.set(lock.unitId, { unitId: lock.unitId, code: u?.code ?? '…', deadline: lock.deadline, hasToken: true });
    }
    for (const u of Object.values(units.state.units)) {
      if (isMine(u) && u.lock && !out.has(u.id)) {
        out.set(u.id, { unitId: u.id, code: u.code, deadline: u.lock.deadline, hasToken: false });
      }
    }
    return [...out.values()].sort((a, b) => a.deadline - b.deadline);
  });

  return {
    /** My current locks in this project, soonest to lapse first. */
    list,
    token(unitId: string): string | undefined {
      return held[unitId]?.token;
    },
    deadline(unitId: string): number | undefined {
      return (
        held[unitId]?.deadline ??
        (isMine(units.state.units[unitId]) ? units.state.units[unitId]?.lock?.deadline : undefined)
      );
    },
    isBusy(unitId: string): boolean {
      return busy().has(unitId);
    },
    /** The registered buyer a held lock is for, if any. */
    registrationOf(unitId: string): string | undefined {
      return held[unitId]?.registrationId;
    },
    /** Lock a unit (for a registered buyer when given). Resolves true on success; throws an ApiError on refusal. */
    async lock(unitId: string, registrationId?: string): Promise<boolean> {
      const done = await exclusive(unitId, async () => {
        const optimisticDeadline = Date.now() + options.lockTtlSeconds() * 1000;
        units.setOverlay(unitId, {
          status: 'LOCKED',
          lock: {
            holderId: user.id,
            holderName: user.displayName,
            expiresAt: new Date(optimisticDeadline).toISOString(),
            ttlMs: options.lockTtlSeconds() * 1000,
            deadline: optimisticDeadline,
          },
        });
        try {
          const result = await units.command('unit:lock', registrationId ? { unitId, registrationId } : { unitId });
          const at = Date.now();
          put({
            unitId,
            projectId,
            token: result.token,
            deadline: at + result.ttlMs,
            createdAt: at,
            ...(registrationId ? { registrationId } : {}),
          });
          // Keep the overlay until the broadcast arrives, with the real deadline.
          const cur = units.unit(unitId);
          if (cur?.status !== 'LOCKED' || cur.lock?.holderId !== user.id) {
            units.setOverlay(unitId, {
              status: 'LOCKED',
              lock: {
                holderId: user.id,
                holderName: user.displayName,
                expiresAt: result.expiresAt,
                ttlMs: result.ttlMs,
                deadline: at + result.ttlMs,
              },
            });
          }
          return true;
        } catch (error) {
          units.clearOverlay(unitId);
          throw toApiError(error);
        }
      });
      return done === true;
    },
    /** Give a unit back. A lock that already ended counts as released. */
    async release(unitId: string): Promise<boolean> {
      const token = held[unitId]?.token;
      if (!token) return false;
      const done = await exclusive(unitId, async () => {
        units.setOverlay(unitId, { status: 'AVAILABLE', lock: undefined });
        try {
          await units.command('unit:release', { unitId, token });
          drop(unitId);
          return true;
        } catch (error) {
          const err = toApiError(error);
          if (err.code === 'LOCK_EXPIRED') {
            drop(unitId);
            units.clearOverlay(unitId);
            return true;
          }
          units.clearOverlay(unitId);
          throw err;
        }
      });
      return done === true;
    },
    /**
     * Confirm the subscription (认购). `buyer` is omitted for a lock taken for a registered buyer;
     * `terms` carry the plan, discounts, the price-list version the quote used and an approval id.
     * Returns the ack: the subscription id and, under a deposit rule 定金时限, the deposit deadline.
     */
    async confirm(unitId: string, buyer?: Buyer, terms: DealTerms = {}): Promise<ConfirmResult | undefined> {
      const token = held[unitId]?.token;
      if (!token) return undefined;
      return exclusive(unitId, async () => {
        units.setOverlay(unitId, { status: 'SUBSCRIBED', lock: undefined });
        try {
          const result = await units.command('unit:confirm', { unitId, token, ...(buyer ? { buyer } : {}), ...terms });
          drop(unitId);
          return result;
        } catch (error) {
          const err = toApiError(error);
          units.clearOverlay(unitId); // back to what the server last said
          if (err.code === 'LOCK_EXPIRED') drop(unitId);
          throw err;
        }
      });
    },
    /** Seconds left on a held lock (reactive through the shared clock). */
    secondsLeft(unitId: string): number | undefined {
      const d = held[unitId]?.deadline;
      return d === undefined ? undefined : secondsLeft(d);
    },
  };
}

export type MyLocks = ReturnType<typeof createMyLocks>;
