/**
 * /queue — the take-a-number kiosk 排号机 (touch screen + ticket printer). Category as huge
 * buttons → mobile number on the on-screen keypad (or the registration QR / number) → the number,
 * people ahead, estimated wait, a QR code to the buyer page, and the printed 80 mm ticket.
 * Idempotent: one key per attempt (a double tap or a retry returns the same ticket), and the
 * server gives a phone that already has a number that number (200, created: false).
 * The screen returns to the start by itself when left alone.
 */
import { For, Match, Show, Switch, createMemo, createSignal, onCleanup, type JSX } from 'solid-js';
import { useNavigate } from '@solidjs/router';
import { estimateWaitMinutes, type QueueCategoryInfo, type TakeTicketResult, type TicketStatus } from '@kaipan/shared';
import type { KioskDevice } from '../lib/kiosk-device';
import { toApiError } from '../lib/api';
import { autoPrint, online } from '../lib/device';
import { categoryName, describeError, locale, t } from '../lib/i18n';
import { RehearsalBand } from '@kaipan/web/components/rehearsal-band';
import {
  PHONE_DIGITS,
  REGISTRATION_DIGITS,
  checkPhone,
  formatPhone,
  parseRegistrationQr,
  pressKey,
  registrationFromDigits,
  type KeypadKey,
} from '../lib/keypad';
import { createLoader } from '../lib/loader';
import { printPdf } from '../lib/print';
import { Keypad } from '../components/keypad';
import { Scanner, scanningSupported } from '../components/scanner';
import {
  BrandMark,
  ErrorState,
  LangToggle,
  LoadingState,
  OfflineBanner,
  QrCode,
  Spinner,
  SystemBanner,
} from '../components/ui';
import { systemBlockedBy } from '../lib/system-status';
import './take.css';

/** Numbers can be taken: a network, and a server with its database and live service up. */
const canTake = (): boolean => online() && systemBlockedBy() === null;

/** Back to the start after this long without a touch: on the result, and while typing. */
const RESULT_IDLE_MS = 20_000;
const INPUT_IDLE_MS = 60_000;
/** Hold the logo this long to reach the device setup (staff only). */
const SETUP_HOLD_MS = 3_000;

type Step =
  | { kind: 'start' }
  | { kind: 'phone'; category: QueueCategoryInfo }
  | { kind: 'registration'; category: QueueCategoryInfo }
  | { kind: 'result'; result: TakeTicketResult; waitMinutes: number | null };

type PrintState = 'idle' | 'preparing' | 'printing' | 'printed' | 'failed';

