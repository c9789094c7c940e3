/** Sales totals, computed the same way on the board, the manager page and the server. */
import type { CatalogUnit, UnitState } from './protocol.js';
import { isSold, STATUS_ORDER, type UnitStatus } from './unit-status.js';

export interface SalesStats {
  total: number;
  counts: Record<UnitStatus, number>;
  /** Units ever released for sale (all but NOT_RELEASED). */
  released: number;
  sold: number;
  /** Sold gross area, m², two decimals. */
  soldArea: number;
  /** Sold amount in fen (deal price, list price when the deal price is unknown). */
  soldAmount: number;
  /** sold ÷ released, 0..1 (去化率). */
  sellThrough: number;
}

export function computeStats(
  catalog: ReadonlyMap<string, CatalogUnit>,
  units: Iterable<Pick<UnitState, 'id' | 'status' | 'price'>>,
): SalesStats {
  const counts = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<UnitStatus, number>;
  let total = 0;
  let sold = 0;
  let soldAreaCenti = 0;
  let soldAmount = 0;
  for (const u of units) {
    total += 1;
    counts[u.status] += 1;
    if (isSold(u.status)) {
      const info = catalog.get(u.id);
      sold += 1;
      soldAreaCenti += Math.round((info?.grossArea ?? 0) * 100);
      soldAmount += u.price ?? info?.listPrice ?? 0;
    }
  }
  const released = total - counts.NOT_RELEASED;
  return {
    total,
    counts,
    released,
    sold,
    soldArea: soldAreaCenti / 100,
    soldAmount,
    sellThrough: released === 0 ? 0 : sold / released,
  };
}
