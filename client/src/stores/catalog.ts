/** Static facts of a project (buildings, units, prices), fetched once per screen. */
import { createMemo } from 'solid-js';
import type { CatalogUnit, ProjectCatalog } from '@kaipan/shared';
import type { Api } from '../lib/api';
import { layoutBuilding, type BuildingLayout } from '../lib/display';
import { createLoad } from '@kaipan/web/resource';

export function createCatalog(projectId: string, client: Api) {
  const catalog = createLoad(() => client.catalog(projectId));
  const ready = (): ProjectCatalog | undefined => catalog.value();
  const refetch = catalog.refetch;
  const byId = createMemo<ReadonlyMap<string, CatalogUnit>>(
    () => new Map((ready()?.units ?? []).map((u) => [u.id, u])),
  );
  const layouts = createMemo<BuildingLayout[]>(() => {
    const c = ready();
    if (!c) return [];
    return c.buildings.map((b) => layoutBuilding(b, c.units));
  });
  return {
    catalog,
    ready,
    refetch,
    byId,
    layouts,
    timeZone: (): string => ready()?.project.timezone ?? 'Asia/Shanghai',
  };
}

export type Catalog = ReturnType<typeof createCatalog>;