/** A fresh idempotency key: a UUID where the browser offers one (secure contexts), else 128 random bits. */
function newAttemptKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export default function TakePage(props: { device: KioskDevice }): JSX.Element {
  const api = props.device.api;
  const projectId = props.device.project.id;
  const navigate = useNavigate();
  const categories = createLoader(
    () => projectId,
    (id) => api.categories(id),
  );

  const [step, setStep] = createSignal<Step>({ kind: 'start' });
  const [digits, setDigits] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [printState, setPrintState] = createSignal<PrintState>('idle');
  /** The attempt in flight or last failed: retrying the same input reuses its key. */
  let attempt: { fingerprint: string; key: string } | null = null;
  let printAbort: AbortController | null = null;

  // ── Idle: any touch restarts the countdown; when it runs out, back to the start. ─────────
  const [lastTouch, setLastTouch] = createSignal(Date.now());
  const [now, setNow] = createSignal(Date.now());
  const touched = (): void => {
    setLastTouch(Date.now());
  };
  window.addEventListener('pointerdown', touched, { capture: true });
  window.addEventListener('keydown', touched, { capture: true });
  const tick = setInterval(() => {
    setNow(Date.now());
    const s = step();
    if (s.kind === 'start' || busy()) return;
    if (Date.now() - lastTouch() >= (s.kind === 'result' ? RESULT_IDLE_MS : INPUT_IDLE_MS)) reset();
  }, 250);
  onCleanup(() => {
    clearInterval(tick);
    window.removeEventListener('pointerdown', touched, { capture: true });
    window.removeEventListener('keydown', touched, { capture: true });
    printAbort?.abort();
  });
  const secondsToStart = (): number =>
    Math.max(0, Math.ceil((RESULT_IDLE_MS - Math.max(0, now() - lastTouch())) / 1000));

  function reset(): void {
    printAbort?.abort();
    printAbort = null;
    attempt = null;
    setDigits('');
    setError(null);
    setPrintState('idle');
    setStep({ kind: 'start' });
    setLastTouch(Date.now());
    // Issued counts moved on while this buyer was here.
    void categories.reload();
  }

  const choose = (category: QueueCategoryInfo): void => {
    setDigits('');
    setError(null);
    setStep({ kind: 'phone', category });
  };

  const onKey = (key: KeypadKey): void => {
    setError(null);
    setDigits((d) => pressKey(d, key, step().kind === 'registration' ? REGISTRATION_DIGITS : PHONE_DIGITS));
  };

  async function submit(
    category: QueueCategoryInfo,
    input: { phone: string } | { registrationNo: string },
  ): Promise<void> {
    if (busy() || !online()) return;
    const fingerprint = `${category.code}|${'phone' in input ? `p:${input.phone}` : `r:${input.registrationNo}`}`;
    if (attempt?.fingerprint !== fingerprint) attempt = { fingerprint, key: newAttemptKey() };
    setBusy(true);
    setError(null);
    try {
      const result = await api.takeTicket(projectId, {
        category: category.code,
        idempotencyKey: attempt.key,
        ...input,
      });
      attempt = null;
      let waitMinutes: number | null = null;
      if (result.ticket.peopleAhead !== null) {
        try {
          const state = await api.queueState(projectId);
          // People ahead are counted in the ticket's own category: so is the pace they move at.
          const pace = state.categories.find((c) => c.id === result.ticket.category.id)?.callsPerMinute ?? null;
          waitMinutes = estimateWaitMinutes(result.ticket.peopleAhead, pace);
        } catch {
          // the estimate is a nicety: the number is what matters
        }
      }
      setDigits('');
      setPrintState('idle');
      setLastTouch(Date.now());
      setStep({ kind: 'result', result, waitMinutes });
      if (result.created && autoPrint()) void print(result);
    } catch (err) {
      const e = toApiError(err);
      setError('registrationNo' in input && e.code === 'NOT_FOUND' ? t('take.regNotFound') : describeError(e));
    } finally {
      setBusy(false);
    }
  }

  async function print(result: TakeTicketResult): Promise<void> {
    printAbort?.abort();
    const abort = new AbortController();
    printAbort = abort;
    setPrintState('preparing');
    try {
      const pdf = await api.ticketPdf(result.pdfPath, abort.signal);
      if (abort.signal.aborted) return;
      setPrintState('printing');
      await printPdf(pdf);
      if (abort.signal.aborted) return;
      setTimeout(() => !abort.signal.aborted && setPrintState('printed'), 1_500);
    } catch {
      if (!abort.signal.aborted) setPrintState('failed');
    }
  }

  // ── Staff: hold the logo to reach the setup. ─────────────────────────────────────────────
  let holdTimer: ReturnType<typeof setTimeout> | undefined;
  const holdStart = (): void => {
    clearTimeout(holdTimer);
    holdTimer = setTimeout(() => navigate('/queue/setup'), SETUP_HOLD_MS);
  };
  const holdEnd = (): void => clearTimeout(holdTimer);
  onCleanup(holdEnd);

  const projectName = (): string =>
    locale() === 'en' ? props.device.project.nameEn || props.device.project.name : props.device.project.name;

  return (
    <div class="k-page k-take" classList={{ 'k-take--result': step().kind === 'result' }}>
      <RehearsalBand project={props.device.project} locale={locale()} size="screen" />
      <OfflineBanner />
      <SystemBanner />
      <header class="k-top">
        <div
          class="k-top__brand"
          onPointerDown={holdStart}
          onPointerUp={holdEnd}
          onPointerLeave={holdEnd}
          onPointerCancel={holdEnd}
          onContextMenu={(e) => e.preventDefault()}
        >
          <BrandMark size={56} />
          <div>
            <div class="k-top__title">{projectName()}</div>
            <div class="k-top__sub">{t('app.title')}</div>
          </div>
        </div>
        <LangToggle />
      </header>

      <main class="k-main">
        <Switch>
          <Match when={step().kind === 'start'}>
            <StartStep
              categories={categories.data()}
              loading={categories.loading()}
              error={categories.error() ? describeError(categories.error()) : null}
              onRetry={() => void categories.reload()}
              onChoose={choose}
            />
          </Match>
          <Match when={step().kind === 'phone' ? (step() as Extract<Step, { kind: 'phone' }>) : null}>
            {(s) => (
              <PhoneStep
                category={s().category}
                digits={digits()}
                busy={busy()}
                error={error()}
                onKey={onKey}
                onBack={reset}
                onSubmit={(phone) => void submit(s().category, { phone })}
                onRegistration={() => {
                  setDigits('');
                  setError(null);
                  setStep({ kind: 'registration', category: s().category });
                }}
              />
            )}
          </Match>
          <Match when={step().kind === 'registration' ? (step() as Extract<Step, { kind: 'registration' }>) : null}>
            {(s) => (
              <RegistrationStep
                category={s().category}
                digits={digits()}
                busy={busy()}
                error={error()}
                onKey={onKey}
                onBack={() => {
                  setDigits('');
                  setError(null);
                  setStep({ kind: 'phone', category: s().category });
                }}
                onScanned={(text) => {
                  const no = parseRegistrationQr(text);
                  if (no) void submit(s().category, { registrationNo: no });
                }}
                onSubmit={(registrationNo) => void submit(s().category, { registrationNo })}
              />
            )}
          </Match>
          <Match when={step().kind === 'result' ? (step() as Extract<Step, { kind: 'result' }>) : null}>
            {(s) => (
              <ResultStep
                result={s().result}
                waitMinutes={s().waitMinutes}
                printState={printState()}
                secondsToStart={secondsToStart()}
                onPrint={() => void print(s().result)}
                onDone={reset}
              />
            )}
          </Match>
        </Switch>
      </main>
    </div>
  );
}

