/**
 * Launch replay 开盘回放 on the board (managers; docs/replay.md): loads the record of a window once
 * (GET /api/projects/:projectId/replay), then plays it at 1×–60× or follows the slider. The state at
 * the replay clock is shared/src/replay.ts `replayStateAt` — the same rule the server's tests prove
 * equal to the database.
 */
import { createEffect, createMemo, createSignal, onCleanup } from 'solid-js';
import { changesUntil, type Replay, type ReplaySpeed, type UnitStatus } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import type { Api } from '../lib/api';

/** How often the replay clock advances while playing. */
const TICK_MS = 200;
/** The slider starts this long before the first change of the window. */
const LEAD_IN_MS = 30_000;
/** Windows offered, hours back from now. */
export const REPLAY_WINDOWS_H = [3, 6, 12, 24, 72] as const;

/**
 * `active`: the record is loaded only while the replay is open. `windowStart`: where a window of
 * `hours` back from now starts (epoch ms); by default exactly that far back.
 */
export function createReplay(
  projectId: string,
  client: Api,
  active: () => boolean,
  windowStart: (hours: number) => number = (h) => Date.now() - h * 3600_000,
) {
  const [hours, setHours] = createSignal<number>(12);
  const data = createLoad(
    () => (active() ? hours() : null),
    (h) => client.replay(projectId, new Date(windowStart(h)).toISOString()),
  );
  const [cursor, setCursor] = createSignal(0);
  const [playing, setPlaying] = createSignal(false);
  const [speed, setSpeed] = createSignal<ReplaySpeed>(15);

  const range = createMemo(() => {
    const r = data.value();
    if (!r) return null;
    const from = Date.parse(r.from);
    const to = Date.parse(r.to);
    const first = r.changes[0] ? Date.parse(r.changes[0].at) : to;
    return { from, to, start: Math.max(from, first - LEAD_IN_MS) };
  });
  // A fresh window starts at its first change, paused.
  createEffect(() => {
    const r = range();
    if (!r) return;
    setCursor(r.start);
    setPlaying(false);
  });
  createEffect(() => {
    if (!playing()) return;
    const timer = setInterval(() => {
      const r = range();
      if (!r) return;
      const next = cursor() + TICK_MS * speed();
      if (next >= r.to) {
        setCursor(r.to);
        setPlaying(false);
      } else setCursor(next);
    }, TICK_MS);
    onCleanup(() => clearInterval(timer));
  });

  /** Statuses at the replay clock and when (replay time) each unit last changed. */
  const state = createMemo(() => {
    const r: Replay | undefined = data.value();
    const statuses: Record<string, UnitStatus> = r ? { ...r.initial } : {};
    const last = new Map<string, number>();
    if (r) {
      const n = changesUntil(r.changes, cursor());
      for (let i = 0; i < n; i++) {
        const c = r.changes[i]!;
        statuses[c.unitId] = c.to;
        last.set(c.unitId, Date.parse(c.at));
      }
    }
    return { statuses, last, applied: r ? changesUntil(r.changes, cursor()) : 0 };
  });

  return {
    data,
    hours,
    setHours,
    cursor,
    /** Move the replay clock (the slider); stays within the window. */
    seek: (at: number) => {
      const r = range();
      if (r) setCursor(Math.min(r.to, Math.max(r.from, at)));
    },
    range,
    playing,
    /** Play from the cursor (from the start again once the end was reached). */
    toggle: () => {
      const r = range();
      if (!playing() && r && cursor() >= r.to) setCursor(r.start);
      setPlaying(!playing());
    },
    speed,
    setSpeed,
    status: (unitId: string): UnitStatus => state().statuses[unitId] ?? 'NOT_RELEASED',
    statuses: () => state().statuses,
    /** When the unit last changed, as local time for the flash (replay time scaled by the speed). */
    changedAt: (unitId: string): number | undefined => {
      const at = state().last.get(unitId);
      return at === undefined ? undefined : Date.now() - (cursor() - at) / speed();
    },
    /** The changes played so far, newest first (the side column's list). */
    recent: (n: number) => {
      const r = data.value();
      if (!r) return [];
      const upTo = state().applied;
      return r.changes.slice(Math.max(0, upTo - n), upTo).reverse();
    },
  };
}

export type ReplayStore = ReturnType<typeof createReplay>;
