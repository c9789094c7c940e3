/** Turns mirror entries into the protocol's unit states and changes (shared by snapshot and feed). */
import type { CatalogUnit, UnitChange, UnitLockInfo, UnitState } from '@kaipan/shared';
import type { MirrorUnit, RawLock, RawUnitChange } from '../selling/mirror.js';

export function toLockInfo(
  lock: { holderId: string; holderName: string; expiresAt: number },
  nowMs: number,
): UnitLockInfo {
  return {
    holderId: lock.holderId,
    holderName: lock.holderName,
    expiresAt: new Date(lock.expiresAt).toISOString(),
    ttlMs: Math.max(0, lock.expiresAt - nowMs),
  };
}

export function toUnitState(
  unit: CatalogUnit,
  mirror: MirrorUnit | undefined,
  lock: RawLock | undefined,
  nowMs: number,
): UnitState {
  const state: UnitState = {
    id: unit.id,
    code: unit.code,
    buildingId: unit.buildingId,
    floor: unit.floor,
    status: mirror?.status ?? 'NOT_RELEASED',
  };
  if (state.status === 'AVAILABLE' && lock && lock.e > nowMs) {
    state.status = 'LOCKED';
    state.lock = toLockInfo({ holderId: lock.h, holderName: lock.n, expiresAt: lock.e }, nowMs);
  }
  if (mirror?.price !== undefined) state.price = mirror.price;
  return state;
}

/** Lock times in a change are measured against the change's own Redis time, so `ttlMs` is skew-free. */
export function toUnitChange(raw: RawUnitChange): UnitChange {
  const change: UnitChange = { seq: raw.seq, unitId: raw.unitId, status: raw.status, at: raw.at };
  if (raw.lock) change.lock = toLockInfo(raw.lock, raw.at);
  if (raw.price !== undefined) change.price = raw.price;
  if (raw.deal) change.deal = raw.deal;
  return change;
}