function StartStep(props: {
  categories: QueueCategoryInfo[] | undefined;
  loading: boolean;
  error: string | null;
  onRetry: () => void;
  onChoose: (c: QueueCategoryInfo) => void;
}): JSX.Element {
  const other = (c: QueueCategoryInfo): string => (locale() === 'en' ? c.name : c.nameEn);
  return (
    <section class="k-start">
      <h1 class="k-start__title">{t('take.welcome')}</h1>
      <p class="k-start__sub">{t('take.chooseCategory')}</p>
      <Switch>
        <Match when={props.categories && props.categories.length > 0 ? props.categories : null}>
          {(list) => (
            <div class="k-cats" classList={{ 'k-cats--many': list().length > 2 }}>
              <For each={list()}>
                {(c, i) => (
                  <button
                    type="button"
                    class="k-cat"
                    classList={{ 'k-cat--first': i() === 0 }}
                    data-category={c.code}
                    disabled={!canTake()}
                    onClick={() => props.onChoose(c)}
                  >
                    <span class="k-cat__prefix" aria-hidden="true">
                      {c.prefix}
                    </span>
                    <span class="k-cat__names">
                      <span class="k-cat__name">{categoryName(c)}</span>
                      <span class="k-cat__other">{other(c)}</span>
                    </span>
                    <span class="k-cat__issued">{t('take.issued', { n: c.issued })}</span>
                  </button>
                )}
              </For>
            </div>
          )}
        </Match>
        <Match when={props.categories && props.categories.length === 0}>
          <ErrorState title={t('take.noCategories')} message={t('take.noCategoriesHint')} onRetry={props.onRetry} />
        </Match>
        <Match when={props.error}>
          <ErrorState title={t('app.title')} message={props.error ?? ''} onRetry={props.onRetry} />
        </Match>
        <Match when={true}>
          <LoadingState />
        </Match>
      </Switch>
    </section>
  );
}

function CategoryChip(props: { category: { name: string; nameEn: string; code: string } }): JSX.Element {
  return (
    <span class="k-chip">
      {t('take.category')} · {categoryName(props.category)}
    </span>
  );
}

