/**
 * The consultant's unit sheet: facts, why it cannot be locked (if so), the Lock button, and —
 * once locked by me — the countdown, the buyer form, the review step (confirm-review.tsx) that
 * sends Confirm subscription, and Release.
 */
import { Match, Show, Switch, createEffect, createSignal, on, type JSX } from 'solid-js';
import {
  MAX_PURCHASE_PLAN_COLUMNS,
  STATUS_COLORS,
  buyerSchema,
  formatClock,
  normalizePhone,
  formatYuan,
  type Buyer,
  type CatalogUnit,
  type ConfirmResult,
  type Dependency,
  type DealTerms as DealTermsBody,
  type DocumentRequestBody,
  type PriceApprovalInfo,
  type PricingTerms,
  type RegistrationInfo,
  type UserInfo,
} from '@kaipan/shared';
import { api } from '../lib/api';
import { secondsLeft } from '../lib/clock';
import { describeError, errorText, locale, statusLabel, t } from '../lib/i18n';
import type { ApprovalsStore } from '../stores/deals';
import { DealTerms, type DealChoice, type ServerQuote } from './deal-terms';
import { describeBuyerError, remaining } from '../stores/buyer';
import type { MyLocks } from '../stores/my-locks';
import { isSeller } from '../stores/project-roles';
import type { ConnectionState, LiveUnit } from '../stores/units';
import { BottomSheet } from './bottom-sheet';
import { ConfirmReview, type ReviewBuyer } from './confirm-review';
import { CustomerBadge } from './customer-badge';
import { DocumentButton } from './document-button';
import { Countdown, URGENT_SECONDS } from './countdown';
import { DepositBanner } from './deposit-deadline';
import { ErrorAlert, Spinner } from './ui';
import { UnitFacts } from './unit-facts';
import './lock-sheet.css';

export interface LockSheetProps {
  projectId: string;
  unit: CatalogUnit | undefined;
  live: LiveUnit | undefined;
  buildingLabel: string;
  user: UserInfo;
  myLocks: MyLocks;
  paused: boolean;
  connection: ConnectionState;
  /** The server's dependency that is down: selling is paused (lock and confirm disabled) until it is back. */
  blockedBy: Dependency | null;
  maxLocks: number;
  timeZone: string;
  /** The registered buyer new locks are for (认筹), if one is chosen. */
  buyer: RegistrationInfo | undefined;
  /** The project requires a registered buyer for every lock. */
  buyerRequired: boolean;
  /** The registration behind a held lock's `registrationId`. */
  registration: (registrationId: string) => RegistrationInfo | undefined;
  /** The project's pricing terms (plans, discounts, policy, active price-list version). */
  terms: PricingTerms | undefined;
  /** Why the pricing terms could not be loaded (shown with a retry instead of "loading" forever). */
  termsError?: unknown;
  onRetryTerms?: () => void;
  /** Below-floor approvals (mine, live). */
  approvals: ApprovalsStore;
  onClose: () => void;
  onReleased: (unit: CatalogUnit) => void;
  /** After a confirm; under a deposit rule the ack carries `depositDueAt` and the sheet stays open to show it. */
  onConfirmed: (unit: CatalogUnit, result: ConfirmResult) => void;
}

/** A confirm under review: exactly what "确认认购" will send (the lock token is the request id). */
interface PendingConfirm {
  unitId: string;
  /** A walk-in buyer typed on the form; absent for a lock taken for a registered buyer. */
  buyer: Buyer | undefined;
  registrationId: string | undefined;
  terms: DealTermsBody;
  approved: boolean;
}

