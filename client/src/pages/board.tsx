/**
 * /board/:projectId?key=<deviceKey> — the wall board 销控大屏 for a 1920×1080 screen with no
 * keyboard: every unit of every building at once, totals, the latest subscriptions and a clock.
 * Bilingual at all times (buyers of both languages read it). It heals itself: socket.io
 * reconnects and the store re-joins; failed HTTP loads retry on a timer.
 */
import { For, Match, Show, Switch, createEffect, createMemo, onCleanup, type JSX } from 'solid-js';
import {
  STATUS_COLORS,
  STATUS_ORDER,
  computeStats,
  formatBigMoney,
  formatClock,
  formatPercent,
  formatYuan,
  type DealInfo,
} from '@kaipan/shared';
import { createApi, toApiError } from '../lib/api';
import { now } from '../lib/clock';
import { describeError, statusLabelIn, t, tIn, type MessageKey, type MessageParams } from '../lib/i18n';
import { createCatalog } from '../stores/catalog';
import { createUnitsStore, type ConnectionState } from '../stores/units';
import { UnitGrid } from '../components/unit-grid';
import { BrandMark } from '../components/app-header';
import { Spinner } from '../components/ui';

const CATALOG_RETRY_MS = 10_000;
const FATAL_RETRY_MS = 30_000;
const DEALS_SHOWN = 12;

/** 中文 + English on one line, the English smaller. */
function Bi(props: { k: MessageKey; params?: MessageParams }): JSX.Element {
  return (
    <>
      <span class="bi__zh">{tIn('zh-CN', props.k, props.params)}</span>
      <span class="bi__en">{tIn('en', props.k, props.params)}</span>
    </>
  );
}

export function BoardKeyMissing(): JSX.Element {
  return (
    <div class="board board--message">
      <div class="board__message">
        <BrandMark size={64} />
        <h1>
          <Bi k="board.keyMissing" />
        </h1>
        <p>{tIn('zh-CN', 'board.keyMissingBody')}</p>
        <p class="board__message-en">{tIn('en', 'board.keyMissingBody')}</p>
      </div>
    </div>
  );
}

const CONN_KEYS: Record<ConnectionState, MessageKey> = {
  connecting: 'conn.connecting',
  online: 'conn.online',
  offline: 'conn.offline',
  resyncing: 'conn.resyncing',
};

