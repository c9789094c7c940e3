/**
 * Building blocks of the cashier desk: modal dialog, badges, money with its capitals, progress bar,
 * countdown, offline banner, language switch. Class names are prefixed `c-` (kiosk/src/pages/cashier.css).
 */
import { For, Show, createRoot, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import {
  amountInCapitals,
  type CashierSubscription,
  MAX_CAPITALS_FEN,
  type PaymentInfo,
  type PaymentLineBody,
  type ReceiptInfo,
  STATUS_COLORS,
  SUBSCRIPTION_STATUS_LABELS,
} from '@kaipan/shared';
import { online } from '../lib/device';
import { systemBlockedBy } from '../lib/system-status';
import { ct, kindName, label, methodName, money, paymentStatusName } from '../lib/cashier-i18n';
import { locale, toggleLocale } from '../lib/i18n';
import { LanguageSwitch } from '@kaipan/web/components/language-switch';
import { holdModalFocus } from '@kaipan/web/components/modal-focus';
import { StateView } from '@kaipan/web/components/state';

/** One clock for every countdown on the desk (1 s). */
const clock = createRoot(() => {
  const [now, setNow] = createSignal(Date.now());
  if (typeof window !== 'undefined') setInterval(() => setNow(Date.now()), 1_000);
  return now;
});
export const now = clock;

export function Spinner(props: { light?: boolean; label?: string }): JSX.Element {
  return (
    <span
      class="k-spinner c-spinner"
      classList={{ 'k-spinner--light': props.light }}
      role="status"
      aria-label={props.label ?? ct('common.loading')}
    />
  );
}

export function Loading(props: { label?: string }): JSX.Element {
  return (
    <StateView skin="c-state" tone="loading" spinner={<Spinner />} message={props.label ?? ct('common.loading')} />
  );
}

export function Failure(props: {
  title: string;
  message?: string;
  onRetry?: () => void;
  children?: JSX.Element;
}): JSX.Element {
  return (
    <StateView
      skin="c-state"
      tone="error"
      icon="error"
      title={props.title}
      message={props.message}
      retry={
        props.onRetry && {
          label: ct('common.retry'),
          class: 'c-btn c-btn--primary',
          disabled: !online(),
          onRetry: props.onRetry,
        }
      }
    >
      {props.children}
    </StateView>
  );
}

export function Empty(props: {
  title: string;
  hint?: string;
  icon?: 'search' | 'receipt' | 'day';
  children?: JSX.Element;
}): JSX.Element {
  return (
    <StateView
      skin="c-state"
      tone="empty"
      icon={props.icon === 'search' ? 'search' : 'document'}
      iconClass="c-state__icon--muted"
      title={props.title}
      message={props.hint}
    >
      {props.children}
    </StateView>
  );
}

export function OfflineBar(): JSX.Element {
  return (
    <Show when={!online()}>
      <div class="c-offline" role="alert">
        <span class="c-offline__dot" aria-hidden="true" />
        {ct('common.offline')}
      </div>
    </Show>
  );
}

/** The server lost its database or live service: recording payments waits until it recovers by itself. */
export function SystemBar(): JSX.Element {
  return (
    <Show when={online() && systemBlockedBy()}>
      <div class="c-offline c-offline--system" role="alert">
        <span class="c-offline__dot" aria-hidden="true" />
        {ct('common.systemDown')}
      </div>
    </Show>
  );
}

/** 中文 / English (shows the language it switches to). */
export function LangSwitch(): JSX.Element {
  return (
    <LanguageSwitch
      language={{ locale, toggleLocale }}
      class="c-btn c-btn--ghost c-lang"
      iconSize={18}
      label={ct('common.language')}
      ariaLabel={ct('common.languageLabel')}
    />
  );
}

export type Tone = 'neutral' | 'ok' | 'warn' | 'bad' | 'info';

export function Badge(props: { tone?: Tone; children: JSX.Element; title?: string; testid?: string }): JSX.Element {
  return (
    <span class={`c-badge c-badge--${props.tone ?? 'neutral'}`} title={props.title} data-testid={props.testid}>
      {props.children}
    </span>
  );
}

/** Unit status colours of a subscription's states (board, grid and desk agree: 已认购 is red everywhere). */
const SUBSCRIPTION_STATUS_COLORS: Partial<Record<CashierSubscription['status'], { bg: string; fg: string }>> = {
  ACTIVE: STATUS_COLORS.SUBSCRIBED,
  CONTRACTED: STATUS_COLORS.CONTRACTED,
};

/** 已认购 / 已签约 in the board's colours; 已退房 and 已换房 (no longer holding the unit) in grey. */
export function SubscriptionStatusBadge(props: { status: CashierSubscription['status'] }): JSX.Element {
  const colors = (): { bg: string; fg: string } | undefined => SUBSCRIPTION_STATUS_COLORS[props.status];
  return (
    <span
      class="c-badge c-badge--neutral"
      style={colors() ? { background: colors()!.bg, color: colors()!.fg } : undefined}
      data-status={props.status}
    >
      {label(SUBSCRIPTION_STATUS_LABELS, props.status)}
    </span>
  );
}

/** ¥ amount; `capitals` adds 人民币…整 under it. */
export function Money(props: { fen: number; capitals?: boolean; class?: string }): JSX.Element {
  return (
    <span class={`c-money ${props.class ?? ''}`}>
      <span class="c-money__figure">{money(props.fen)}</span>
      <Show when={props.capitals && props.fen > 0 && props.fen <= MAX_CAPITALS_FEN}>
        <span class="c-money__capitals" lang="zh-CN">
          {amountInCapitals(props.fen)}
        </span>
      </Show>
    </span>
  );
}

export function Progress(props: { value: number; label: string }): JSX.Element {
  const v = (): number => Math.max(0, Math.min(100, Math.round(props.value)));
  return (
    <div
      class="c-progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={v()}
      aria-label={props.label}
    >
      <div class="c-progress__bar" style={{ width: `${Math.max(4, v())}%` }} />
    </div>
  );
}

/** "12:34" left until `due` (red under 5 min, "overdue" after). */
export function Countdown(props: { due: string }): JSX.Element {
  const left = (): number => Math.floor((new Date(props.due).getTime() - now()) / 1000);
  const text = (): string => {
    const s = left();
    if (s <= 0) return ct('sub.overdue');
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    const mm = String(m).padStart(2, '0');
    const ss = String(sec).padStart(2, '0');
    return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
  };
  return (
    <span
      class="c-countdown"
      classList={{ 'c-countdown--soon': left() < 300, 'c-countdown--over': left() <= 0 }}
      data-testid="deposit-countdown"
    >
      {text()}
    </span>
  );
}

export function PaymentStatus(props: { payment: PaymentInfo }): JSX.Element {
  const tone = (): Tone => {
    switch (props.payment.status) {
      case 'RECORDED':
        return 'ok';
      case 'VOIDED':
        return 'bad';
      case 'CONVERTED':
        return 'info';
      case 'REFUNDED':
        return 'warn';
    }
  };
  return <Badge tone={tone()}>{paymentStatusName(props.payment.status)}</Badge>;
}

/** Receipt number with its state: voided, void pending, printed n times (COPY). */
export function ReceiptTag(props: { receipt: ReceiptInfo | null }): JSX.Element {
  return (
    <Show when={props.receipt} fallback={<span class="c-muted">—</span>}>
      {(r) => (
        <span class="c-receipt-tag">
          <span
            class="c-receipt-tag__label"
            classList={{ 'c-receipt-tag__label--void': r().status === 'VOIDED' }}
            data-testid="receipt-label"
          >
            {r().label}
          </span>
          <Show when={r().status === 'VOIDED'}>
            <Badge tone="bad" title={r().voidReason ?? undefined}>
              {ct('receipt.voided')}
            </Badge>
          </Show>
          <Show when={r().pendingVoid}>
            {(pv) => (
              <Badge tone="warn" title={pv().reason}>
                {ct('receipt.voidPending')}
              </Badge>
            )}
          </Show>
          <Show when={r().printCount > 1}>
            <Badge tone="neutral" title={ct('receipt.printedTimes', { n: r().printCount })}>
              {ct('receipt.copies', { n: r().printCount - 1 })}
            </Badge>
          </Show>
          <Show when={r().printCount === 0 && r().status === 'ISSUED'}>
            <Badge tone="neutral">{ct('receipt.notPrinted')}</Badge>
          </Show>
        </span>
      )}
    </Show>
  );
}

/** "现金 ¥50,000 · 微信 ¥50,000 (4200…)" */
export function LinesSummary(props: { payment: PaymentInfo }): JSX.Element {
  return (
    <span class="c-lines-summary">
      <For each={props.payment.lines}>
        {(l) => (
          <span class="c-lines-summary__line">
            {methodName(l.method)} {money(l.amount)}
            <Show when={l.reference}>
              <span class="c-muted"> · {l.reference}</span>
            </Show>
          </span>
        )}
      </For>
    </span>
  );
}

/** The lines about to be submitted, one row each (the confirm steps of payments and refunds). */
export function LinesTable(props: { lines: readonly PaymentLineBody[] }): JSX.Element {
  return (
    <table class="c-table c-table--tight">
      <tbody>
        <For each={props.lines}>
          {(l) => (
            <tr>
              <td>{methodName(l.method)}</td>
              <td class="c-num">{money(l.amount)}</td>
              <td class="c-muted">{l.reference ?? ''}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}

export function KindTag(props: { kind: PaymentInfo['kind'] }): JSX.Element {
  return <span class={`c-kind c-kind--${props.kind.toLowerCase()}`}>{kindName(props.kind)}</span>;
}

/**
 * A modal dialog: focus moves in, Escape closes (unless `locked`, e.g. while money is on its way),
 * Tab stays inside.
 */
export function Modal(props: {
  title: string;
  onClose: () => void;
  locked?: boolean;
  wide?: boolean;
  children: JSX.Element;
  footer?: JSX.Element;
  testid?: string;
}): JSX.Element {
  let box: HTMLDivElement | undefined;
  onMount(() => {
    const release = holdModalFocus(() => box, { onEscape: () => props.onClose(), locked: () => props.locked === true });
    onCleanup(release);
    const target = box?.querySelector<HTMLElement>(
      '[autofocus], input:not(:disabled), select, textarea, button.c-btn--primary, button',
    );
    target?.focus();
  });
  return (
    <div
      class="c-modal"
      role="presentation"
      onMouseDown={(e) => e.target === e.currentTarget && !props.locked && props.onClose()}
    >
      <div
        ref={box}
        class="c-modal__box"
        classList={{ 'c-modal__box--wide': props.wide }}
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        data-testid={props.testid}
      >
        <header class="c-modal__head">
          <h2>{props.title}</h2>
          <button
            type="button"
            class="c-icon-btn"
            onClick={() => props.onClose()}
            disabled={props.locked}
            aria-label={ct('common.close')}
          >
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
              <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
          </button>
        </header>
        <div class="c-modal__body">{props.children}</div>
        <Show when={props.footer}>
          <footer class="c-modal__foot">{props.footer}</footer>
        </Show>
      </div>
    </div>
  );
}

export function ErrorNote(props: { message: string | null; detail?: string | null }): JSX.Element {
  return (
    <Show when={props.message}>
      <div class="c-alert c-alert--error" role="alert">
        <strong>{props.message}</strong>
        <Show when={props.detail}>
          <span class="c-alert__detail">{props.detail}</span>
        </Show>
      </div>
    </Show>
  );
}
