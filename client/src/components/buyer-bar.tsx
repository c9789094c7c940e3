/**
 * "Selecting for" bar of the consultant grid: the registered buyer the next lock is for (name
 * coloured by customer status), their remaining entitlement, a sheet to pick another (search by
 * number, name or phone) and — the moment their number is called — their shortlist 意向房源 with
 * each unit's live status from the grid's store: available ones first, a tap opens the unit.
 */
import { For, Match, Show, Switch, createMemo, createSignal, type JSX } from 'solid-js';
import { STATUS_COLORS, type ShortlistEntry, type UnitStatus } from '@kaipan/shared';
import { api } from '../lib/api';
import { describeError, statusLabel, t } from '../lib/i18n';
import { createLoad } from '@kaipan/web/resource';
import { describeBuyerError, matchesBuyer, remaining, type BuyerPicker } from '../stores/buyer';
import type { LiveUnit } from '../stores/units';
import { BottomSheet } from './bottom-sheet';
import { CustomerBadge } from './customer-badge';
import { EmptyState, ErrorState, Spinner } from './ui';
import './buyer-bar.css';

export interface BuyerBarProps {
  picker: BuyerPicker;
  required: boolean;
  /** The grid's live units (status and lock), so the shortlist shows what the grid shows. */
  unit?: (unitId: string) => LiveUnit | undefined;
  /** The signed-in consultant: their own locks read "mine". */
  meId?: string;
  /** Open a shortlisted unit in the lock sheet. Without it no shortlist is shown. */
  onOpenUnit?: (unitId: string) => void;
}

interface ShortlistChip {
  entry: ShortlistEntry;
  status: UnitStatus;
  available: boolean;
  mine: boolean;
}

