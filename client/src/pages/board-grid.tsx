/**
 * The wall board's buildings: tiles sized by the pure layout (shared/src/board-layout.ts) to fill the
 * area at a size read across the hall; when every unit cannot fit readably, pages of buildings (or of
 * a tall tower's floor bands) rotate on a timer with a page indicator. A unit that changed flashes —
 * also when it changed while its page was hidden, as the page comes back.
 */
import { For, Index, Show, createEffect, createMemo, createSignal, on, onCleanup, type JSX } from 'solid-js';
import {
  STATUS_COLORS,
  boardLayout,
  floorLabel,
  type BoardPage,
  type BoardPanel,
  type CatalogUnit,
  type UnitStatus,
} from '@kaipan/shared';
import { now } from '../lib/clock';
import { shortUnitCode, type BuildingLayout } from '../lib/display';
import { statusLabelIn, tIn } from '../lib/i18n';
import './board-grid.css';

/** How long a page stays before the next one (board-grid.css: the pager's bar lasts as long). */
export const BOARD_PAGE_MS = 12_000;
/** How long a just-changed tile flashes. */
const FLASH_MS = 8_000;

export interface BoardGridProps {
  layouts: readonly BuildingLayout[];
  status: (unitId: string) => UnitStatus;
  /** When a unit last changed (local epoch ms), to flash it. */
  changedAt?: (unitId: string) => number | undefined;
  /** A manager's board: a tile opens the unit's timeline. Public boards are not interactive. */
  onUnitClick?: (unit: CatalogUnit) => void;
  /** Stop rotating (replay scrubbing keeps the page). */
  holdPage?: boolean;
}

export function BoardGrid(props: BoardGridProps): JSX.Element {
  const [size, setSize] = createSignal({ width: 0, height: 0 });
  const observer = new ResizeObserver(([entry]) => {
    if (entry) setSize({ width: entry.contentRect.width, height: entry.contentRect.height });
  });
  onCleanup(() => observer.disconnect());

  const byId = createMemo(() => new Map(props.layouts.map((l) => [l.building.id, l])));
  const layout = createMemo(() =>
    boardLayout({
      width: size().width,
      height: size().height,
      screenHeight: window.innerHeight,
      buildings: props.layouts.map((l) => ({
        id: l.building.id,
        floors: l.floors.length,
        columns: l.columns,
        codeChars: Math.max(3, ...l.units.map((u) => shortUnitCode(u.code).length)),
      })),
    }),
  );
  const pageCount = (): number => layout().pages.length;
  const [page, setPage] = createSignal(0);
  const current = (): BoardPage | undefined => layout().pages[Math.min(page(), Math.max(0, pageCount() - 1))];

  // When each page was last left: what changed since flashes when the page comes back.
  const leftAt = new Map<number, number>();
  const [shownAt, setShownAt] = createSignal(Date.now());
  createEffect(
    on(page, (_, previous) => {
      if (previous !== undefined) leftAt.set(previous, Date.now());
      setShownAt(Date.now());
    }),
  );
  createEffect(() => {
    if (pageCount() <= 1 || props.holdPage) return;
    const timer = setInterval(() => setPage((p) => (p + 1) % pageCount()), BOARD_PAGE_MS);
    onCleanup(() => clearInterval(timer));
  });
  createEffect(on(pageCount, () => setPage(0)));

  const flashing = (unitId: string): boolean => {
    const at = props.changedAt?.(unitId);
    if (at === undefined) return false;
    const t = now();
    const sinceLeft = leftAt.get(page()) ?? 0;
    const until = Math.max(at + FLASH_MS, at > sinceLeft && at <= shownAt() ? shownAt() + FLASH_MS : 0);
    return t < until;
  };

  return (
    <div class="bgrid">
      <div class="bgrid__area" ref={(el) => observer.observe(el)}>
        <Show when={current()}>
          {(pg) => (
            <div class="bgrid__page" style={{ gap: `${layout().gapPx * 3}px` }}>
              <For each={pg().panels}>
                {(panel) => (
                  <Show when={byId().get(panel.buildingId)}>
                    {(l) => (
                      <Panel
                        layout={l()}
                        panel={panel}
                        page={pg()}
                        gap={layout().gapPx}
                        head={layout().headPx}
                        pad={layout().padPx}
                        status={props.status}
                        flashing={flashing}
                        onUnitClick={props.onUnitClick}
                      />
                    )}
                  </Show>
                )}
              </For>
            </div>
          )}
        </Show>
      </div>
      <Show when={pageCount() > 1}>
        <div class="bgrid__pager" role="status" aria-live="polite">
          <span class="bgrid__dots">
            <Index each={layout().pages}>
              {(_, i) => (
                <Show
                  when={props.onUnitClick}
                  fallback={
                    <span class="bgrid__dot" classList={{ 'bgrid__dot--on': i === page() }} aria-hidden="true" />
                  }
                >
                  {/* A manager's board: a dot turns to its page. */}
                  <button
                    type="button"
                    class="bgrid__dot"
                    classList={{ 'bgrid__dot--on': i === page() }}
                    aria-label={tIn('en', 'board.page', { n: i + 1, of: pageCount() })}
                    aria-current={i === page() ? 'page' : undefined}
                    onClick={() => setPage(i)}
                  />
                </Show>
              )}
            </Index>
          </span>
          <span class="bgrid__page-label">
            {tIn('zh-CN', 'board.page', { n: page() + 1, of: pageCount() })}
            <span class="bi__en">{tIn('en', 'board.page', { n: page() + 1, of: pageCount() })}</span>
          </span>
          <span class="bgrid__timer" aria-hidden="true">
            {/* keyed on the page: the bar restarts with each page */}
            <Show when={String(page())} keyed>
              <span classList={{ held: !!props.holdPage }} />
            </Show>
          </span>
        </div>
      </Show>
    </div>
  );
}

