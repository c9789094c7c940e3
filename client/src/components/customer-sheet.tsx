/**
 * A customer's detail sheet: facts, status, the shortlist 意向房源 and follow-ups.
 */
import { DEMAND_TYPE_LABELS, INTENT_CLASS_LABELS } from '@kaipan/shared';
import { Match, Show, Switch, createEffect, createSignal, on, onCleanup, type JSX } from 'solid-js';
import type { CustomerDetail, CustomerShortlist, UserInfo } from '@kaipan/shared';
import { api, toApiError } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { describeError, t, label } from '../lib/i18n';
import type { Catalog } from '../stores/catalog';
import { isManager, isSeller } from '../stores/project-roles';
import { showToast } from '../stores/toasts';
import { BottomSheet } from './bottom-sheet';
import { CustomerBadge } from './customer-badge';
import { ErrorState, LoadingState, Spinner } from './ui';
import { budgetText, channelName, SHORTLIST_POLL_MS } from '../lib/customers-display';
import { ShortlistSection } from './customer-shortlist';
import { FollowUpSection } from './customer-follow-ups';
import './customer-sheet.css';

export function CustomerSheet(props: {
  projectId: string;
  customerId: string | null;
  user: UserInfo;
  catalog: Catalog;
  onClose: () => void;
  onChanged: () => void;
}): JSX.Element {
  const detail = createLoad(
    () => props.customerId,
    (id) => api.customer(id),
  );
  const [shortlist, setShortlist] = createSignal<CustomerShortlist | null>(null);
  createEffect(
    on(
      () => detail.value(),
      (d) => setShortlist(d?.shortlist ?? null),
    ),
  );
  const current = (): CustomerDetail | undefined => {
    const d = detail.value();
    return d && d.id === props.customerId ? d : undefined;
  };

  // Live availability while the sheet is open (the buyer may be on the phone right now).
  createEffect(
    on(
      () => props.customerId,
      (id) => {
        if (!id) return;
        const timer = setInterval(() => {
          api.shortlist(id).then(
            (s) => {
              if (props.customerId === id) setShortlist(s);
            },
            () => undefined,
          );
        }, SHORTLIST_POLL_MS);
        onCleanup(() => clearInterval(timer));
      },
    ),
  );

  const canEdit = (): boolean => {
    const c = current();
    if (!c) return false;
    if (isManager(props.user, props.projectId)) return true;
    return isSeller(props.user, props.projectId) && c.owner?.id === props.user.id;
  };
  const [claiming, setClaiming] = createSignal(false);
  const claim = async (): Promise<void> => {
    const c = current();
    if (!c) return;
    setClaiming(true);
    try {
      await api.claimCustomer(c.id);
      showToast('success', t('customers.claimed', { name: c.name }));
      await detail.refetch();
      props.onChanged();
    } catch (err) {
      const e = toApiError(err);
      showToast('error', e.code === 'CONFLICT' ? t('customers.claimLost') : describeError(e));
      props.onChanged();
    } finally {
      setClaiming(false);
    }
  };

  return (
    <BottomSheet
      open={props.customerId !== null}
      onClose={() => props.onClose()}
      accent={current() ? undefined : 'transparent'}
      title={
        <Show when={current()} fallback={t('common.loading')}>
          {(c) => <CustomerBadge name={c().name} status={c().status} withLabel size="lg" />}
        </Show>
      }
      subtitle={<Show when={current()}>{(c) => <span class="cust-sheet__phone">{c().phone}</span>}</Show>}
    >
      <Switch>
        <Match when={detail.error() as unknown}>
          <ErrorState
            title={t('customers.detailFailed')}
            message={
              toApiError(detail.error()).code === 'FORBIDDEN' ? t('customers.forbidden') : describeError(detail.error())
            }
            onRetry={() => void detail.refetch()}
          />
        </Match>
        <Match when={!current()}>
          <LoadingState />
        </Match>
        <Match when={current()}>
          {(c) => (
            <div class="cust-sheet">
              <Show when={c().owner === null && isSeller(props.user, props.projectId)}>
                <div class="cust-sheet__claim">
                  <span>{t('customers.noOwner')}</span>
                  <button type="button" class="btn btn--go" disabled={claiming()} onClick={() => void claim()}>
                    <Show when={claiming()}>
                      <Spinner size="sm" />
                    </Show>
                    {claiming() ? t('customers.claiming') : t('customers.claim')}
                  </button>
                </div>
              </Show>
              <dl class="facts cust-facts">
                <div class="facts__item">
                  <dt>{t('customers.owner')}</dt>
                  <dd>{c().owner?.displayName ?? t('customers.noOwner')}</dd>
                </div>
                <div class="facts__item">
                  <dt>{t('customers.registration')}</dt>
                  <dd>{c().registration?.label ?? t('customers.registrationNone')}</dd>
                </div>
                <div class="facts__item">
                  <dt>{t('customers.intent')}</dt>
                  <dd>{c().intent ? label(INTENT_CLASS_LABELS, c().intent!) : t('customers.unset')}</dd>
                </div>
                <div class="facts__item">
                  <dt>{t('customers.demand')}</dt>
                  <dd>{c().demand ? label(DEMAND_TYPE_LABELS, c().demand!) : t('customers.unset')}</dd>
                </div>
                <div class="facts__item facts__item--wide">
                  <dt>{t('customers.budget')}</dt>
                  <dd>{budgetText(c())}</dd>
                </div>
                <div class="facts__item">
                  <dt>{t('customers.channel')}</dt>
                  <dd>{channelName(c().channel)}</dd>
                </div>
                <div class="facts__item">
                  <dt>{t('customers.layouts')}</dt>
                  <dd>{c().preferredLayouts.join('、') || t('customers.unset')}</dd>
                </div>
                <Show when={c().idNumberMasked}>
                  {(id) => (
                    <div class="facts__item facts__item--wide">
                      <dt>{t('customers.idLabel')}</dt>
                      <dd class="cust-table__mono">{id()}</dd>
                    </div>
                  )}
                </Show>
                <Show when={c().coBuyers.length > 0}>
                  <div class="facts__item facts__item--wide">
                    <dt>{t('customers.coBuyers')}</dt>
                    <dd>
                      {c()
                        .coBuyers.map((b) => [b.name, b.relation, b.phone].filter(Boolean).join(' · '))
                        .join('；')}
                    </dd>
                  </div>
                </Show>
              </dl>

              <ShortlistSection
                customerId={c().id}
                shortlist={shortlist()}
                catalog={props.catalog}
                canEdit={canEdit()}
                onSaved={setShortlist}
              />

              <FollowUpSection
                customer={c()}
                canEdit={canEdit()}
                timeZone={props.catalog.timeZone()}
                onAdded={() => {
                  void detail.refetch();
                  props.onChanged();
                }}
              />
            </div>
          )}
        </Match>
      </Switch>
    </BottomSheet>
  );
}
