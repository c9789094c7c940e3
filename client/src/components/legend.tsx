/** Status legend with counts — shown on every screen that shows units (DESIGN.md). */
import { For, Show, type JSX } from 'solid-js';
import { STATUS_COLORS, STATUS_ORDER, type UnitStatus } from '@kaipan/shared';
import { statusLabel } from '../lib/i18n';
import './legend.css';

export function Legend(props: {
  counts?: Record<UnitStatus, number>;
  variant?: 'light' | 'dark' | 'board';
  /** Also explain the "mine" outline (consultant grid). */
  mineLabel?: string;
}): JSX.Element {
  return (
    <ul class={`legend legend--${props.variant ?? 'light'}`}>
      <For each={STATUS_ORDER}>
        {(status) => (
          <li class="legend__item">
            <span class="legend__swatch" style={{ background: STATUS_COLORS[status].bg }} />
            <span class="legend__label">{statusLabel(status)}</span>
            <Show when={props.counts}>{(counts) => <span class="legend__count">{counts()[status]}</span>}</Show>
          </li>
        )}
      </For>
      <Show when={props.mineLabel}>
        <li class="legend__item">
          <span class="legend__swatch legend__swatch--mine" style={{ background: STATUS_COLORS.LOCKED.bg }} />
          <span class="legend__label">{props.mineLabel}</span>
        </li>
      </Show>
    </ul>
  );
}
