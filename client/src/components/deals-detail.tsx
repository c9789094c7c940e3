/**
 * One deal's drawer: buyer, price breakdown, payment schedule, the 换房 chain, the open change
 * request with its buttons, the change history, and "Request change" (换房 target picker with a
 * live quote, 更名 buyer form, 调价 new price in yuan, 退房 reason).
 */
import { For, Match, Show, Switch, createMemo, createSignal, on, createEffect, type JSX } from 'solid-js';
import {
  CHANGE_KINDS,
  normalizePhone,
  type ChangeKind,
  type ChangeRequestBody,
  type ChangeRequestInfo,
  type DealQuoteInfo,
  type SubscriptionInfo,
} from '@kaipan/shared';
import { api } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { describeError, locale, t } from '../lib/i18n';
import { showToast } from '../stores/toasts';
import {
  BreakdownView,
  Drawer,
  KindChip,
  RefundChip,
  ScheduleView,
  SubStatusChip,
  dateTimeText,
  kindLabel,
  money,
  parseYuan,
  signedMoney,
} from './deals-common';
import { RequestCard, type ChangeActions, type Viewer } from './deals-requests';
import { DocumentButton } from './document-button';
import { DepositChip } from './deposit-deadline';
import { ErrorState, LoadingState, Spinner } from './ui';
import './deals-detail.css';

export interface TargetUnit {
  id: string;
  code: string;
  layoutName: string;
  grossArea: number;
  listPrice: number;
}

type Detail = SubscriptionInfo & { changes: ChangeRequestInfo[] };

