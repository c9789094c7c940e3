/**
 * The sales dashboard's launch replay 开盘回放 (docs/dashboard.md, docs/replay.md): the record of a
 * window (the board's replay store, stores/replay.ts) and the project's catalog are loaded once the
 * replay opens; the figures at the replay clock are shared/src/replay-dashboard.ts `dashboardAt` —
 * the live dashboard's own shaping fed with the state reconstructed at that instant.
 */
import { createMemo, untrack } from 'solid-js';
import { changesUntil, dashboardAt, zonedDate, zonedDayWindow, type Dashboard } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import type { Api } from '../../lib/api';
import { createReplay } from '../../stores/replay';

/**
 * `live`: the live figures (the project, its time zone and target). A window starts at the
 * project-local midnight of its first hour, so the subscriptions per minute of any day it shows are
 * all in the record it loaded.
 */
export function createDashboardReplay(
  projectId: string,
  client: Api,
  active: () => boolean,
  live: () => Dashboard | undefined,
) {
  const timeZone = (): string => live()?.timeZone ?? 'Asia/Shanghai';
  const replay = createReplay(projectId, client, active, (hours) => {
    const tz = timeZone();
    return zonedDayWindow(zonedDate(Date.now() - hours * 3600_000, tz), tz).from.getTime();
  });
  const catalog = createLoad(
    () => (active() ? projectId : null),
    (id) => client.catalog(id),
  );
  // The figures change only when a change is applied: recomputed per change, not per clock tick.
  const applied = createMemo(() => {
    const r = replay.data.value();
    return r ? changesUntil(r.changes, replay.cursor()) : -1;
  });
  const figures = createMemo(() => {
    applied();
    const base = untrack(live);
    const units = catalog.value();
    const record = replay.data.value();
    if (!base || !units || !record) return null;
    return dashboardAt(
      {
        project: base.project,
        timeZone: base.timeZone,
        target: base.target,
        buildings: units.buildings,
        units: units.units,
      },
      record,
      untrack(replay.cursor),
    );
  });
  return { replay, catalog, figures };
}

export type DashboardReplay = ReturnType<typeof createDashboardReplay>;
