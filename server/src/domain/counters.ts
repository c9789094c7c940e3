/**
 * Floor for the per-project sequence and fencing counters when Redis has lost them.
 * Counters must never go backwards (clients detect gaps; tokens fence stale locks), so a rebuilt
 * counter starts from the wall clock: 100,000 per second since 2023-11-14. That outruns any real
 * change rate while staying below 10^14, the largest integer Redis' Lua (cjson, %.14g) prints exactly.
 */
const EPOCH_SECONDS = 1_700_000_000;
const PER_SECOND = 100_000;

export function counterFloor(nowMs: number): number {
  return Math.max(1, Math.floor(nowMs / 1000 - EPOCH_SECONDS)) * PER_SECOND;
}