export function BuyerBar(props: BuyerBarProps): JSX.Element {
  const [open, setOpen] = createSignal(false);
  const [query, setQuery] = createSignal('');
  const list = () => props.picker.choices().filter((r) => matchesBuyer(r, query()));
  // The phone arrives as the privacy rule allows (the consultant's own buyers: clear); absent shows nothing.
  const tail = (phone: string | null): string => (phone ? `··${phone.slice(-4)}` : '');

  // The chosen buyer's shortlist (ranks and facts); statuses come live from the grid's store.
  const customerId = (): string | undefined => (props.onOpenUnit ? props.picker.selected()?.customer.id : undefined);
  const shortlist = createLoad(customerId, (id) => api.shortlist(id));
  /** The shortlist of the buyer chosen now (a previous buyer's answer is not theirs). */
  const current = () => {
    const s = shortlist.value();
    return s && s.customerId === customerId() ? s : undefined;
  };
  const chips = createMemo<ShortlistChip[]>(() => {
    const items = current()?.items ?? [];
    return items
      .map((entry) => {
        const live = props.unit?.(entry.unitId);
        const status = live?.status ?? entry.status;
        const lock = live ? live.lock : entry.lock;
        return {
          entry,
          status,
          available: status === 'AVAILABLE' && !lock,
          mine: status === 'LOCKED' && !!live?.lock && live.lock.holderId === props.meId,
        };
      })
      .sort((a, b) => Number(b.available) - Number(a.available) || a.entry.rank - b.entry.rank);
  });
  const availableCount = (): number => chips().filter((c) => c.available).length;

  return (
    <>
      <section
        class="buyer-bar"
        classList={{
          'buyer-bar--set': !!props.picker.selected(),
          'buyer-bar--required': props.required && !props.picker.selected(),
        }}
        aria-label={t('buyer.title')}
      >
        <Show
          when={props.picker.selected()}
          fallback={
            <Show
              when={props.picker.overview.error()}
              fallback={<span class="buyer-bar__hint">{props.required ? t('buyer.required') : t('buyer.none')}</span>}
            >
              {(err) => (
                <span class="buyer-bar__hint" role="alert">
                  {t('buyer.loadFailed')} · {describeError(err())}
                </span>
              )}
            </Show>
          }
        >
          {(r) => (
            <span class="buyer-bar__who">
              <span class="buyer-bar__label">{t('buyer.for')}</span>
              <span class="buyer-bar__no">{r().label}</span>
              <span class="buyer-bar__name">
                <CustomerBadge name={r().customer.name} status={r().customer.status} />
              </span>
              <span class="buyer-bar__left" classList={{ 'buyer-bar__left--none': remaining(r()) === 0 }}>
                {t('buyer.left', { n: remaining(r()), max: r().unitsAllowed })}
              </span>
            </span>
          )}
        </Show>
        <span class="buyer-bar__actions">
          <Show when={props.picker.selected()}>
            <button
              type="button"
              class="btn btn--ghost btn--sm"
              onClick={() => props.picker.choose(null)}
              aria-label={t('buyer.clear')}
            >
              ✕
            </button>
          </Show>
          <button type="button" class="btn btn--secondary btn--sm" onClick={() => setOpen(true)}>
            {props.picker.selected() ? t('buyer.change') : t('buyer.choose')}
          </button>
        </span>
        <Show when={customerId()}>
          <div class="buyer-shortlist" role="group" aria-label={t('buyer.shortlist')}>
            <Switch>
              <Match when={shortlist.error()}>
                {(err) => (
                  <span class="buyer-shortlist__problem" role="alert">
                    <span>{describeBuyerError(err())}</span>
                    <button type="button" class="btn btn--ghost btn--sm" onClick={() => shortlist.refetch()}>
                      {t('common.retry')}
                    </button>
                  </span>
                )}
              </Match>
              <Match when={!current()}>
                <Spinner size="sm" />
              </Match>
              <Match when={chips().length === 0}>
                <span class="buyer-shortlist__note">{t('buyer.shortlistEmpty')}</span>
              </Match>
              <Match when={chips().length > 0}>
                <span
                  class="buyer-shortlist__count"
                  classList={{ 'buyer-shortlist__count--none': availableCount() === 0 }}
                >
                  {t('buyer.shortlistAvailable', { n: availableCount(), total: chips().length })}
                </span>
                <div class="buyer-shortlist__items">
                  <For each={chips()}>
                    {(c) => (
                      <button
                        type="button"
                        class="sl-chip"
                        classList={{ 'sl-chip--gone': !c.available && !c.mine, 'sl-chip--mine': c.mine }}
                        style={{ '--sl-color': STATUS_COLORS[c.status].bg }}
                        onClick={() => props.onOpenUnit?.(c.entry.unitId)}
                        aria-label={`${c.entry.code} ${statusLabel(c.status)}`}
                      >
                        <span class="sl-chip__rank">{c.entry.rank}</span>
                        <span class="sl-chip__code">{c.entry.code}</span>
                        <span class="sl-chip__status">{c.mine ? t('grid.mine') : statusLabel(c.status)}</span>
                      </button>
                    )}
                  </For>
                </div>
              </Match>
            </Switch>
          </div>
        </Show>
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
        <Switch>
          <Match when={props.picker.overview.error()}>
            {(err) => (
              <ErrorState
                title={t('buyer.loadFailed')}
                message={describeError(err())}
                onRetry={() => props.picker.refetch()}
              />
            )}
          </Match>
          <Match when={!props.picker.overview.value()}>
            <div class="center-pad">
              <Spinner />
            </div>
          </Match>
          <Match when={props.picker.overview.value()}>
            <Show
              when={list().length > 0}
              fallback={<EmptyState title={t('buyer.empty')} hint={t('buyer.emptyHint')} />}
            >
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
                        <span class="buyer-row__name">
                          <CustomerBadge name={r.customer.name} status={r.customer.status} />
                        </span>
                        <span class="buyer-row__phone">{tail(r.customer.phone)}</span>
                        <span class="buyer-row__left">
                          {remaining(r) === 0
                            ? t('buyer.usedUp')
                            : t('buyer.left', { n: remaining(r), max: r.unitsAllowed })}
                        </span>
                      </button>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </Match>
        </Switch>
      </BottomSheet>
    </>
  );
}
