/**
 * Personal notices when the deposit rule 定金时限 cancels a deal (`subscription:cancelled`, sent to the
 * deal's consultant and the project's managers). The consultant's page keeps each notice on screen
 * until dismissed (a toast alone is easily missed on the floor); managers get a toast.
 */
import { For, Show, createSignal, onCleanup, type JSX } from 'solid-js';
import type { SubscriptionCancelledEvent } from '@kaipan/shared';
import { t } from '../lib/i18n';
import type { UnitsStore } from '../stores/units';
import './deal-cancelled-notices.css';

/** At most this many notices stay on screen (the oldest goes first). */
const MAX_NOTICES = 3;

export function createCancelledDeals(
  projectId: string,
  units: Pick<UnitsStore, 'listen'>,
  opts: {
    /** Which events stay on screen as notices (default: all). */
    keep?: (event: SubscriptionCancelledEvent) => boolean;
    /** Every event of the project, once (e.g. a toast). */
    onEvent?: (event: SubscriptionCancelledEvent) => void;
  } = {},
) {
  const seen = new Set<string>();
  const [notices, setNotices] = createSignal<SubscriptionCancelledEvent[]>([]);
  const off = units.listen('subscription:cancelled', (event) => {
    if (event.projectId !== projectId || seen.has(event.subscriptionId)) return;
    seen.add(event.subscriptionId);
    if (opts.keep?.(event) ?? true) setNotices((list) => [...list, event].slice(-MAX_NOTICES));
    opts.onEvent?.(event);
  });
  onCleanup(off);
  return {
    notices,
    dismiss(subscriptionId: string): void {
      setNotices((list) => list.filter((n) => n.subscriptionId !== subscriptionId));
    },
  };
}

export type CancelledDealsStore = ReturnType<typeof createCancelledDeals>;

function timeIn(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
      new Date(iso),
    );
  } catch {
    return iso.slice(11, 16);
  }
}

export function CancelledDealNotices(props: {
  store: CancelledDealsStore;
  timeZone: string;
  /** Open the unit on the grid (it is back on sale). */
  onOpenUnit?: (unitId: string) => void;
}): JSX.Element {
  return (
    <Show when={props.store.notices().length > 0}>
      <section class="dc-notices" aria-label={t('dealCancelled.label')}>
        <For each={props.store.notices()}>
          {(n) => (
            <div class="dc-notice" role="alert">
              <svg class="dc-notice__icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                <circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" stroke-width="2" />
                <path d="M8.5 8.5l7 7M15.5 8.5l-7 7" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
              </svg>
              <button type="button" class="dc-notice__body" onClick={() => props.onOpenUnit?.(n.unitId)}>
                <strong class="dc-notice__title">
                  {t('dealCancelled.title', { code: n.unitCode, minutes: n.windowMinutes })}
                </strong>
                <span class="dc-notice__detail">
                  {t('dealCancelled.detail', { buyer: n.buyerName, time: timeIn(n.at, props.timeZone) })}
                </span>
              </button>
              <button
                type="button"
                class="btn btn--ghost btn--sm dc-notice__dismiss"
                onClick={() => props.store.dismiss(n.subscriptionId)}
              >
                {t('dealCancelled.dismiss')}
              </button>
            </div>
          )}
        </For>
      </section>
    </Show>
  );
}
