/**
 * Shared bits of the price-book page (/manager/:projectId/prices): money and rate parsing and
 * display (fen ↔ yuan, basis points ↔ 折 / %), times in the project's zone, a form dialog, and
 * the price-list diff table.
 */
import { For, Show, createSignal, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import {
  formatYuan,
  type DiscountKind,
  type PlanKind,
  type PriceListChange,
  type PriceListInfo,
  type RoundingMode,
  type RoundingUnit,
  formatZonedDateTime,
  DISCOUNT_KIND_LABELS,
  PLAN_KIND_LABELS,
  PRICE_LIST_SOURCE_LABELS,
  PRICE_LIST_STATUS_LABELS,
} from '@kaipan/shared';
import { locale, t, type MessageKey, label } from '../lib/i18n';
import { useModal } from '../lib/modal';
import './prices-common.css';

/** "3,000,000.5" / "-12000" → fen; null when not a number with at most 2 decimals. */
export function yuanToFen(text: string): number | null {
  const s = text.replace(/[,\s，¥]/g, '');
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return null;
  return m[1] ? -fen : fen;
}

/** Fen → the yuan text an input shows (no grouping). */
export function fenToYuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const cents = abs % 100;
  return `${sign}${Math.floor(abs / 100)}${cents ? `.${String(cents).padStart(2, '0')}` : ''}`;
}

/** "2.5" (percent, at most 2 decimals) → basis points; null when malformed. */
export function percentToBp(text: string): number | null {
  const s = text.replace(/[\s%％]/g, '');
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const bp = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -bp : bp;
}

/** Basis points → "2.5" (percent text without the sign). */
export function bpToPercentText(bp: number): string {
  const abs = Math.abs(bp);
  const frac = abs % 100;
  return `${Math.floor(abs / 100)}${frac ? `.${String(frac).padStart(2, '0').replace(/0$/, '')}` : ''}`;
}

/** 9800 → "98", 9000 → "9", 9750 → "97.5": the number before 折. */
export function zheText(rateBp: number): string {
  if (rateBp % 1000 === 0) return String(rateBp / 1000);
  return bpToPercentText(rateBp);
}

/** A rate discount as 折 and percent off: "98折（减2%）" / "98% of price (2% off)". */
export function rateText(rateBp: number): string {
  return t('prices.rate', {
    zhe: zheText(rateBp),
    pay: bpToPercentText(rateBp),
    off: bpToPercentText(10_000 - rateBp),
  });
}

export const money = (fen: number): string => formatYuan(fen, locale());

/** Signed change in yuan: +¥1,000 / −¥500. */
export function signedMoney(fen: number): string {
  if (fen === 0) return money(0);
  return `${fen > 0 ? '+' : '−'}${money(Math.abs(fen))}`;
}