function StepHead(props: { title: string; category: QueueCategoryInfo; onBack: () => void }): JSX.Element {
  return (
    <div class="k-stephead">
      <button type="button" class="k-back" onClick={() => props.onBack()} aria-label={t('common.back')}>
        <svg viewBox="0 0 24 24" width="36" height="36" aria-hidden="true">
          <path
            d="M15 5l-7 7 7 7"
            fill="none"
            stroke="currentColor"
            stroke-width="2.4"
            stroke-linecap="round"
            stroke-linejoin="round"
          />
        </svg>
        <span>{t('common.back')}</span>
      </button>
      <CategoryChip category={props.category} />
      <h1 class="k-stephead__title">{props.title}</h1>
    </div>
  );
}

function PhoneStep(props: {
  category: QueueCategoryInfo;
  digits: string;
  busy: boolean;
  error: string | null;
  onKey: (key: KeypadKey) => void;
  onBack: () => void;
  onSubmit: (phone: string) => void;
  onRegistration: () => void;
}): JSX.Element {
  const check = createMemo(() => checkPhone(props.digits));
  const hint = (): string | null => {
    const c = check();
    if (c.state === 'invalid') return t('take.phoneInvalid');
    if (c.state === 'incomplete' && c.badStart) return t('take.phoneBadStart');
    return null;
  };
  const submit = (): void => {
    const c = check();
    if (c.state === 'valid') props.onSubmit(c.phone);
  };
  return (
    <section class="k-entry">
      <div class="k-entry__side">
        <StepHead title={t('take.phoneTitle')} category={props.category} onBack={props.onBack} />
        <div
          class="k-display"
          classList={{ 'k-display--bad': hint() !== null, 'k-display--ok': check().state === 'valid' }}
          aria-live="polite"
        >
          <Show
            when={props.digits.length > 0}
            fallback={<span class="k-display__placeholder">{t('take.phonePlaceholder')}</span>}
          >
            <span class="k-display__value" data-testid="phone-display">
              {formatPhone(props.digits)}
            </span>
          </Show>
        </div>
        <p
          class="k-entry__hint"
          classList={{ 'k-entry__hint--bad': hint() !== null || props.error !== null }}
          role={props.error ? 'alert' : undefined}
        >
          {props.error ?? hint() ?? t('take.phoneHint')}
        </p>
        <div class="k-entry__actions">
          <button
            type="button"
            class="k-btn k-btn--go k-btn--huge"
            disabled={check().state !== 'valid' || props.busy || !canTake()}
            onClick={submit}
          >
            <Show when={props.busy}>
              <Spinner light />
            </Show>
            {props.busy ? t('take.submitting') : t('take.submit')}
          </button>
          <button
            type="button"
            class="k-btn k-btn--secondary k-btn--wide"
            disabled={props.busy}
            onClick={() => props.onRegistration()}
          >
            <svg viewBox="0 0 24 24" width="30" height="30" aria-hidden="true">
              <path
                d="M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h2v2h-2zM18 14h2v2h-2zM14 18h2v2h-2zM18 18h2v2h-2z"
                fill="currentColor"
              />
            </svg>
            {t('take.haveQr')}
          </button>
        </div>
      </div>
      <Keypad onKey={props.onKey} disabled={props.busy} />
    </section>
  );
}

function RegistrationStep(props: {
  category: QueueCategoryInfo;
  digits: string;
  busy: boolean;
  error: string | null;
  onKey: (key: KeypadKey) => void;
  onBack: () => void;
  onScanned: (text: string) => void;
  onSubmit: (registrationNo: string) => void;
}): JSX.Element {
  const registrationNo = (): string | null => registrationFromDigits(props.digits);
  return (
    <section class="k-entry k-entry--reg">
      <div class="k-entry__side">
        <StepHead
          title={scanningSupported() ? t('take.regTitle') : t('take.regTypeTitle')}
          category={props.category}
          onBack={props.onBack}
        />
        <Scanner onCode={props.onScanned} paused={props.busy} />
        <div class="k-display k-display--reg" aria-live="polite">
          <Show
            when={registrationNo()}
            fallback={<span class="k-display__placeholder">{t('take.regPlaceholder')}</span>}
          >
            {(no) => <span class="k-display__value">{no()}</span>}
          </Show>
        </div>
        <p
          class="k-entry__hint"
          classList={{ 'k-entry__hint--bad': props.error !== null }}
          role={props.error ? 'alert' : undefined}
        >
          {props.error ?? (scanningSupported() ? t('take.regHint') : t('take.regNoCamera'))}
        </p>
        <div class="k-entry__actions">
          <button
            type="button"
            class="k-btn k-btn--go k-btn--huge"
            disabled={registrationNo() === null || props.busy || !canTake()}
            onClick={() => {
              const no = registrationNo();
              if (no) props.onSubmit(no);
            }}
          >
            <Show when={props.busy}>
              <Spinner light />
            </Show>
            {props.busy ? t('take.submitting') : t('take.submit')}
          </button>
          <button
            type="button"
            class="k-btn k-btn--secondary k-btn--wide"
            disabled={props.busy}
            onClick={() => props.onBack()}
          >
            {t('take.usePhone')}
          </button>
        </div>
      </div>
      <Keypad onKey={props.onKey} disabled={props.busy} />
    </section>
  );
}

