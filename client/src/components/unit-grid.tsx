/**
 * One building as a grid: floors are rows (top floor at the top), positions are columns.
 * Used by the consultant grid (phone) and the manager page (dense); the wall board draws its own
 * tiles at a computed size (pages/board/board-grid.tsx).
 */
import { For, Index, Show, type JSX } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { STATUS_COLORS, floorLabel, type CatalogUnit, UNIT_KIND_MARKS } from '@kaipan/shared';
import { formatMmSs, secondsLeft } from '../lib/clock';
import { formatCompactPrice, shortUnitCode, type BuildingLayout } from '../lib/display';
import { locale, statusLabel, t, label } from '../lib/i18n';
import './unit-grid-kinds.css';
import type { LiveUnit } from '../stores/units';
import './unit-grid.css';

export type GridVariant = 'phone' | 'dense';

export interface UnitGridProps {
  layout: BuildingLayout;
  unit: (unitId: string) => LiveUnit | undefined;
  variant: GridVariant;
  /** The signed-in user: their locks get the "mine" outline. */
  meId?: string;
  isSelected?: (unitId: string) => boolean;
  activeId?: string | null;
  onUnitClick?: (unit: CatalogUnit) => void;
  onFloorClick?: (floor: number) => void;
  /** Short label of a withheld unit's channel (VIP, staff, agent…), if any. */
  tagOf?: (unitId: string) => string | undefined;
}

export function UnitGrid(props: UnitGridProps): JSX.Element {
  const interactive = (): boolean => props.onUnitClick !== undefined;
  const positions = (): number[] => Array.from({ length: props.layout.columns }, (_, i) => i + 1);

  return (
    <div
      class={`ugrid ugrid--${props.variant}`}
      style={{ '--cols': String(props.layout.columns) }}
      role="grid"
      aria-label={props.layout.building.name}
    >
      <For each={props.layout.floors}>
        {(floor) => (
          <>
            <Dynamic
              component={props.onFloorClick ? 'button' : 'div'}
              type={props.onFloorClick ? 'button' : undefined}
              class="ugrid__floor"
              onClick={props.onFloorClick ? () => props.onFloorClick?.(floor) : undefined}
              aria-label={t('grid.floor', { n: floorLabel(floor) })}
            >
              {floorLabel(floor)}
            </Dynamic>
            <Index each={positions()}>
              {(position) => (
                <Show
                  when={props.layout.cells.get(floor)?.get(position())}
                  fallback={<div class="ugrid__void" aria-hidden="true" />}
                >
                  {(cat) => (
                    <UnitCell catalog={cat()} grid={props} interactive={interactive()} upper={cat().floor !== floor} />
                  )}
                </Show>
              )}
            </Index>
          </>
        )}
      </For>
    </div>
  );
}

function UnitCell(props: {
  catalog: CatalogUnit;
  grid: UnitGridProps;
  interactive: boolean;
  /** This cell is the upper storey of a duplex 复式 (the unit itself sits on the floor below). */
  upper: boolean;
}): JSX.Element {
  const kindTag = (): string | undefined => {
    // Short tags of the kinds that are not homes: the grid and the board tell them apart.
    const kind = props.catalog.kind;
    return kind && kind !== 'RESIDENCE' ? label(UNIT_KIND_MARKS, kind) : undefined;
  };
  const live = (): LiveUnit | undefined => props.grid.unit(props.catalog.id);
  const status = () => live()?.status ?? 'NOT_RELEASED';
  const colors = () => STATUS_COLORS[status()];
  const mine = (): boolean => status() === 'LOCKED' && !!props.grid.meId && live()?.lock?.holderId === props.grid.meId;
  const selected = (): boolean => props.grid.isSelected?.(props.catalog.id) ?? false;
  const price = (): number => live()?.price ?? props.catalog.listPrice;
  /** Who a withheld unit is kept for (VIP, staff…): shown instead of the price (staff screens only). */
  const tag = (): string | undefined => (status() === 'WITHHELD' ? props.grid.tagOf?.(props.catalog.id) : undefined);
  const lockDeadline = (): number | undefined => (status() === 'LOCKED' ? live()?.lock?.deadline : undefined);
  const code = (): string => shortUnitCode(props.catalog.code);

  return (
    <Dynamic
      component={props.interactive ? 'button' : 'div'}
      type={props.interactive ? 'button' : undefined}
      class="ucell"
      classList={{
        'ucell--mine': mine(),
        'ucell--selected': selected(),
        'ucell--active': props.grid.activeId === props.catalog.id,
        'ucell--duplex': props.catalog.floorSpan === 2,
        'ucell--upper': props.upper,
        [`ucell--${status().toLowerCase()}`]: true,
      }}
      style={{ background: colors().bg, color: colors().fg }}
      onClick={props.interactive ? () => props.grid.onUnitClick?.(props.catalog) : undefined}
      aria-label={`${props.catalog.code} ${statusLabel(status())}${mine() ? ` ${t('grid.mine')}` : ''}`}
      aria-pressed={props.grid.isSelected ? selected() : undefined}
      title={props.grid.variant === 'dense' ? `${props.catalog.code} · ${statusLabel(status())}` : undefined}
    >
      <span class="ucell__code">
        {code()}
        <Show when={kindTag()}>{(tag) => <span class="ucell__kind">{tag()}</span>}</Show>
        <Show when={props.catalog.floorSpan === 2}>
          <span class="ucell__kind">{t('grid.duplex')}</span>
        </Show>
      </span>
      <Show
        when={lockDeadline()}
        fallback={<span class="ucell__sub">{tag() ?? formatCompactPrice(price(), locale())}</span>}
      >
        {(deadline) => <span class="ucell__sub ucell__timer">{formatMmSs(secondsLeft(deadline()))}</span>}
      </Show>
      <Show when={mine()}>
        <span class="ucell__badge">{t('grid.mine')}</span>
      </Show>
    </Dynamic>
  );
}
