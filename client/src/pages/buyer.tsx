/**
 * /q/:token — the buyer's own page (public, no login; opened from the QR code on the queue ticket,
 * the unguessable token is the credential). Phone first: my number, where I stand (people ahead,
 * estimated wait, now serving), the call with the selection window countdown, my shortlist with
 * live unit status, and how many units of each layout are still available. Live over namespace
 * /queue (stores/buyer-ticket.ts); the connection indicator says when it is not.
 */
import { For, Match, Show, Switch, type JSX } from 'solid-js';
import {
  STATUS_COLORS,
  formatArea,
  formatBigMoney,
  type BuyerShortlistUnit,
  type BuyerView,
  type LayoutAvailability,
  TICKET_STATUS_LABELS,
} from '@kaipan/shared';
import { formatMmSs, secondsLeft } from '../lib/clock';
import { describeError, locale, statusLabel, t, label } from '../lib/i18n';
import { RehearsalBand } from '@kaipan/web/components/rehearsal-band';
import { createBuyerTicketStore } from '../stores/buyer-ticket';
import { BrandMark } from '../components/app-header';
import { ConnectionIndicator } from '../components/connection';
import { ErrorState, LanguageSwitch, LoadingState } from '../components/ui';
import './buyer.css';

/** "09:30" in the project's time zone. */
function formatTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(
    new Date(iso),
  );
}

export default function BuyerPage(props: { token: string }): JSX.Element {
  const store = createBuyerTicketStore(props.token);
  const s = store.state;
  const projectName = (): string => {
    const p = s.view?.project;
    if (!p) return '';
    return locale() === 'en' ? p.nameEn || p.name : p.name;
  };
  return (
    <div class="page page--buyer">
      <RehearsalBand project={s.view?.project} locale={locale()} />
      <header class="buyer-head">
        <div class="buyer-head__lead">
          <BrandMark size={30} />
          <div class="buyer-head__titles">
            <h1 class="buyer-head__title">{projectName() || t('buyerPage.title')}</h1>
            <Show when={s.view}>
              <ConnectionIndicator
                state={s.connection}
                lastUpdate={s.lastUpdate}
                timeZone={s.view?.project.timezone ?? 'Asia/Shanghai'}
                compact
              />
            </Show>
          </div>
        </div>
        <LanguageSwitch />
      </header>
      <main class="page__main buyer">
        <Switch>
          <Match when={s.notFound}>
            <ErrorState title={t('buyerPage.notFound')} message={t('buyerPage.notFoundBody')} />
          </Match>
          <Match when={s.view}>{(view) => <BuyerTicket view={view()} clockOffsetMs={s.clockOffsetMs} />}</Match>
          <Match when={s.error}>
            {(error) => (
              <ErrorState title={t('buyerPage.loadError')} message={describeError(error())} onRetry={store.reload} />
            )}
          </Match>
          <Match when={true}>
            <LoadingState />
          </Match>
        </Switch>
      </main>
    </div>
  );
}