/** Change in percent with 2 decimals and a sign. */
export function deltaPercent(before: number, after: number): string {
  if (before === 0) return '—';
  const pct = ((after - before) / before) * 100;
  const text = Math.abs(pct).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${pct > 0 ? '+' : pct < 0 ? '−' : ''}${text}%`;
}

/** 2026-11-28 09:30 in the project's time zone. */
export function dateTimeText(iso: string, timeZone: string): string {
  return formatZonedDateTime(iso, timeZone);
}

export const discountKindLabel = (kind: DiscountKind): string => label(DISCOUNT_KIND_LABELS, kind);

export const planKindLabel = (kind: PlanKind): string => label(PLAN_KIND_LABELS, kind);

const ROUNDING_KEYS: Record<RoundingUnit, MessageKey> = {
  FEN: 'prices.round.FEN',
  YUAN: 'prices.round.YUAN',
  HUNDRED_YUAN: 'prices.round.HUNDRED_YUAN',
};
export const roundingUnitLabel = (u: RoundingUnit): string => t(ROUNDING_KEYS[u]);
const MODE_KEYS: Record<RoundingMode, MessageKey> = { HALF_UP: 'prices.round.HALF_UP', DOWN: 'prices.round.DOWN' };
export const roundingModeLabel = (m: RoundingMode): string => t(MODE_KEYS[m]);

export function VersionStatus(props: { status: PriceListInfo['status'] }): JSX.Element {
  return (
    <span class={`prices-status prices-status--${props.status.toLowerCase()}`}>
      {label(PRICE_LIST_STATUS_LABELS, props.status)}
    </span>
  );
}

export const sourceLabel = (s: PriceListInfo['source']): string => label(PRICE_LIST_SOURCE_LABELS, s);

/** Scroll the dialog's error message into view (it sits below the fields). */
export function revealError(): void {
  setTimeout(
    () =>
      document.querySelector('.prices-dialog .alert--error')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' }),
    50,
  );
}

/** A modal with a form inside (Escape and the backdrop close it unless busy). */
export function FormDialog(props: {
  open: boolean;
  title: string;
  busy?: boolean;
  wide?: boolean;
  onClose: () => void;
  children: JSX.Element;
  actions: JSX.Element;
}): JSX.Element {
  useModal({ open: () => props.open, onClose: () => props.onClose(), busy: () => props.busy === true });
  return (
    <Show when={props.open}>
      <Portal>
        <div class="dialog-backdrop prices-dialog-backdrop" onClick={() => !props.busy && props.onClose()}>
          <div
            class="dialog prices-dialog"
            classList={{ 'prices-dialog--wide': props.wide }}
            role="dialog"
            aria-modal="true"
            aria-labelledby="prices-dialog-title"
            onClick={(e) => e.stopPropagation()}
          >
            <div class="prices-dialog__head">
              <h2 id="prices-dialog-title">{props.title}</h2>
              <button
                type="button"
                class="icon-btn"
                aria-label={t('common.close')}
                disabled={props.busy}
                onClick={() => props.onClose()}
              >
                ×
              </button>
            </div>
            <div class="prices-dialog__body">{props.children}</div>
            <div class="dialog__actions prices-dialog__actions">{props.actions}</div>
          </div>
        </div>
      </Portal>
    </Show>
  );
}

/** Unit, list before → after, floor before → after, Δ%; the first `limit` rows, then "show all". */
export function DiffTable(props: {
  rows: readonly PriceListChange[];
  limit?: number;
  warnFloor?: boolean;
}): JSX.Element {
  const [all, setAll] = createSignal(false);
  const limit = (): number => props.limit ?? 30;
  const shown = (): readonly PriceListChange[] => (all() ? props.rows : props.rows.slice(0, limit()));
  return (
    <div class="prices-diff">
      <div class="table-wrap">
        <table class="table prices-table">
          <thead>
            <tr>
              <th>{t('prices.col.unit')}</th>
              <th class="num">{t('prices.col.list')}</th>
              <th class="num">{t('prices.col.floor')}</th>
              <th class="num">{t('prices.col.delta')}</th>
            </tr>
          </thead>
          <tbody>
            <For each={shown()}>
              {(r) => (
                <tr classList={{ 'prices-row--bad': props.warnFloor && r.after.floor > r.after.list }}>
                  <td class="prices-table__code">{r.code}</td>
                  <td class="num" data-label={t('prices.col.list')}>
                    <span class="prices-before">{money(r.before.list)}</span>
                    <span class="prices-arrow" aria-hidden="true">
                      →
                    </span>
                    <strong>{money(r.after.list)}</strong>
                  </td>
                  <td class="num" data-label={t('prices.col.floor')}>
                    <Show
                      when={r.before.floor !== r.after.floor}
                      fallback={<span class="prices-before">{money(r.after.floor)}</span>}
                    >
                      <span class="prices-before">{money(r.before.floor)}</span>
                      <span class="prices-arrow" aria-hidden="true">
                        →
                      </span>
                      <strong>{money(r.after.floor)}</strong>
                    </Show>
                  </td>
                  <td
                    class="num"
                    classList={{
                      'prices-up': r.after.list > r.before.list,
                      'prices-down': r.after.list < r.before.list,
                    }}
                  >
                    {deltaPercent(r.before.list, r.after.list)}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <Show when={props.rows.length > limit()}>
        <button type="button" class="link-btn prices-more" onClick={() => setAll(!all())}>
          {all() ? t('prices.showFewer') : t('prices.showAll', { n: props.rows.length })}
        </button>
      </Show>
    </div>
  );
}