function Panel(props: {
  layout: BuildingLayout;
  panel: BoardPanel;
  page: BoardPage;
  gap: number;
  head: number;
  pad: number;
  status: (unitId: string) => UnitStatus;
  flashing: (unitId: string) => boolean;
  onUnitClick?: (unit: CatalogUnit) => void;
}): JSX.Element {
  const floors = (): number[] => props.layout.floors.slice(props.panel.rowFrom, props.panel.rowTo);
  const positions = (): number[] =>
    Array.from({ length: props.panel.colTo - props.panel.colFrom }, (_, i) => props.panel.colFrom + i + 1);
  const available = (): number =>
    props.layout.units.reduce((n, u) => n + (props.status(u.id) === 'AVAILABLE' ? 1 : 0), 0);
  /** Which part of a split building this panel is: its floors and, when split by position, its positions. */
  const bandLabel = (): string | null => {
    if (props.panel.bands <= 1) return null;
    const f = floors();
    const rowsSplit = f.length < props.layout.floors.length;
    const colsSplit = props.panel.colTo - props.panel.colFrom < props.layout.columns;
    return [
      rowsSplit ? `${floorLabel(f[0]!)}–${floorLabel(f[f.length - 1]!)}F` : '',
      colsSplit ? `#${props.panel.colFrom + 1}–${props.panel.colTo}` : '',
    ]
      .filter(Boolean)
      .join(' · ');
  };
  return (
    <section
      class="bpanel"
      style={{ width: `${props.panel.width}px`, padding: `${props.pad / 2}px` }}
      aria-label={props.layout.building.name}
    >
      <header class="bpanel__head" style={{ height: `${props.head}px`, 'font-size': `${props.head * 0.56}px` }}>
        <span class="bpanel__name">
          {props.layout.building.name}
          <Show when={bandLabel()}>{(b) => <span class="bpanel__band">{b()}</span>}</Show>
        </span>
        <Show when={props.panel.band === 0}>
          <span class="bpanel__avail" title={statusLabelIn('AVAILABLE', 'zh-CN')}>
            <span class="bpanel__dot" style={{ background: STATUS_COLORS.AVAILABLE.bg }} />
            {available()}
          </span>
        </Show>
      </header>
      <div
        class="bpanel__grid"
        style={{
          'grid-template-columns': `${props.page.labelWidth}px repeat(${positions().length}, ${props.page.tileWidth}px)`,
          'grid-auto-rows': `${props.panel.tileHeight}px`,
          gap: `${props.gap}px`,
        }}
      >
        <For each={floors()}>
          {(floor) => (
            <>
              <div class="bpanel__floor" style={{ 'font-size': `${props.page.floorFontPx}px` }}>
                {floorLabel(floor)}
              </div>
              <Index each={positions()}>
                {(position) => (
                  <Show
                    when={props.layout.cells.get(floor)?.get(position())}
                    fallback={<div class="btile btile--void" />}
                  >
                    {(unit) => (
                      <Tile
                        unit={unit()}
                        status={props.status(unit().id)}
                        fontPx={props.page.fontPx}
                        flashing={props.flashing(unit().id)}
                        onClick={props.onUnitClick}
                      />
                    )}
                  </Show>
                )}
              </Index>
            </>
          )}
        </For>
      </div>
    </section>
  );
}

function Tile(props: {
  unit: CatalogUnit;
  status: UnitStatus;
  fontPx: number;
  flashing: boolean;
  onClick?: (unit: CatalogUnit) => void;
}): JSX.Element {
  const colors = () => STATUS_COLORS[props.status];
  const content = (): JSX.Element => (
    <>
      <span class="btile__code">{shortUnitCode(props.unit.code)}</span>
      {/* Withheld: the public sees 保留, never for whom or why. */}
      <Show when={props.status === 'WITHHELD'}>
        <span class="btile__sub">{statusLabelIn('WITHHELD', 'zh-CN')}</span>
      </Show>
    </>
  );
  const common = () => ({
    class: `btile btile--${props.status.toLowerCase()}`,
    classList: { 'btile--flash': props.flashing },
    style: { background: colors().bg, color: colors().fg, 'font-size': `${props.fontPx}px` },
    'aria-label': `${props.unit.code} ${statusLabelIn(props.status, 'zh-CN')} ${statusLabelIn(props.status, 'en')}`,
  });
  return (
    <Show when={props.onClick} fallback={<div {...common()}>{content()}</div>}>
      {(click) => (
        <button type="button" {...common()} onClick={() => click()(props.unit)}>
          {content()}
        </button>
      )}
    </Show>
  );
}
