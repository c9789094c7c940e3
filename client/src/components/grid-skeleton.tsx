/** Placeholder while the catalog and the first snapshot load. */
import { For, type JSX } from 'solid-js';
import { t } from '../lib/i18n';

export function GridSkeleton(props: { rows?: number; cols?: number }): JSX.Element {
  const rows = (): number[] => Array.from({ length: props.rows ?? 10 }, (_, i) => i);
  const cols = (): number[] => Array.from({ length: props.cols ?? 4 }, (_, i) => i);
  return (
    <div class="skeleton" role="status" aria-label={t('common.loading')}>
      <div class="skeleton__tabs">
        <span class="skeleton__block" />
        <span class="skeleton__block" />
        <span class="skeleton__block" />
      </div>
      <div class="skeleton__legend">
        <For each={[0, 1, 2, 3, 4, 5]}>{() => <span class="skeleton__block skeleton__block--chip" />}</For>
      </div>
      <div class="skeleton__grid" style={{ '--cols': String(cols().length) }}>
        <For each={rows()}>
          {() => (
            <>
              <span class="skeleton__block skeleton__block--label" />
              <For each={cols()}>{() => <span class="skeleton__block skeleton__block--cell" />}</For>
            </>
          )}
        </For>
      </div>
    </div>
  );
}