export function LockSheet(props: LockSheetProps): JSX.Element {
  const [name, setName] = createSignal('');
  const [phone, setPhone] = createSignal('');
  const [fieldErrors, setFieldErrors] = createSignal<{ name?: boolean; phone?: boolean }>({});
  const [phoneLeft, setPhoneLeft] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [action, setAction] = createSignal<'lock' | 'release' | 'confirm' | 'approval' | null>(null);
  const [choice, setChoice] = createSignal<DealChoice>({ planId: undefined, discountIds: [] });
  const [serverQuote, setServerQuote] = createSignal<ServerQuote>({ state: 'idle' });
  const [approvalNote, setApprovalNote] = createSignal('');
  /** The confirm just made on this sheet (its deposit deadline is shown until the sheet closes). */
  const [confirmed, setConfirmed] = createSignal<{ unitId: string; code: string; depositDueAt: string } | null>(null);
  /** The review step is open with this confirm (nothing is sent until it is confirmed there). */
  const [review, setReview] = createSignal<PendingConfirm | null>(null);
  let nameInput: HTMLInputElement | undefined;

  // A different unit: a fresh form.
  createEffect(
    on(
      () => props.unit?.id,
      () => {
        setName('');
        setPhone('');
        setPhoneLeft(false);
        setFieldErrors({});
        setError(null);
        setChoice({ planId: undefined, discountIds: [] });
        setServerQuote({ state: 'idle' });
        setApprovalNote('');
        setConfirmed(null);
        setReview(null);
      },
    ),
  );

  const status = () => props.live?.status ?? 'NOT_RELEASED';
  const lockedByMe = (): boolean => status() === 'LOCKED' && props.live?.lock?.holderId === props.user.id;
  const token = (): string | undefined => (props.unit ? props.myLocks.token(props.unit.id) : undefined);
  const busy = (): boolean => (props.unit ? props.myLocks.isBusy(props.unit.id) : false);
  const heldCount = (): number => props.myLocks.list().length;
  const deadline = (): number | undefined => (props.unit ? props.myLocks.deadline(props.unit.id) : undefined);
  /** The registration a held lock was taken for (its id, and the record when loaded). */
  const lockRegistration = (): string | undefined =>
    props.unit ? props.myLocks.registrationOf(props.unit.id) : undefined;

  /** The below-floor request for this very lock, if one was made. */
  const approval = (): PriceApprovalInfo | undefined =>
    props.unit ? props.approvals.forLock(props.unit.id, token()) : undefined;
  // An approved request fixes the terms to the approved ones (the approval covers exactly that price).
  createEffect(
    on(approval, (a) => {
      if (a && (a.status === 'APPROVED' || a.status === 'PENDING'))
        setChoice({ planId: a.planId, discountIds: [...a.discountIds] });
    }),
  );
  const quoted = () => {
    const q = serverQuote();
    return q.state === 'ok' ? q.quote : undefined;
  };
  const needsApproval = (): boolean => quoted()?.belowFloor === true && approval()?.status !== 'APPROVED';
  const dealTerms = (): DealTermsBody => ({
    ...(choice().planId ? { planId: choice().planId } : quoted()?.plan ? { planId: quoted()!.plan!.id } : {}),
    discountIds: choice().discountIds,
    ...(props.terms ? { priceVersion: props.terms.priceVersion } : {}),
    ...(approval()?.status === 'APPROVED' ? { approvalId: approval()!.id } : {}),
  });
  /**
   * The phone field checked live with the server's rule (shared normalizePhone): once 11 digits are
   * typed, or the field was left, a number that is not a mainland mobile says so at once.
   */
  const phoneInvalid = (): boolean => {
    const typed = phone().trim();
    if (!typed || normalizePhone(typed) !== null) return fieldErrors().phone === true && !typed;
    return phoneLeft() || typed.replace(/\D/g, '').length >= 11 || fieldErrors().phone === true;
  };

  /** The buyer for quotes and requests: typed on the form, or the registration's. */
  const typedBuyer = () => {
    const parsed = buyerSchema.safeParse({ name: name(), phone: phone() });
    return parsed.success ? parsed.data : undefined;
  };

  const requestApproval = async (): Promise<void> => {
    const unit = props.unit;
    const lockToken = token();
    if (!unit || !lockToken || busy()) return;
    setError(null);
    const buyer = lockRegistration() ? undefined : typedBuyer();
    if (!lockRegistration() && !buyer) {
      setFieldErrors({ name: !name().trim(), phone: true });
      return;
    }
    if (!approvalNote().trim()) {
      setError(t('deal.noteRequired'));
      return;
    }
    setAction('approval');
    try {
      const terms = dealTerms();
      const made = await api.requestApproval(unit.id, {
        token: lockToken,
        ...(terms.planId ? { planId: terms.planId } : {}),
        discountIds: terms.discountIds ?? [],
        ...(terms.priceVersion ? { priceVersion: terms.priceVersion } : {}),
        ...(buyer ? { buyer } : {}),
        note: approvalNote().trim(),
      });
      props.approvals.put(made);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setAction(null);
    }
  };

  const withdrawApproval = async (): Promise<void> => {
    const a = approval();
    if (!a) return;
    try {
      props.approvals.put(await api.withdrawApproval(a.id));
    } catch (err) {
      setError(describeError(err));
    }
  };

  /** 置业计划书: for a unit the consultant may sell (available, or held by them). */
  const planOffered = (): boolean =>
    isSeller(props.user, props.projectId) && (status() === 'AVAILABLE' || lockedByMe());
  /**
   * The purchase plan of this unit: while I hold it, the plan I chose first (then the others, at
   * most MAX_PURCHASE_PLAN_COLUMNS) and the discounts I ticked; otherwise every active plan.
   */
  const planRequest = (): DocumentRequestBody | undefined => {
    const unit = props.unit;
    if (!unit) return undefined;
    if (!lockedByMe()) return { kind: 'PURCHASE_PLAN', entityId: unit.id };
    const chosen = choice().planId ?? quoted()?.plan?.id;
    const others = (props.terms?.plans ?? []).map((p) => p.id).filter((id) => id !== chosen);
    const planIds = chosen ? [chosen, ...others].slice(0, MAX_PURCHASE_PLAN_COLUMNS) : undefined;
    const discountIds = choice().discountIds;
    return {
      kind: 'PURCHASE_PLAN',
      entityId: unit.id,
      ...(planIds ? { planIds } : {}),
      ...(discountIds.length > 0 ? { discountIds: [...discountIds] } : {}),
    };
  };

  /** Why the Lock button is not offered, or null when it is. */
  const blockReason = (): string | null => {
    const live = props.live;
    switch (status()) {
      case 'LOCKED':
        if (lockedByMe()) return token() ? null : t('sheet.reasonLockedMineElsewhere');
        return t('sheet.reasonLocked', {
          name: live?.lock?.holderName ?? '',
          time: live?.lock ? formatClock(live.lock.deadline, props.timeZone) : '',
        });
      case 'SUBSCRIBED':
        return t('sheet.reasonSubscribed');
      case 'CONTRACTED':
        return t('sheet.reasonContracted');
      case 'WITHHELD':
        return t('sheet.reasonWithheld');
      case 'NOT_RELEASED':
        return t('sheet.reasonNotReleased');
      case 'AVAILABLE':
        if (!isSeller(props.user, props.projectId)) return t('sheet.reasonNoRole');
        if (props.connection === 'offline') return t('sheet.reasonOffline');
        if (props.blockedBy) return t('sheet.reasonSystem');
        if (props.paused) return t('sheet.reasonPaused');
        if (heldCount() >= props.maxLocks) return t('sheet.reasonLimit', { n: props.maxLocks });
        if (props.buyerRequired && !props.buyer) return t('buyer.required');
        if (props.buyer && remaining(props.buyer) === 0) return errorText('ENTITLEMENT_EXCEEDED');
        return null;
    }
  };

  const lock = async (): Promise<void> => {
    const unit = props.unit;
    if (!unit) return;
    setError(null);
    setAction('lock');
    try {
      // The sheet itself shows the countdown and the buyer form: no toast needed.
      if (await props.myLocks.lock(unit.id, props.buyer?.id)) queueMicrotask(() => nameInput?.focus());
    } catch (err) {
      // FORBIDDEN for a chosen buyer: another consultant's customer — say so, not "not allowed".
      setError(props.buyer ? describeBuyerError(err) : describeError(err));
    } finally {
      setAction(null);
    }
  };

  const release = async (): Promise<void> => {
    const unit = props.unit;
    if (!unit) return;
    setError(null);
    setAction('release');
    try {
      if (await props.myLocks.release(unit.id)) props.onReleased(unit);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setAction(null);
    }
  };

  const confirmedWith = (unit: CatalogUnit, result: ConfirmResult | undefined): void => {
    if (!result) return;
    if (result.depositDueAt) setConfirmed({ unitId: unit.id, code: unit.code, depositDueAt: result.depositDueAt });
    props.onConfirmed(unit, result);
  };
  /** The deal confirmed here, while the unit still shows it sold. */
  const confirmedHere = () => {
    const c = confirmed();
    return c && c.unitId === props.unit?.id && status() === 'SUBSCRIBED' ? c : undefined;
  };

  /** The form is complete: open the review step (below-floor prices go to approval first). */
  const confirm = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const unit = props.unit;
    // A pause stops confirms too (the server refuses SALES_PAUSED); the button says why.
    if (!unit || busy() || props.paused) return;
    setError(null);
    if (needsApproval()) {
      await requestApproval();
      return;
    }
    const approved = approval()?.status === 'APPROVED';
    const registrationId = lockRegistration();
    if (registrationId) {
      // A lock for a registered buyer: the server records the registration's customer.
      setReview({ unitId: unit.id, buyer: undefined, registrationId, terms: dealTerms(), approved });
      return;
    }
    const parsed = buyerSchema.safeParse({ name: name(), phone: phone() });
    if (!parsed.success) {
      const paths = new Set(parsed.error.issues.map((i) => String(i.path[0])));
      setFieldErrors({ name: paths.has('name'), phone: paths.has('phone') });
      return;
    }
    setFieldErrors({});
    setReview({ unitId: unit.id, buyer: parsed.data, registrationId: undefined, terms: dealTerms(), approved });
  };

  /** "确认认购" on the review: send exactly what was reviewed. A retry re-sends the same lock token (idempotent). */
  const sendConfirm = async (): Promise<void> => {
    const unit = props.unit;
    const pending = review();
    if (!unit || !pending || pending.unitId !== unit.id || busy()) return;
    setError(null);
    setAction('confirm');
    try {
      const result = await props.myLocks.confirm(unit.id, pending.buyer, pending.terms);
      if (result) setReview(null);
      confirmedWith(unit, result);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setAction(null);
    }
  };

  /** The buyer as the review shows them. */
  const reviewBuyer = (pending: PendingConfirm): ReviewBuyer | undefined => {
    if (pending.buyer) return { name: pending.buyer.name, phone: pending.buyer.phone };
    const r = pending.registrationId ? props.registration(pending.registrationId) : undefined;
    return r ? { label: r.label, name: r.customer.name, phone: r.customer.phone } : undefined;
  };
  const reviewQuote = (pending: PendingConfirm) => ({
    ...(pending.terms.planId ? { planId: pending.terms.planId } : {}),
    discountIds: pending.terms.discountIds ?? [],
    ...(pending.registrationId
      ? { registrationId: pending.registrationId }
      : pending.buyer
        ? { phone: pending.buyer.phone }
        : {}),
  });

  return (
    <BottomSheet
      open={props.unit !== undefined}
      onClose={() => props.onClose()}
      accent={STATUS_COLORS[status()].bg}
      title={
        <>
          <span>{props.unit?.code}</span>
          <span
            class="status-pill"
            style={{ background: STATUS_COLORS[status()].bg, color: STATUS_COLORS[status()].fg }}
          >
            {lockedByMe() ? t('grid.mine') : statusLabel(status())}
          </span>
        </>
      }
      subtitle={
        <>
          {props.buildingLabel} · {t('grid.floor', { n: props.unit?.floor ?? 0 })}
        </>
      }
    >
      <Show when={props.unit}>
        {(unit) => (
          <>
            <Show when={lockedByMe() && token() ? deadline() : undefined}>
              {(d) => (
                <div
                  class="lock-timer"
                  classList={{
                    'lock-timer--urgent': secondsLeft(d()) < URGENT_SECONDS,
                    'lock-timer--sticky': review() !== null,
                  }}
                >
                  <div>
                    <div class="lock-timer__label">{t('sheet.timeLeft')}</div>
                    <div class="lock-timer__hint">{t('sheet.lockedByYou')}</div>
                  </div>
                  <Countdown deadline={d()} class="lock-timer__value" />
                </div>
              )}
            </Show>

            <Show when={!review()}>
              <UnitFacts unit={unit()} dealPrice={props.live?.price} compact={lockedByMe()} />

              <ErrorAlert message={error()} />
            </Show>

            <Switch>
              <Match when={confirmedHere()}>
                {(c) => (
                  <div class="dep-done">
                    <div class="dep-done__title" role="status">
                      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                        <circle cx="12" cy="12" r="10" fill="currentColor" />
                        <path
                          d="M7 12.5l3.2 3.2L17 9"
                          fill="none"
                          stroke="#fff"
                          stroke-width="2.4"
                          stroke-linecap="round"
                          stroke-linejoin="round"
                        />
                      </svg>
                      {t('deposit.confirmedTitle', { code: c().code })}
                    </div>
                    <DepositBanner dueAt={c().depositDueAt} timeZone={props.timeZone} />
                    <div class="sheet__actions">
                      <button type="button" class="btn btn--primary btn--lg btn--block" onClick={() => props.onClose()}>
                        {t('common.close')}
                      </button>
                    </div>
                  </div>
                )}
              </Match>
              <Match when={review()?.unitId === unit().id ? review() : undefined}>
                {(pending) => (
                  <ConfirmReview
                    unit={unit()}
                    buildingLabel={props.buildingLabel}
                    buyer={reviewBuyer(pending())}
                    quote={reviewQuote(pending())}
                    approved={pending().approved}
                    lockHeld={(lockedByMe() && token() !== undefined) || action() === 'confirm'}
                    sending={action() === 'confirm'}
                    error={error()}
                    stopped={props.blockedBy ? t('sheet.reasonSystem') : props.paused ? t('sheet.confirmPaused') : null}
                    onBack={() => {
                      setError(null);
                      setReview(null);
                    }}
                    onConfirm={() => void sendConfirm()}
                  />
                )}
              </Match>
              <Match when={lockedByMe() && token()}>
                <form class="form buyer-form" onSubmit={(e) => void confirm(e)} novalidate>
                  <h3 class="buyer-form__title">
                    {lockRegistration() ? t('sheet.registeredBuyer') : t('sheet.buyer')}
                  </h3>
                  <Show
                    when={lockRegistration()}
                    fallback={
                      <div class="buyer-form__fields">
                        <label class="field">
                          <span class="field__label">{t('sheet.buyerName')}</span>
                          <input
                            ref={nameInput}
                            class="input"
                            name="buyer-name"
                            autocomplete="off"
                            placeholder={t('sheet.buyerNamePlaceholder')}
                            value={name()}
                            onInput={(e) => setName(e.currentTarget.value)}
                            aria-invalid={fieldErrors().name === true}
                            disabled={busy()}
                            maxLength={50}
                          />
                          <Show when={fieldErrors().name}>
                            <span class="field__error">{t('sheet.invalidName')}</span>
                          </Show>
                        </label>
                        <label class="field">
                          <span class="field__label">{t('sheet.buyerPhone')}</span>
                          <input
                            class="input"
                            name="buyer-phone"
                            type="tel"
                            inputmode="tel"
                            autocomplete="off"
                            placeholder={t('sheet.buyerPhonePlaceholder')}
                            value={phone()}
                            onInput={(e) => setPhone(e.currentTarget.value)}
                            onBlur={() => setPhoneLeft(true)}
                            aria-invalid={phoneInvalid()}
                            disabled={busy()}
                            maxLength={32}
                          />
                          <Show when={phoneInvalid()}>
                            <span class="field__error">{t('sheet.invalidPhone')}</span>
                          </Show>
                        </label>
                      </div>
                    }
                  >
                    {(regId) => (
                      <div class="buyer-fixed">
                        <span class="buyer-fixed__no">{props.registration(regId())?.label ?? '…'}</span>
                        <Show when={props.registration(regId())}>
                          {(r) => <CustomerBadge name={r().customer.name} status={r().customer.status} />}
                        </Show>
                      </div>
                    )}
                  </Show>
                  <Show
                    when={props.terms}
                    fallback={
                      <Show when={props.termsError} fallback={<p class="dterms__note">{t('deal.loading')}</p>}>
                        {(err) => (
                          <div class="alert alert--error" role="alert">
                            {t('review.termsFailed')} {describeError(err())}{' '}
                            <button type="button" class="link-btn" onClick={() => props.onRetryTerms?.()}>
                              {t('common.retry')}
                            </button>
                          </div>
                        )}
                      </Show>
                    }
                  >
                    {(terms) => (
                      <DealTerms
                        unit={unit()}
                        terms={terms()}
                        choice={choice()}
                        onChoice={setChoice}
                        registrationId={lockRegistration()}
                        buyerPhone={typedBuyer()?.phone}
                        disabled={busy() || approval()?.status === 'PENDING' || approval()?.status === 'APPROVED'}
                        onServerQuote={setServerQuote}
                      />
                    )}
                  </Show>
                  <Show
                    when={serverQuote().state === 'error' ? (serverQuote() as { message: string }).message : undefined}
                  >
                    {(msg) => (
                      <div class="alert alert--error" role="alert">
                        {msg()}
                      </div>
                    )}
                  </Show>
                  <Show when={approval()}>
                    {(a) => (
                      <ApprovalCard
                        approval={a()}
                        timeZone={props.timeZone}
                        onWithdraw={() => void withdrawApproval()}
                      />
                    )}
                  </Show>
                  <Show when={needsApproval() && approval()?.status !== 'PENDING'}>
                    <div class="approval-ask">
                      <div class="alert alert--warn" role="status">
                        {t('deal.belowFloor')}
                      </div>
                      <label class="field">
                        <span class="field__label">{t('deal.approvalNote')}</span>
                        <textarea
                          class="input"
                          rows="2"
                          maxLength={200}
                          placeholder={t('deal.approvalNotePlaceholder')}
                          value={approvalNote()}
                          onInput={(e) => setApprovalNote(e.currentTarget.value)}
                          disabled={busy()}
                        />
                      </label>
                    </div>
                  </Show>
                  <Show when={props.blockedBy}>
                    <div class="sheet__reason sheet__reason--system" role="status">
                      <span>{t('sheet.reasonSystem')}</span>
                    </div>
                  </Show>
                  <Show when={props.paused}>
                    <div class="alert alert--warn" role="status" data-testid="confirm-paused">
                      {t('sheet.confirmPaused')}
                    </div>
                  </Show>
                  <div class="sheet__actions">
                    <button
                      type="button"
                      class="btn btn--secondary btn--lg"
                      disabled={busy()}
                      onClick={() => void release()}
                    >
                      {t('sheet.release')}
                    </button>
                    <Switch
                      fallback={
                        <button
                          type="submit"
                          class="btn btn--primary btn--lg btn--grow"
                          disabled={
                            busy() ||
                            props.paused ||
                            !!props.blockedBy ||
                            serverQuote().state === 'error' ||
                            approval()?.status === 'PENDING'
                          }
                          title={props.paused ? t('sheet.confirmPaused') : undefined}
                        >
                          {approval()?.status === 'APPROVED' ? t('deal.confirmApproved') : t('review.open')}
                        </button>
                      }
                    >
                      <Match when={needsApproval() && approval()?.status !== 'PENDING'}>
                        <button
                          type="submit"
                          class="btn btn--warn btn--lg btn--grow"
                          disabled={busy() || props.paused || !!props.blockedBy}
                        >
                          {action() === 'approval' ? t('deal.requesting') : t('deal.requestApproval')}
                        </button>
                      </Match>
                    </Switch>
                  </div>
                </form>
              </Match>
              <Match when={busy() && action()}>
                {(a) => (
                  <div class="sheet__actions">
                    <button type="button" class="btn btn--secondary btn--lg btn--block" disabled>
                      <Spinner size="sm" />
                      {a() === 'lock'
                        ? t('sheet.locking')
                        : a() === 'release'
                          ? t('sheet.releasing')
                          : t('sheet.confirming')}
                    </button>
                  </div>
                )}
              </Match>
              <Match when={blockReason()}>
                {(reason) => (
                  <div
                    class="sheet__reason"
                    classList={{
                      'sheet__reason--locked': status() === 'LOCKED',
                      'sheet__reason--system': status() === 'AVAILABLE' && !!props.blockedBy,
                    }}
                  >
                    <span>{reason()}</span>
                    <Show when={status() === 'LOCKED' && props.live?.lock}>
                      {(l) => <Countdown deadline={l().deadline} />}
                    </Show>
                  </div>
                )}
              </Match>
              <Match when={status() === 'AVAILABLE'}>
                <div class="sheet__actions">
                  <button
                    type="button"
                    class="btn btn--go btn--lg btn--block"
                    disabled={busy()}
                    onClick={() => void lock()}
                  >
                    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                      <rect
                        x="5"
                        y="10"
                        width="14"
                        height="10"
                        rx="2"
                        fill="none"
                        stroke="currentColor"
                        stroke-width="2"
                      />
                      <path d="M8 10V7a4 4 0 0 1 8 0v3" fill="none" stroke="currentColor" stroke-width="2" />
                    </svg>
                    {props.buyer
                      ? t('sheet.lockFor', { label: props.buyer.label, name: props.buyer.customer.name })
                      : t('sheet.lock')}
                  </button>
                </div>
              </Match>
            </Switch>

            <Show when={planOffered() && !review()}>
              <div class="sheet__docs">
                <DocumentButton
                  request={planRequest()}
                  label={t('doc.purchasePlan')}
                  disabledHint={props.connection === 'offline' ? t('doc.offline') : null}
                  testId="purchase-plan"
                />
              </div>
            </Show>
          </>
        )}
      </Show>
    </BottomSheet>
  );
}

