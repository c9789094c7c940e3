/**
 * The sales-control sheet's and the price list's data, read from PostgreSQL: units by building, their
 * stored status, and the deal price of each live subscription. One read per table, no per-unit query.
 */
import { AppError, type StoredUnitStatus } from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { GridBuilding, GridUnit, SalesControlInput } from '../documents/sales-control.js';
import type { PriceListInput, PriceListUnit } from '../documents/price-list.js';
import { PRINT_STATUS_ORDER } from '../documents/report-paper.js';

const toNumber = (v: { toString(): string } | number | bigint): number => Number(v.toString());

/** Statuses of a sold unit (a live subscription exists). */
const SOLD: readonly StoredUnitStatus[] = ['SUBSCRIBED', 'CONTRACTED'];

const zeroCounts = (): Record<StoredUnitStatus, number> =>
  Object.fromEntries(PRINT_STATUS_ORDER.map((s) => [s, 0])) as Record<StoredUnitStatus, number>;

async function buildingsOf(db: Db, projectId: string, buildingId: string | undefined) {
  const buildings = await db.building.findMany({
    where: { projectId, ...(buildingId ? { id: buildingId } : {}) },
    orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }],
    select: { id: true, name: true, nameEn: true },
  });
  if (buildingId && buildings.length === 0) throw new AppError('NOT_FOUND', 'No such building in this project.');
  return buildings;
}

export type SalesControlData = Omit<SalesControlInput, 'project' | 'printedAt' | 'paper'>;

export async function loadSalesControl(db: Db, projectId: string, buildingId?: string): Promise<SalesControlData> {
  const buildings = await buildingsOf(db, projectId, buildingId);
  const ids = buildings.map((b) => b.id);
  const [units, live] = await Promise.all([
    db.unit.findMany({
      where: { projectId, buildingId: { in: ids } },
      select: {
        id: true,
        buildingId: true,
        code: true,
        floor: true,
        position: true,
        layoutName: true,
        grossArea: true,
        listPrice: true,
        status: true,
      },
    }),
    db.subscription.findMany({
      where: { projectId, status: { in: ['ACTIVE', 'CONTRACTED'] }, unit: { buildingId: { in: ids } } },
      select: { unitId: true, price: true },
    }),
  ]);
  const dealPrice = new Map(live.map((s) => [s.unitId, toNumber(s.price)]));
  const totals = { counts: zeroCounts(), units: 0, released: 0, sold: 0, soldAreaCenti: 0, soldAmount: 0 };
  const grid: GridBuilding[] = buildings.map((b) => {
    const mine = units.filter((u) => u.buildingId === b.id);
    const positions = [...new Set(mine.map((u) => u.position))].sort((x, y) => x - y);
    const floors = [...new Set(mine.map((u) => u.floor))].sort((x, y) => y - x);
    const at = new Map(mine.map((u) => [`${u.floor}:${u.position}`, u]));
    const counts = zeroCounts();
    let soldAreaCenti = 0;
    let soldAmount = 0;
    let sold = 0;
    for (const u of mine) {
      const status = u.status as StoredUnitStatus;
      counts[status] += 1;
      if (SOLD.includes(status)) {
        sold += 1;
        soldAreaCenti += Math.round(toNumber(u.grossArea) * 100);
        soldAmount += dealPrice.get(u.id) ?? toNumber(u.listPrice);
      }
    }
    const released = mine.length - counts.NOT_RELEASED;
    for (const s of PRINT_STATUS_ORDER) totals.counts[s] += counts[s];
    totals.units += mine.length;
    totals.released += released;
    totals.sold += sold;
    totals.soldAreaCenti += soldAreaCenti;
    totals.soldAmount += soldAmount;
    return {
      name: b.name,
      nameEn: b.nameEn,
      positions,
      floors: floors.map((floor) => ({
        floor,
        cells: positions.map((p): GridUnit | null => {
          const u = at.get(`${floor}:${p}`);
          return u
            ? {
                code: u.code,
                layout: u.layoutName,
                grossArea: toNumber(u.grossArea),
                listPrice: toNumber(u.listPrice),
                status: u.status as StoredUnitStatus,
              }
            : null;
        }),
      })),
      counts,
      units: mine.length,
      released,
      sold,
      soldArea: soldAreaCenti / 100,
      soldAmount,
    };
  });
  return {
    scope: buildingId ? `${buildings[0]!.name} ${buildings[0]!.nameEn}` : '全部楼栋 All buildings',
    buildings: grid,
    totals: {
      counts: totals.counts,
      units: totals.units,
      released: totals.released,
      sold: totals.sold,
      soldArea: totals.soldAreaCenti / 100,
      soldAmount: totals.soldAmount,
      sellThrough: totals.released ? totals.sold / totals.released : 0,
    },
  };
}

export type PriceListData = Omit<PriceListInput, 'project' | 'printedAt'>;

export async function loadPriceList(
  db: Db,
  projectId: string,
  filter: { building?: string; batch?: string },
): Promise<PriceListData> {
  const buildings = await buildingsOf(db, projectId, filter.building);
  const batch = filter.batch
    ? await db.batch.findFirst({ where: { id: filter.batch, projectId }, select: { id: true, name: true } })
    : null;
  if (filter.batch && !batch) throw new AppError('NOT_FOUND', 'No such batch in this project.');
  const [units, project] = await Promise.all([
    db.unit.findMany({
      where: {
        projectId,
        buildingId: { in: buildings.map((b) => b.id) },
        ...(batch ? { batchId: batch.id } : {}),
      },
      orderBy: [{ floor: 'desc' }, { position: 'asc' }, { code: 'asc' }],
      select: {
        buildingId: true,
        code: true,
        floor: true,
        layoutName: true,
        grossArea: true,
        netArea: true,
        listPrice: true,
        filedPrice: true,
        status: true,
        batch: { select: { name: true } },
      },
    }),
    db.project.findUniqueOrThrow({ where: { id: projectId }, select: { priceVersion: true } }),
  ]);
  let areaCenti = 0;
  let listAmount = 0;
  let filedAmount = 0;
  const rows = buildings
    .map((b) => ({
      name: b.name,
      nameEn: b.nameEn,
      units: units
        .filter((u) => u.buildingId === b.id)
        .map((u): PriceListUnit => {
          const gross = toNumber(u.grossArea);
          const list = toNumber(u.listPrice);
          areaCenti += Math.round(gross * 100);
          listAmount += list;
          filedAmount += u.filedPrice === null ? 0 : toNumber(u.filedPrice);
          return {
            code: u.code,
            floor: u.floor,
            layout: u.layoutName,
            grossArea: gross,
            netArea: toNumber(u.netArea),
            unitPrice: gross > 0 ? Math.round(list / gross) : 0,
            listPrice: list,
            filedPrice: u.filedPrice === null ? null : toNumber(u.filedPrice),
            status: u.status as StoredUnitStatus,
            batch: u.batch?.name ?? null,
          };
        }),
    }))
    .filter((b) => b.units.length > 0);
  const scope = [
    filter.building ? `${buildings[0]!.name}` : '全部楼栋 All buildings',
    ...(batch ? [`批次 Batch ${batch.name}`] : []),
  ].join(' · ');
  return {
    scope,
    priceVersion: project.priceVersion,
    buildings: rows,
    totals: { units: units.length, grossArea: areaCenti / 100, listAmount, filedAmount },
  };
}