export function DealDrawer(props: {
  subscriptionId: string | null;
  viewer: Viewer;
  timeZone: string;
  actions: ChangeActions;
  /** Bumped by the page whenever a change event arrives: the drawer re-reads its deal. */
  version: number;
  /** AVAILABLE units right now (live), for the 换房 picker. */
  availableUnits: () => TargetUnit[];
  onOpen: (id: string) => void;
  onClose: () => void;
  onRequested: (request: ChangeRequestInfo) => void;
  /** Open the deal's unit timeline 房源履历 (audit readers). */
  onTimeline?: (unitId: string) => void;
}): JSX.Element {
  const detail = createLoad(
    () => props.subscriptionId ?? undefined,
    (id) => api.subscription(id),
  );
  createEffect(
    on(
      () => props.version,
      () => {
        if (props.subscriptionId) void detail.refetch();
      },
      { defer: true },
    ),
  );
  const [requesting, setRequesting] = createSignal(false);
  createEffect(
    on(
      () => props.subscriptionId,
      () => setRequesting(false),
    ),
  );

  const loaded = detail.value;
  // A different deal opened: do not show the previous one meanwhile.
  const d = (): Detail | undefined => {
    const v = loaded();
    return v && v.id === props.subscriptionId ? v : undefined;
  };
  const openRequest = (): ChangeRequestInfo | undefined =>
    d()?.changes.find((c) => c.status === 'PENDING' || c.status === 'APPROVED');
  const history = (): ChangeRequestInfo[] => (d()?.changes ?? []).filter((c) => c !== openRequest());
  const canRequest = (): boolean => d()?.status === 'ACTIVE' && !openRequest();

  return (
    <Drawer
      open={props.subscriptionId !== null}
      onClose={() => props.onClose()}
      title={
        <>
          <span>{d()?.unitCode ?? '…'}</span>
          <Show when={props.onTimeline && d()}>
            {(s) => (
              <button type="button" class="btn btn--ghost btn--sm" onClick={() => props.onTimeline?.(s().unitId)}>
                {t('audit.timeline')}
              </button>
            )}
          </Show>
          <Show when={d()}>{(s) => <SubStatusChip status={s().status} />}</Show>
          <Show when={d()}>{(s) => <RefundChip state={s().refundState} />}</Show>
          <Show when={d()}>
            {(s) => (
              <DepositChip
                status={s().status}
                dueAt={s().depositDueAt}
                paidAt={s().depositPaidAt}
                timeZone={props.timeZone}
              />
            )}
          </Show>
        </>
      }
      subtitle={
        d()
          ? t('deals.drawerSubtitle', { buyer: d()!.buyerName, at: dateTimeText(d()!.createdAt, props.timeZone) })
          : undefined
      }
    >
      <Switch>
        <Match when={detail.error() !== undefined && !d()}>
          <ErrorState
            title={t('deals.loadError')}
            message={describeError(detail.error())}
            onRetry={() => void detail.refetch()}
          />
        </Match>
        <Match when={!d()}>
          <LoadingState />
        </Match>
        <Match when={d()}>
          {(s) => (
            <>
              <dl class="deals-facts">
                <div>
                  <dt>{t('deals.col.buyer')}</dt>
                  <dd>
                    {s().buyerName} <span class="num muted">{s().buyerPhone}</span>
                  </dd>
                </div>
                <div>
                  <dt>{t('deals.col.consultant')}</dt>
                  <dd>{s().consultant}</dd>
                </div>
                <div>
                  <dt>{t('deals.col.price')}</dt>
                  <dd class="num deals-facts__price">{money(s().price)}</dd>
                </div>
                <div>
                  <dt>{t('deals.col.plan')}</dt>
                  <dd>{s().plan ? (locale() === 'en' ? s().plan!.nameEn : s().plan!.name) : t('common.dash')}</dd>
                </div>
                <Show when={s().priceVersion !== null}>
                  <div>
                    <dt>{t('deals.priceVersion')}</dt>
                    <dd class="num">v{s().priceVersion}</dd>
                  </div>
                </Show>
                <Show when={s().closedAt}>
                  <div class="deals-facts__wide">
                    <dt>{t('deals.closed')}</dt>
                    <dd>
                      {dateTimeText(s().closedAt!, props.timeZone)} · {s().closeReason ?? ''}
                    </dd>
                  </div>
                </Show>
              </dl>

              <Show when={s().status === 'ACTIVE' || s().status === 'CONTRACTED'}>
                <div class="deals-docs">
                  <DocumentButton
                    request={{ kind: 'AGREEMENT', entityId: s().id }}
                    label={t('doc.agreement')}
                    preview
                    testId="agreement-document"
                  />
                </div>
              </Show>

              <Show when={s().replacesId || s().replacedById}>
                <div class="deals-chain">
                  <Show when={s().replacesId}>
                    {(id) => (
                      <button type="button" class="deals-link" onClick={() => props.onOpen(id())}>
                        ← {t('deals.replaces')}
                      </button>
                    )}
                  </Show>
                  <Show when={s().replacedById}>
                    {(id) => (
                      <button type="button" class="deals-link" onClick={() => props.onOpen(id())}>
                        {t('deals.replacedBy')} →
                      </button>
                    )}
                  </Show>
                </div>
              </Show>

              <Show when={openRequest()}>
                {(r) => (
                  <section class="deals-section">
                    <h3 class="deals-section__title">{t('deals.openRequest')}</h3>
                    <RequestCard
                      request={r()}
                      viewer={props.viewer}
                      timeZone={props.timeZone}
                      actions={props.actions}
                    />
                  </section>
                )}
              </Show>

              <Show when={canRequest()}>
                <Show
                  when={requesting()}
                  fallback={
                    <button
                      type="button"
                      class="btn btn--primary deals-request-btn"
                      onClick={() => setRequesting(true)}
                    >
                      {t('deals.requestChange')}
                    </button>
                  }
                >
                  <RequestForm
                    sub={s()}
                    manager={props.viewer.manager}
                    availableUnits={props.availableUnits}
                    onCancel={() => setRequesting(false)}
                    onDone={(r) => {
                      setRequesting(false);
                      props.onRequested(r);
                      void detail.refetch();
                    }}
                  />
                </Show>
              </Show>

              <section class="deals-section">
                <h3 class="deals-section__title">{t('deals.breakdown')}</h3>
                <Show when={s().breakdown} fallback={<p class="muted">{t('deals.noBreakdown')}</p>}>
                  {(b) => <BreakdownView breakdown={b()} finalPrice={s().price} />}
                </Show>
              </section>

              <section class="deals-section">
                <h3 class="deals-section__title">{t('deals.schedule')}</h3>
                <Show when={s().schedule?.length} fallback={<p class="muted">{t('deals.noSchedule')}</p>}>
                  <ScheduleView schedule={s().schedule ?? []} />
                </Show>
              </section>

              <section class="deals-section">
                <h3 class="deals-section__title">{t('deals.history')}</h3>
                <Show when={history().length > 0} fallback={<p class="muted">{t('deals.noHistory')}</p>}>
                  <div class="deals-history">
                    <For each={history()}>
                      {(r) => (
                        <RequestCard
                          request={r}
                          viewer={props.viewer}
                          timeZone={props.timeZone}
                          actions={props.actions}
                          compact
                        />
                      )}
                    </For>
                  </div>
                </Show>
              </section>
            </>
          )}
        </Match>
      </Switch>
    </Drawer>
  );
}

/** Discount rules the deal was priced with (applied steps + BEST_SINGLE's unused ones). */
function discountIdsOf(s: SubscriptionInfo): string[] {
  const b = s.breakdown;
  if (!b) return [];
  return [...new Set([...b.steps.map((x) => x.ruleId), ...b.unusedRuleIds])];
}

