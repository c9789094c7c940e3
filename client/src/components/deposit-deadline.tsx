/**
 * The deposit rule 定金时限, shown before it is too late: when the deposit 定金 must be recorded at
 * the cashier (the project's wall clock) and a live countdown; the deal is cancelled automatically
 * after that. A banner on the consultant's sheet right after the confirm, a chip on the deals list.
 */
import { Show, type JSX } from 'solid-js';
import { secondsLeft } from '../lib/clock';
import { t } from '../lib/i18n';
import { formatCountdown, toZonedInput } from '../lib/zoned-time';
import { URGENT_SECONDS } from './countdown';
import './deposit-deadline.css';

/**
 * `HH:mm` on the project's clock (minutes cut, never rounded up: "by 09:14" is never later than the
 * real deadline), with the date (`MM-DD`) when it is not today there.
 */
export function dueTimeText(iso: string, timeZone: string): string {
  const due = toZonedInput(iso, timeZone);
  const today = toZonedInput(Date.now(), timeZone);
  return due.slice(0, 10) === today.slice(0, 10) ? due.slice(11, 16) : `${due.slice(5, 10)} ${due.slice(11, 16)}`;
}

function Left(props: { deadline: number; class?: string }): JSX.Element {
  const left = (): number => secondsLeft(props.deadline);
  return (
    <span
      class={`countdown ${props.class ?? ''}`}
      classList={{ 'countdown--urgent': left() < URGENT_SECONDS }}
      role="timer"
    >
      {formatCountdown(left() * 1000)}
    </span>
  );
}

/** The sheet's banner: "Deposit due at the cashier by 09:14 — 04:59 left — or the deal is cancelled". */
export function DepositBanner(props: { dueAt: string; timeZone: string }): JSX.Element {
  const deadline = (): number => Date.parse(props.dueAt);
  const over = (): boolean => secondsLeft(deadline()) === 0;
  return (
    <div
      class="dep-banner"
      classList={{ 'dep-banner--urgent': secondsLeft(deadline()) < 60, 'dep-banner--over': over() }}
      role="status"
      data-testid="deposit-due"
    >
      <Show when={!over()} fallback={<div class="dep-banner__text">{t('deposit.overdue')}</div>}>
        <div class="dep-banner__text">
          <strong>{t('deposit.dueBy', { time: dueTimeText(props.dueAt, props.timeZone) })}</strong>
          <span class="dep-banner__hint">{t('deposit.orCancelled')}</span>
        </div>
        <div class="dep-banner__left">
          {(() => {
            const [before, after] = t('deposit.left', { left: '\u0000' }).split('\u0000');
            return (
              <>
                {before}
                <Left deadline={deadline()} class="dep-banner__value" />
                {after}
              </>
            );
          })()}
        </div>
      </Show>
    </div>
  );
}

/** The deals list / drawer chip: an ACTIVE deal with a deadline and no deposit yet, or a deposit received. */
export function DepositChip(props: {
  status: string;
  dueAt: string | null | undefined;
  paidAt: string | null | undefined;
  timeZone: string;
}): JSX.Element {
  const deadline = (): number => (props.dueAt ? Date.parse(props.dueAt) : 0);
  return (
    <Show when={props.status === 'ACTIVE' && (props.paidAt || props.dueAt)}>
      <Show when={!props.paidAt} fallback={<span class="deals-chip dep-chip dep-chip--paid">{t('deposit.paid')}</span>}>
        <Show
          when={secondsLeft(deadline()) > 0}
          fallback={<span class="deals-chip dep-chip dep-chip--over">{t('deposit.chipOverdue')}</span>}
        >
          <span
            class="deals-chip dep-chip"
            classList={{ 'dep-chip--urgent': secondsLeft(deadline()) < 60 }}
            title={`${t('deposit.dueBy', { time: dueTimeText(props.dueAt!, props.timeZone) })}, ${t('deposit.orCancelled')}`}
            data-testid="deposit-chip"
          >
            {t('deposit.chip', { time: dueTimeText(props.dueAt!, props.timeZone) })}
            <span class="dep-chip__sep" aria-hidden="true">
              ·
            </span>
            <Left deadline={deadline()} class="dep-chip__value" />
          </span>
        </Show>
      </Show>
    </Show>
  );
}