/** Where the below-floor request for this lock stands (pending with the hold, approved, rejected). */
function ApprovalCard(props: { approval: PriceApprovalInfo; timeZone: string; onWithdraw: () => void }): JSX.Element {
  const a = (): PriceApprovalInfo => props.approval;
  const title = (): string =>
    a().status === 'PENDING'
      ? t('deal.pending')
      : t(a().status === 'APPROVED' ? 'deal.approved' : 'deal.rejected', { name: a().decidedBy ?? '' });
  return (
    <Show when={a().status === 'PENDING' || a().status === 'APPROVED' || a().status === 'REJECTED'}>
      <div class={`approval-card approval-card--${a().status.toLowerCase()}`} role="status">
        <div class="approval-card__head">
          <Show when={a().status === 'PENDING'}>
            <span class="spinner spinner--sm" aria-hidden="true" />
          </Show>
          <strong>{title()}</strong>
        </div>
        <Show when={a().status === 'PENDING'} fallback={<Show when={a().decisionNote}>{(n) => <p>{n()}</p>}</Show>}>
          <p>
            {t('deal.pendingHint', {
              price: formatYuan(a().finalPrice, locale()),
              time: formatClock(a().holdUntil, props.timeZone),
            })}
          </p>
          <button type="button" class="btn btn--ghost btn--sm" onClick={() => props.onWithdraw()}>
            {t('deal.withdraw')}
          </button>
        </Show>
      </div>
    </Show>
  );
}
