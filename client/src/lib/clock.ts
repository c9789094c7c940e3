/** One shared ticking clock for countdowns and wall clocks (a timer per cell would be wasteful). */
import { createRoot, createSignal, onCleanup } from 'solid-js';

const TICK_MS = 250;

const clock = createRoot(() => {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), TICK_MS);
  onCleanup(() => clearInterval(timer));
  return now;
});

/** Local epoch ms, updated four times a second. */
export const now = clock;

/**
 * Whole seconds left until `deadline` (local epoch ms), never negative. Reactive (re-evaluates on
 * every tick); reads the real time too, since the tick may lag by up to TICK_MS.
 */
export function secondsLeft(deadline: number): number {
  const at = Math.max(clock(), Date.now());
  return Math.max(0, Math.ceil((deadline - at) / 1000));
}

/** 125 → "02:05" */
export function formatMmSs(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}