const PRINT_TEXT: Record<
  Exclude<PrintState, 'idle'>,
  'result.preparing' | 'result.printing' | 'result.printed' | 'result.printFailed'
> = {
  preparing: 'result.preparing',
  printing: 'result.printing',
  printed: 'result.printed',
  failed: 'result.printFailed',
};

function ResultStep(props: {
  result: TakeTicketResult;
  waitMinutes: number | null;
  printState: PrintState;
  secondsToStart: number;
  onPrint: () => void;
  onDone: () => void;
}): JSX.Element {
  const ticket = () => props.result.ticket;
  const status = (): TicketStatus => ticket().status;
  const buyerUrl = (): string => new URL(props.result.buyerPath, location.origin).toString();
  const waitText = (): string => {
    if (ticket().peopleAhead === 0) return t('result.waitNow');
    return props.waitMinutes === null ? t('result.waitUnknown') : t('result.waitN', { n: props.waitMinutes });
  };
  return (
    <section class="k-result" data-created={props.result.created ? 'true' : 'false'}>
      <Show when={!props.result.created}>
        <div class="k-already" role="status">
          {t('result.already')}
        </div>
      </Show>
      <div class="k-result__ticket">
        <p class="k-result__label">{t('result.yourNumber')}</p>
        <p class="k-result__number" data-testid="ticket-number">
          {ticket().label}
        </p>
        <p class="k-result__cat">{categoryName(ticket().category)}</p>
        <Switch>
          <Match when={status() === 'WAITING'}>
            <dl class="k-result__facts">
              <div>
                <dt>{t('result.ahead')}</dt>
                <dd data-testid="people-ahead">{t('result.aheadN', { n: ticket().peopleAhead ?? 0 })}</dd>
              </div>
              <div>
                <dt>{t('result.wait')}</dt>
                <dd>{waitText()}</dd>
              </div>
            </dl>
          </Match>
          <Match when={status() === 'CALLED'}>
            <p class="k-result__called">{t('result.called')}</p>
          </Match>
        </Switch>
      </div>
      <div class="k-result__side">
        <div class="k-result__qr">
          <QrCode text={buyerUrl()} label={t('result.scan')} />
          <p>{t('result.scan')}</p>
        </div>
        <div
          class="k-result__print"
          classList={{ 'k-result__print--bad': props.printState === 'failed' }}
          aria-live="polite"
        >
          <Show when={props.printState !== 'idle'}>
            <span class="k-result__print-state">
              <Show when={props.printState === 'preparing' || props.printState === 'printing'}>
                <Spinner />
              </Show>
              {t(PRINT_TEXT[props.printState as Exclude<PrintState, 'idle'>])}
            </span>
          </Show>
          <Show when={props.printState === 'idle' || props.printState === 'printed' || props.printState === 'failed'}>
            <button type="button" class="k-btn k-btn--secondary" disabled={!online()} onClick={() => props.onPrint()}>
              {props.printState === 'idle' ? t('result.print') : t('result.printAgain')}
            </button>
          </Show>
        </div>
        <button type="button" class="k-btn k-btn--primary k-btn--huge k-result__done" onClick={() => props.onDone()}>
          {t('result.done')}
        </button>
        <p class="k-result__auto">{t('result.autoReturn', { n: props.secondsToStart })}</p>
      </div>
    </section>
  );
}