export default function BoardPage(props: { projectId: string; deviceKey: string }): JSX.Element {
  const client = createApi({ kind: 'device', deviceKey: props.deviceKey });
  const catalog = createCatalog(props.projectId, client);
  const units = createUnitsStore({
    projectId: props.projectId,
    auth: { deviceKey: props.deviceKey },
    deals: { api: client, limit: DEALS_SHOWN },
  });

  // No one will press "retry" on a wall: failed loads retry by themselves.
  createEffect(() => {
    if (!catalog.catalog.error) return;
    const timer = setTimeout(() => void catalog.refetch(), CATALOG_RETRY_MS);
    onCleanup(() => clearTimeout(timer));
  });
  createEffect(() => {
    if (!units.state.fatal) return;
    const timer = setTimeout(() => units.retry(), FATAL_RETRY_MS);
    onCleanup(() => clearTimeout(timer));
  });
  document.documentElement.classList.add('is-board');
  onCleanup(() => document.documentElement.classList.remove('is-board'));

  const project = () => catalog.ready()?.project;
  const tz = (): string => catalog.timeZone();
  const stats = createMemo(() => computeStats(catalog.byId(), units.all()));
  const maxRows = createMemo(() => Math.max(1, ...catalog.layouts().map((l) => l.floors.length)));
  const availableIn = (unitIds: readonly { id: string }[]): number =>
    unitIds.reduce((n, u) => n + (units.unit(u.id)?.status === 'AVAILABLE' ? 1 : 0), 0);
  const clockDate = (): string =>
    new Intl.DateTimeFormat('zh-CN', { timeZone: tz(), year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' }).format(now());
  const fatalIsKey = (): boolean => {
    const code = units.state.fatal?.code ?? (catalog.catalog.error ? toApiError(catalog.catalog.error).code : undefined);
    return code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'INVALID_CREDENTIALS';
  };

  return (
    <div class="board">
      <header class="board__header">
        <div class="board__project">
          <BrandMark size={52} />
          <div>
            <h1 class="board__name">{project()?.name ?? tIn('zh-CN', 'board.title')}</h1>
            <div class="board__name-en">
              {project()?.nameEn ?? tIn('en', 'board.title')}
              <Show when={project()?.city}>
                <span class="board__city"> · {project()?.city}</span>
              </Show>
            </div>
          </div>
        </div>
        <Show when={units.state.paused}>
          <div class="board__paused" role="alert">
            <Bi k="banner.paused" />
          </div>
        </Show>
        <div class="board__status">
          <div class={`board-conn board-conn--${units.state.connection}`} role="status">
            <span class="board-conn__dot" aria-hidden="true" />
            <span class="board-conn__label">
              <Bi k={CONN_KEYS[units.state.connection]} />
            </span>
            <span class="board-conn__time">
              <Bi k="board.lastUpdate" />
              <span class="board-conn__stamp">
                {units.state.lastUpdate === null ? '--:--:--' : formatClock(units.state.lastUpdate, tz())}
              </span>
            </span>
          </div>
          <div class="board__clock">
            <span class="board__time">{formatClock(now(), tz())}</span>
            <span class="board__date">{clockDate()}</span>
          </div>
        </div>
      </header>

      <Switch>
        <Match when={(catalog.catalog.error || units.state.fatal) && !catalog.ready()}>
          <div class="board__message">
            <h2>{fatalIsKey() ? <Bi k="board.keyInvalid" /> : <Bi k="grid.errorTitle" />}</h2>
            <p>{describeError(units.state.fatal ?? catalog.catalog.error)}</p>
            <Spinner />
          </div>
        </Match>
        <Match when={!catalog.ready() || !units.state.loaded}>
          <div class="board__message">
            <Spinner />
            <p>
              <Bi k="common.loading" />
            </p>
          </div>
        </Match>
        <Match when={catalog.layouts().length === 0}>
          <div class="board__message">
            <h2>
              <Bi k="grid.empty" />
            </h2>
          </div>
        </Match>
        <Match when={true}>
          <main class="board__main">
            <section class="board__buildings">
              <For each={catalog.layouts()}>
                {(l) => (
                  <div class="board-building" style={{ 'flex-grow': String(l.columns + 0.7), '--cols': String(l.columns) }}>
                    <div class="board-building__head">
                      <span class="board-building__name">{l.building.name}</span>
                      <span class="board-building__avail">
                        <span class="board-building__dot" style={{ background: STATUS_COLORS.AVAILABLE.bg }} />
                        {availableIn(l.units)}
                      </span>
                    </div>
                    <UnitGrid layout={l} unit={units.unit} variant="board" rows={maxRows()} />
                  </div>
                )}
              </For>
            </section>

            <aside class="board__side">
              <div class="kpi kpi--hero">
                <span class="kpi__label">
                  <Bi k="board.soldAmount" />
                </span>
                <span class="kpi__value">{formatBigMoney(stats().soldAmount, 'zh-CN')}</span>
                <span class="kpi__sub">{formatYuan(stats().soldAmount, 'zh-CN')}</span>
              </div>
              <div class="kpi-row">
                <div class="kpi">
                  <span class="kpi__label">
                    <Bi k="board.soldArea" />
                  </span>
                  <span class="kpi__value kpi__value--md">{formatWholeArea(stats().soldArea)}</span>
                </div>
                <div class="kpi">
                  <span class="kpi__label">
                    <Bi k="board.sellThrough" />
                  </span>
                  <span class="kpi__value kpi__value--md">{formatPercent(stats().sellThrough, 'zh-CN')}</span>
                  <span class="kpi__bar" aria-hidden="true">
                    <span style={{ width: `${Math.min(100, stats().sellThrough * 100)}%` }} />
                  </span>
                </div>
              </div>
              <div class="kpi__caption">
                {tIn('zh-CN', 'board.soldOfReleased', { sold: stats().sold, released: stats().released })} ·{' '}
                {tIn('en', 'board.soldOfReleased', { sold: stats().sold, released: stats().released })}
              </div>

              <ul class="board-legend" aria-label={t('grid.legend')}>
                <For each={STATUS_ORDER}>
                  {(s) => (
                    <li class="board-legend__item">
                      <span class="board-legend__swatch" style={{ background: STATUS_COLORS[s].bg }} />
                      <span class="board-legend__label">
                        <span class="bi__zh">{statusLabelIn(s, 'zh-CN')}</span>
                        <span class="bi__en">{statusLabelIn(s, 'en')}</span>
                      </span>
                      <span class="board-legend__count">{stats().counts[s]}</span>
                    </li>
                  )}
                </For>
              </ul>

              <NowServing numbers={[]} />

              <section class="deals">
                <h2 class="deals__title">
                  <Bi k="board.latestDeals" />
                </h2>
                <Show when={units.state.deals.length > 0} fallback={<p class="deals__empty"><Bi k="board.noDeals" /></p>}>
                  <ol class="deals__list">
                    <For each={units.state.deals}>{(d) => <DealRow deal={d} timeZone={tz()} />}</For>
                  </ol>
                </Show>
              </section>
            </aside>
          </main>
        </Match>
      </Switch>
    </div>
  );
}

/** Whole square metres for the big number (the two decimals live on the manager page). */
function formatWholeArea(m2: number): string {
  return `${Math.round(m2).toLocaleString('zh-CN')} m²`;
}

function DealRow(props: { deal: DealInfo; timeZone: string }): JSX.Element {
  return (
    <li class="deal">
      <span class="deal__code">{props.deal.unitCode}</span>
      <span class="deal__buyer">{props.deal.buyer}</span>
      <span class="deal__price">{formatBigMoney(props.deal.price, 'zh-CN')}</span>
      <span class="deal__time">{formatClock(props.deal.at, props.timeZone).slice(0, 5)}</span>
    </li>
  );
}

/**
 * Reserved for the queue feature (叫号): the numbers being called. Hidden while there is nothing
 * to show, so an empty board never carries an empty box.
 */
function NowServing(props: { numbers: readonly string[] }): JSX.Element {
  return (
    <Show when={props.numbers.length > 0}>
      <section class="serving">
        <h2 class="serving__title">
          <Bi k="board.nowServing" />
        </h2>
        <div class="serving__numbers">
          <For each={props.numbers}>{(n) => <span class="serving__number">{n}</span>}</For>
        </div>
      </section>
    </Show>
  );
}