function RequestForm(props: {
  sub: SubscriptionInfo;
  manager: boolean;
  availableUnits: () => TargetUnit[];
  onCancel: () => void;
  onDone: (request: ChangeRequestInfo) => void;
}): JSX.Element {
  const [kind, setKind] = createSignal<ChangeKind>('UNIT_CHANGE');
  const [reason, setReason] = createSignal('');
  const [search, setSearch] = createSignal('');
  const [target, setTarget] = createSignal<string | null>(null);
  const [buyerName, setBuyerName] = createSignal('');
  const [buyerPhone, setBuyerPhone] = createSignal('');
  const [priceText, setPriceText] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [tried, setTried] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const units = createMemo(() => {
    const q = search().trim().toLowerCase();
    return props.availableUnits().filter((u) => u.id !== props.sub.unitId && (!q || u.code.toLowerCase().includes(q)));
  });
  // The chosen target may be taken meanwhile (live list): forget it then.
  createEffect(() => {
    const id = target();
    if (id && !props.availableUnits().some((u) => u.id === id)) setTarget(null);
  });
  const quote = createLoad(
    () => (kind() === 'UNIT_CHANGE' ? (target() ?? undefined) : undefined),
    (unitId): Promise<DealQuoteInfo> =>
      api.quote(unitId, {
        planId: props.sub.plan?.id,
        discountIds: discountIdsOf(props.sub),
        ...(props.sub.buyerPhone ? { phone: props.sub.buyerPhone } : {}),
      }),
  );
  const newPrice = (): number | null => parseYuan(priceText());
  const belowFloor = (): boolean => props.sub.floorPrice !== null && (newPrice() ?? Infinity) < props.sub.floorPrice;

  /** The one phone rule (shared normalizePhone), live once 11 digits are typed. */
  const newPhoneInvalid = (): boolean =>
    buyerPhone().replace(/\D/g, '').length >= 11 && normalizePhone(buyerPhone()) === null;

  const problem = (): string | null => {
    if (kind() === 'UNIT_CHANGE' && !target()) return t('deals.form.pickTarget');
    if (kind() === 'BUYER_CHANGE') {
      if (!buyerName().trim()) return t('deals.form.nameRequired');
      if (normalizePhone(buyerPhone()) === null) return t('deals.form.phoneInvalid');
    }
    if (kind() === 'PRICE_CHANGE') {
      const p = newPrice();
      if (p === null) return t('deals.form.priceInvalid');
      if (p === props.sub.price) return t('deals.form.priceSame');
    }
    if (!reason().trim()) return t('deals.form.reasonRequired');
    return null;
  };

  const body = (): ChangeRequestBody => {
    const common = { subscriptionId: props.sub.id, reason: reason().trim() };
    switch (kind()) {
      case 'UNIT_CHANGE':
        return { kind: 'UNIT_CHANGE', ...common, targetUnitId: target() ?? '' };
      case 'CANCEL':
        return { kind: 'CANCEL', ...common };
      case 'BUYER_CHANGE':
        return {
          kind: 'BUYER_CHANGE',
          ...common,
          buyer: { name: buyerName().trim(), phone: normalizePhone(buyerPhone()) ?? buyerPhone().trim() },
        };
      case 'PRICE_CHANGE':
        return { kind: 'PRICE_CHANGE', ...common, finalPrice: newPrice() ?? 0 };
    }
  };

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setTried(true);
    if (problem() || busy()) return;
    setBusy(true);
    setError(null);
    try {
      const created = await api.requestChange(body());
      showToast('success', t('deals.requested', { kind: kindLabel(created.kind), unit: created.unitCode }));
      props.onDone(created);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="deals-form" onSubmit={(e) => void submit(e)} noValidate>
      <h3 class="deals-section__title">{t('deals.requestChange')}</h3>
      <div class="deals-kinds" role="radiogroup" aria-label={t('deals.form.kind')}>
        <For each={CHANGE_KINDS}>
          {(k) => (
            <button
              type="button"
              role="radio"
              aria-checked={kind() === k}
              class="deals-kinds__opt"
              onClick={() => {
                setKind(k);
                setError(null);
              }}
            >
              <KindChip kind={k} />
            </button>
          )}
        </For>
      </div>

      <Switch>
        <Match when={kind() === 'UNIT_CHANGE'}>
          <label class="field">
            <span class="field__label">{t('deals.form.target')}</span>
            <input
              class="input input--sm"
              type="search"
              placeholder={t('deals.form.searchUnit')}
              value={search()}
              onInput={(e) => setSearch(e.currentTarget.value)}
            />
          </label>
          <Show when={units().length > 0} fallback={<p class="muted deals-form__empty">{t('deals.form.noUnits')}</p>}>
            <div class="deals-targets" role="listbox" aria-label={t('deals.form.target')}>
              <For each={units().slice(0, 60)}>
                {(u) => (
                  <button
                    type="button"
                    role="option"
                    aria-selected={target() === u.id}
                    class="deals-target"
                    onClick={() => setTarget(u.id)}
                  >
                    <span class="deals-target__code">{u.code}</span>
                    <span class="deals-target__meta">
                      {u.layoutName} · {u.grossArea}m²
                    </span>
                    <span class="deals-target__price num">{money(u.listPrice)}</span>
                  </button>
                )}
              </For>
            </div>
          </Show>
          <Show when={target()}>
            <div class="deals-preview" aria-live="polite">
              <Switch>
                <Match when={quote.loading()}>
                  <Spinner size="sm" /> <span class="muted">{t('deals.form.quoting')}</span>
                </Match>
                <Match when={quote.error()}>
                  <span class="field__error">{describeError(quote.error())}</span>
                </Match>
                <Match when={quote.value()}>
                  {(q) => (
                    <>
                      <div class="deals-preview__row">
                        <span>{t('deals.form.newPrice')}</span>
                        <strong class="num">{money(q().breakdown.finalPrice)}</strong>
                      </div>
                      <div class="deals-preview__row muted">
                        <span>{t('deals.form.vsCurrent', { price: money(props.sub.price) })}</span>
                        <span class="num">{signedMoney(q().breakdown.finalPrice - props.sub.price)}</span>
                      </div>
                      <Show when={q().belowFloor}>
                        <p class="deals-req__warn">{t('deals.belowFloor')}</p>
                      </Show>
                    </>
                  )}
                </Match>
              </Switch>
            </div>
          </Show>
        </Match>
        <Match when={kind() === 'BUYER_CHANGE'}>
          <p class="muted">
            {t('deals.form.currentBuyer', { name: props.sub.buyerName, phone: props.sub.buyerPhone ?? '—' })}
          </p>
          <div class="deals-form__row">
            <label class="field">
              <span class="field__label">{t('deals.form.newName')}</span>
              <input
                class="input input--sm"
                maxLength={50}
                value={buyerName()}
                onInput={(e) => setBuyerName(e.currentTarget.value)}
              />
            </label>
            <label class="field">
              <span class="field__label">{t('deals.form.newPhone')}</span>
              <input
                class="input input--sm"
                inputMode="tel"
                maxLength={32}
                value={buyerPhone()}
                onInput={(e) => setBuyerPhone(e.currentTarget.value)}
                aria-invalid={newPhoneInvalid()}
              />
              <Show when={newPhoneInvalid()}>
                <span class="field__error">{t('deals.form.phoneInvalid')}</span>
              </Show>
            </label>
          </div>
        </Match>
        <Match when={kind() === 'PRICE_CHANGE'}>
          <label class="field">
            <span class="field__label">{t('deals.form.newPriceYuan')}</span>
            <input
              class="input input--sm num"
              inputMode="decimal"
              placeholder={String(props.sub.price / 100)}
              value={priceText()}
              onInput={(e) => setPriceText(e.currentTarget.value)}
            />
          </label>
          <Show when={newPrice()}>
            {(p) => (
              <div class="deals-preview">
                <div class="deals-preview__row">
                  <span>{t('deals.form.vsCurrent', { price: money(props.sub.price) })}</span>
                  <strong class="num">{signedMoney(p() - props.sub.price)}</strong>
                </div>
                <Show when={belowFloor()}>
                  <p class="deals-req__warn">
                    {t('deals.belowFloorBy', { amount: money((props.sub.floorPrice ?? 0) - p()) })}
                  </p>
                </Show>
              </div>
            )}
          </Show>
        </Match>
        <Match when={kind() === 'CANCEL'}>
          <div class="deals-cancel-note">{t('deals.form.cancelNote')}</div>
        </Match>
      </Switch>

      <label class="field">
        <span class="field__label">{t('deals.form.reason')}</span>
        <textarea
          class="input deals-form__reason"
          rows={2}
          maxLength={200}
          value={reason()}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </label>
      <Show when={(tried() && problem()) || error()}>
        {(msg) => (
          <p class="field__error" role="alert">
            {msg()}
          </p>
        )}
      </Show>
      <div class="deals-form__actions">
        <button type="button" class="btn btn--secondary btn--sm" disabled={busy()} onClick={() => props.onCancel()}>
          {t('common.cancel')}
        </button>
        <button type="submit" class="btn btn--primary btn--sm" disabled={busy()}>
          <Show when={busy()}>
            <Spinner size="sm" />
          </Show>
          {t('deals.form.submit')}
        </button>
      </div>
    </form>
  );
}
