/**
 * "Selecting for" bar of the consultant grid: the registered buyer the next lock is for, their
 * remaining entitlement, and a sheet to pick another (search by number, name or phone).
 */
import { For, Show, createSignal, type JSX } from 'solid-js';
import { t } from '../lib/i18n';
import { matchesBuyer, remaining, type BuyerPicker } from '../stores/buyer';
import { BottomSheet } from './bottom-sheet';
import { EmptyState, Spinner } from './ui';

export function BuyerBar(props: { picker: BuyerPicker; required: boolean }): JSX.Element {
  const [open, setOpen] = createSignal(false);
  const [query, setQuery] = createSignal('');
  const list = () => props.picker.choices().filter((r) => matchesBuyer(r, query()));
  const tail = (phone: string): string => `··${phone.slice(-4)}`;

  return (
    <>
      <section
        class="buyer-bar"
        classList={{ 'buyer-bar--set': !!props.picker.selected(), 'buyer-bar--required': props.required && !props.picker.selected() }}
        aria-label={t('buyer.title')}
      >
        <Show
          when={props.picker.selected()}
          fallback={<span class="buyer-bar__hint">{props.required ? t('buyer.required') : t('buyer.none')}</span>}
        >
          {(r) => (
            <span class="buyer-bar__who">
              <span class="buyer-bar__label">{t('buyer.for')}</span>
              <span class="buyer-bar__no">{r().label}</span>
              <span class="buyer-bar__name">{r().customer.name}</span>
              <span class="buyer-bar__left" classList={{ 'buyer-bar__left--none': remaining(r()) === 0 }}>
                {t('buyer.left', { n: remaining(r()), max: r().unitsAllowed })}
              </span>
            </span>
          )}
        </Show>
        <span class="buyer-bar__actions">
          <Show when={props.picker.selected()}>
            <button type="button" class="btn btn--ghost btn--sm" onClick={() => props.picker.choose(null)} aria-label={t('buyer.clear')}>
              ✕
            </button>
          </Show>
          <button type="button" class="btn btn--secondary btn--sm" onClick={() => setOpen(true)}>
            {props.picker.selected() ? t('buyer.change') : t('buyer.choose')}
          </button>
        </span>
      </section>

      <BottomSheet open={open()} onClose={() => setOpen(false)} title={t('buyer.pick')} subtitle={t('buyer.pickHint')}>
        <input
          class="input buyer-search"
          type="search"
          inputmode="search"
          placeholder={t('buyer.search')}
          value={query()}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <Show when={!props.picker.overview.loading} fallback={<div class="center-pad"><Spinner /></div>}>
          <Show when={!props.picker.overview.error} fallback={<EmptyState title={t('buyer.loadFailed')} hint={t('common.retry')} />}>
            <Show when={list().length > 0} fallback={<EmptyState title={t('buyer.empty')} hint={t('buyer.emptyHint')} />}>
              <ul class="buyer-list">
                <For each={list()}>
                  {(r) => (
                    <li>
                      <button
                        type="button"
                        class="buyer-row"
                        classList={{ 'buyer-row--active': props.picker.selected()?.id === r.id }}
                        disabled={remaining(r) === 0}
                        onClick={() => {
                          props.picker.choose(r.id);
                          setOpen(false);
                        }}
                      >
                        <span class="buyer-row__no">{r.label}</span>
                        <span class="buyer-row__name">{r.customer.name}</span>
                        <span class="buyer-row__phone">{tail(r.customer.phone)}</span>
                        <span class="buyer-row__left">
                          {remaining(r) === 0 ? t('buyer.usedUp') : t('buyer.left', { n: remaining(r), max: r.unitsAllowed })}
                        </span>
                      </button>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </Show>
        </Show>
      </BottomSheet>
    </>
  );
}