function BuyerTicket(props: { view: BuyerView; clockOffsetMs: number }): JSX.Element {
  const v = (): BuyerView => props.view;
  const categoryName = (): string => (locale() === 'en' ? v().category.nameEn || v().category.name : v().category.name);
  /** The selection window's end on this phone's clock (server time + measured offset). */
  const selectionDeadline = (): number | null => {
    const end = v().selectionEndsAt;
    return end ? Date.parse(end) + props.clockOffsetMs : null;
  };
  const waitText = (): string => {
    if (v().peopleAhead === 0) return t('buyerPage.waitNow');
    const m = v().estimatedWaitMinutes;
    return m === null ? t('buyerPage.waitUnknown') : t('buyerPage.waitN', { n: m });
  };
  return (
    <>
      <section
        class="buyer-card buyer-hero"
        classList={{ [`buyer-hero--${v().status.toLowerCase()}`]: true }}
        data-status={v().status}
      >
        <div class="buyer-hero__top">
          <span class="buyer-hero__label">{t('buyerPage.yourNumber')}</span>
          <span class={`buyer-pill buyer-pill--${v().status.toLowerCase()}`} data-testid="ticket-status">
            {/* To the buyer a dropped number reads as missed, as NO_SHOW does. */}
            {label(TICKET_STATUS_LABELS, v().status === 'DROPPED' ? 'NO_SHOW' : v().status)}
          </span>
        </div>
        <p class="buyer-hero__number" data-testid="ticket-number">
          {v().label}
        </p>
        <p class="buyer-hero__cat">
          {categoryName()} · {t('buyerPage.issuedAt', { time: formatTime(v().issuedAt, v().project.timezone) })}
        </p>
        <Switch>
          <Match when={v().status === 'WAITING'}>
            <dl class="buyer-facts">
              <div>
                <dt>{t('buyerPage.ahead')}</dt>
                <dd data-testid="people-ahead">{t('buyerPage.aheadN', { n: v().peopleAhead ?? 0 })}</dd>
              </div>
              <div>
                <dt>{t('buyerPage.wait')}</dt>
                <dd>{waitText()}</dd>
              </div>
            </dl>
          </Match>
          <Match when={v().status === 'CALLED'}>
            <div class="buyer-called" role="alert">
              <strong>{t('buyerPage.calledTitle')}</strong>
              <span>{t('buyerPage.calledBody')}</span>
              <Show when={selectionDeadline()}>
                {(deadline) => (
                  <Show
                    when={secondsLeft(deadline()) > 0}
                    fallback={<span class="buyer-called__over">{t('buyerPage.selectionOver')}</span>}
                  >
                    <span class="buyer-called__timer">
                      {t('buyerPage.selectionLeft')} <b class="num">{formatMmSs(secondsLeft(deadline()))}</b>
                    </span>
                  </Show>
                )}
              </Show>
            </div>
          </Match>
          <Match when={v().status === 'SERVED'}>
            <p class="buyer-note buyer-note--ok">{t('buyerPage.servedBody')}</p>
          </Match>
          <Match when={v().status === 'DROPPED' || v().status === 'NO_SHOW'}>
            <p class="buyer-note buyer-note--bad">{t('buyerPage.droppedBody')}</p>
          </Match>
        </Switch>
      </section>

      <section class="buyer-card">
        <h2 class="buyer-card__title">
          {t('buyerPage.nowServing')} · {categoryName()}
        </h2>
        <Show when={v().nowServing.length > 0} fallback={<p class="muted">{t('buyerPage.nowServingNone')}</p>}>
          <ol class="buyer-serving" data-testid="now-serving">
            <For each={v().nowServing.slice(0, 6)}>
              {(label, i) => (
                <li classList={{ 'buyer-serving--latest': i() === 0, 'buyer-serving--mine': label === v().label }}>
                  {label}
                </li>
              )}
            </For>
          </ol>
        </Show>
      </section>

      <section class="buyer-card">
        <h2 class="buyer-card__title">{t('buyerPage.shortlist')}</h2>
        <Show when={v().shortlist.length > 0} fallback={<p class="muted">{t('buyerPage.shortlistEmpty')}</p>}>
          <ul class="buyer-units">
            <For each={v().shortlist}>{(unit) => <ShortlistRow unit={unit} />}</For>
          </ul>
        </Show>
      </section>

      <section class="buyer-card">
        <h2 class="buyer-card__title">{t('buyerPage.availability')}</h2>
        <Show when={v().availability.length > 0} fallback={<p class="muted">{t('buyerPage.availabilityEmpty')}</p>}>
          <ul class="buyer-layouts">
            <For each={v().availability}>{(layout) => <LayoutRow layout={layout} />}</For>
          </ul>
        </Show>
      </section>
      <p class="buyer-foot muted">{t('buyerPage.live')}</p>
    </>
  );
}

function ShortlistRow(props: { unit: BuyerShortlistUnit }): JSX.Element {
  const colors = () => STATUS_COLORS[props.unit.status];
  return (
    <li class="buyer-unit" data-unit={props.unit.code} data-status={props.unit.status}>
      <span class="buyer-unit__rank">{props.unit.rank}</span>
      <div class="buyer-unit__main">
        <strong class="buyer-unit__code">{props.unit.code}</strong>
        <span class="buyer-unit__facts">
          {props.unit.layoutName} · {formatArea(props.unit.grossArea, locale())} ·{' '}
          {formatBigMoney(props.unit.listPrice, locale())}
        </span>
      </div>
      <span class="status-pill" style={{ background: colors().bg, color: colors().fg }}>
        {statusLabel(props.unit.status)}
      </span>
    </li>
  );
}

function LayoutRow(props: { layout: LayoutAvailability }): JSX.Element {
  const ratio = (): number => (props.layout.total > 0 ? props.layout.available / props.layout.total : 0);
  return (
    <li class="buyer-layout" data-layout={props.layout.layout}>
      <div class="buyer-layout__head">
        <span class="buyer-layout__name">{props.layout.layoutName || props.layout.layout}</span>
        <span class="buyer-layout__count num" data-testid="layout-available">
          {t('buyerPage.availableOf', { n: props.layout.available, total: props.layout.total })}
        </span>
      </div>
      <div class="buyer-layout__bar" aria-hidden="true">
        <span style={{ width: `${Math.round(ratio() * 100)}%`, background: STATUS_COLORS.AVAILABLE.bg }} />
      </div>
    </li>
  );
}
