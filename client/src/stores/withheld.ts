/**
 * Withheld units 保留房 with their reason and channel (VIP / staff / agent / other), kept fresh: read
 * once, then again shortly after a live change withholds a unit or puts one back on sale.
 */
import { WITHHOLD_CHANNEL_LABELS } from '@kaipan/shared';
import { onCleanup } from 'solid-js';
import type { UnitChange, WithheldUnitInfo } from '@kaipan/shared';
import type { Api } from '../lib/api';
import { label } from '../lib/i18n';
import { createLoad } from '@kaipan/web/resource';
import type { UnitsStore } from './units';

export function createWithheld(projectId: string, units: UnitsStore, client: Api) {
  const list = createLoad(() => client.withheld(projectId));
  const refetch = list.refetch;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const known = (): ReadonlySet<string> => new Set((list.value() ?? []).map((w) => w.unitId));
  const off = units.onApplied((changes: UnitChange[]) => {
    if (!changes.some((c) => c.status === 'WITHHELD' || known().has(c.unitId))) return;
    clearTimeout(timer);
    timer = setTimeout(() => refetch(), 300);
  });
  const offSnapshot = units.onSnapshot(() => refetch());
  onCleanup(() => {
    off();
    offSnapshot();
    clearTimeout(timer);
  });
  const byId = (): Map<string, WithheldUnitInfo> => new Map((list.value() ?? []).map((w) => [w.unitId, w]));
  return {
    list,
    /** The withholding of a unit, if it is withheld. */
    info: (unitId: string): WithheldUnitInfo | undefined => byId().get(unitId),
    /** Short label of a withheld unit's channel for grid cells (e.g. "VIP", "员工"). */
    tag: (unitId: string): string | undefined => {
      const channel = byId().get(unitId)?.channel;
      return channel ? label(WITHHOLD_CHANNEL_LABELS, channel) : undefined;
    },
  };
}

export type WithheldStore = ReturnType<typeof createWithheld>;
