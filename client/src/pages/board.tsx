/**
 * /board/:projectId?key=<deviceKey> — the wall board 销控大屏 for a screen with no keyboard (1366×768
 * to 4K): every unit of every building in tiles sized to be read across the hall (board-grid.tsx;
 * pages rotate when they cannot all fit), totals, the latest subscriptions and a clock. Bilingual at
 * all times (buyers of both languages read it). It heals itself: socket.io reconnects and the store
 * re-joins; failed HTTP loads retry on a timer; while offline the grid is dimmed with the time it
 * was last live.
 *
 * /manager/:projectId/board — the same board for a signed-in manager: a tile opens the unit's
 * timeline, and the launch replay 开盘回放 (docs/replay.md) plays the morning from the record.
 */
import {
  For,
  Match,
  Show,
  Switch,
  createEffect,
  createMemo,
  createSignal,
  on,
  onCleanup,
  untrack,
  type JSX,
} from 'solid-js';
import { createStore } from 'solid-js/store';
import { A } from '@solidjs/router';
import QRCode from 'qrcode';
import {
  STATUS_COLORS,
  STATUS_ORDER,
  computeStats,
  formatBigMoney,
  formatClock,
  formatPercent,
  formatYuan,
  lotteryPaths,
  type DealInfo,
  type QueueCategoryState,
  type QueueState,
  type ReplayChange,
  type UnitStatus,
} from '@kaipan/shared';
import { api, createApi, toApiError } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { now } from '../lib/clock';
import { formatCountdown } from '../lib/zoned-time';
import { describeError, statusLabelIn, t, tIn, type MessageKey, type MessageParams } from '../lib/i18n';
import { createBoardLottery, type BoardLottery } from '../stores/board-lottery';
import { createCatalog } from '../stores/catalog';
import { createQueueStore, hasQueueActivity } from '../stores/queue';
import { createReplay, type ReplayStore } from '../stores/replay';
import { createUnitsStore, type ConnectionState } from '../stores/units';
import { BrandMark } from '../components/app-header';
import { ReplayBar, ReplayClock, clockIn } from '../components/replay-controls';
import { UnitTimelineDrawer } from '../components/unit-timeline';
import { Spinner } from '../components/ui';
import { RehearsalBand } from '@kaipan/web/components/rehearsal-band';
import { BoardGrid } from './board-grid';
import './board.css';
import './board-replay.css';

const CATALOG_RETRY_MS = 10_000;
const FATAL_RETRY_MS = 30_000;
const DEALS_SHOWN = 12;
/** Changes listed in the side column during a replay. */
const REPLAY_CHANGES_SHOWN = 14;

/** 中文 + English on one line, the English smaller. */
function Bi(props: { k: MessageKey; params?: MessageParams }): JSX.Element {
  return (
    <>
      <span class="bi__zh">{tIn('zh-CN', props.k, props.params)}</span>
      <span class="bi__en">{tIn('en', props.k, props.params)}</span>
    </>
  );
}

/** How often the board re-reads the batch schedule (a change shows within this). */
const BATCHES_POLL_MS = 15_000;

const CONN_KEYS: Record<ConnectionState, MessageKey> = {
  connecting: 'conn.connecting',
  online: 'conn.online',
  offline: 'conn.offline',
  resyncing: 'conn.resyncing',
};

/** Who looks at the board: a paired wall screen (public), or a signed-in manager. */
export type BoardAccess =
  | {
      kind: 'device';
      deviceKey: string;
      /** A manager revoked this board: the route forgets the key and shows the pairing screen. */
      onRevoked: () => void;
    }
  | { kind: 'manager'; token: string };

export default function BoardPage(props: { projectId: string; access: BoardAccess }): JSX.Element {
  const access = props.access;
  const manager = access.kind === 'manager';
  const client = access.kind === 'device' ? createApi({ kind: 'device', deviceKey: access.deviceKey }) : api;
  const hubAuth = access.kind === 'device' ? { deviceKey: access.deviceKey } : { token: access.token };
  const revoked = (): void => {
    if (access.kind === 'device') access.onRevoked();
  };
  const catalog = createCatalog(props.projectId, client);
  const units = createUnitsStore({
    projectId: props.projectId,
    auth: hubAuth,
    deals: { api: client, limit: DEALS_SHOWN },
  });
  onCleanup(units.onResync(() => void catalog.refetch()));
  // Same credentials → the same socket and project room as the units store.
  const queue = createQueueStore({ projectId: props.projectId, auth: hubAuth, api: client });
  const lottery = createBoardLottery({ projectId: props.projectId, auth: hubAuth, api: client });

  // When each unit last changed live: the tile flashes (also when its page comes back).
  const [changed, setChanged] = createStore<Record<string, number>>({});
  onCleanup(
    units.onApplied((changes) => {
      const at = Date.now();
      for (const c of changes) setChanged(c.unitId, at);
    }),
  );

  // Offline: the grid dims and says since when (the last moment it was live); undimmed on resync.
  const [offlineSince, setOfflineSince] = createSignal<number | null>(null);
  createEffect(
    on(
      () => units.state.connection,
      (connection) => {
        if (connection === 'online') setOfflineSince(null);
        else if (connection === 'offline' && untrack(offlineSince) === null)
          setOfflineSince(units.state.lastUpdate ?? Date.now());
      },
    ),
  );

  // Managers only: the launch replay (the record is not loaded until it is opened).
  const [replayOn, setReplayOn] = createSignal(false);
  const replay = manager ? createReplay(props.projectId, client, replayOn) : null;
  const replaying = (): ReplayStore | null => (replayOn() ? replay : null);
  const [timelineUnit, setTimelineUnit] = createSignal<string | null>(null);

  // No one will press "retry" on a wall: failed loads retry by themselves.
  createEffect(() => {
    if (!catalog.catalog.error()) return;
    const timer = setTimeout(() => void catalog.refetch(), CATALOG_RETRY_MS);
    onCleanup(() => clearTimeout(timer));
  });
  createEffect(() => {
    if (!units.state.fatal) return;
    const timer = setTimeout(() => units.retry(), FATAL_RETRY_MS);
    onCleanup(() => clearTimeout(timer));
  });
  // Scheduled 推盘: the board reads the batch list (devices may) every BATCHES_POLL_MS and counts
  // down locally; the release itself arrives through the normal unit change feed.
  const batches = createLoad(
    () => props.projectId,
    (id) => client.batches(id),
  );
  const batchPoll = setInterval(() => void batches.refetch(), BATCHES_POLL_MS);
  // Pushed when a batch changes (the poll covers a worker-only process that cannot push).
  const offBatches = units.listen('batches:changed', () => void batches.refetch());
  onCleanup(() => {
    clearInterval(batchPoll);
    offBatches();
  });
  const nextRelease = createMemo(() => {
    const t0 = now();
    return (batches.value() ?? [])
      .filter((b) => b.status === 'PENDING' && !b.cancelledAt && b.releaseAt && Date.parse(b.releaseAt) > t0 - 1000)
      .sort((a, b) => Date.parse(a.releaseAt!) - Date.parse(b.releaseAt!))[0];
  });
  document.documentElement.classList.add('is-board');
  onCleanup(() => document.documentElement.classList.remove('is-board'));

  const project = () => catalog.ready()?.project;
  const tz = (): string => catalog.timeZone();
  const status = (unitId: string): UnitStatus =>
    replaying()?.status(unitId) ?? units.unit(unitId)?.status ?? 'NOT_RELEASED';
  const stats = createMemo(() => {
    const r = replaying();
    if (!r) return computeStats(catalog.byId(), units.all());
    return computeStats(
      catalog.byId(),
      Object.entries(r.statuses()).map(([id, s]) => ({ id, status: s })),
    );
  });
  const clockDate = (): string =>
    new Intl.DateTimeFormat('zh-CN', {
      timeZone: tz(),
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
    }).format(now());
  // Revoked: told over the hub at once (device:revoked), or refused on a request or handshake later.
  onCleanup(units.listen('device:revoked', () => revoked()));
  createEffect(() => {
    const err = units.state.fatal ?? catalog.catalog.error();
    if (err && toApiError(err).code === 'DEVICE_REVOKED') revoked();
  });
  const fatalIsKey = (): boolean => {
    const code =
      units.state.fatal?.code ?? (catalog.catalog.error() ? toApiError(catalog.catalog.error()).code : undefined);
    return code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'INVALID_CREDENTIALS';
  };

  return (
    <div class="board" classList={{ 'board--manager': manager, 'board--replay': replayOn() }}>
      {/* A wall board is read in Chinese first (its titles are bilingual); the band's mark is both. */}
      <RehearsalBand project={project()} locale="zh-CN" size="screen" />
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
        <Show when={!replayOn() && nextRelease()}>
          {(b) => (
            <div class="board__next-release" role="timer">
              <span class="board__next-release-label">
                {tIn('zh-CN', 'board.nextRelease')} {tIn('en', 'board.nextRelease')}
              </span>
              <span class="board__next-release-name">{b().name}</span>
              <span class="board__next-release-time">{formatCountdown(Date.parse(b().releaseAt!) - now())}</span>
            </div>
          )}
        </Show>
        <Show when={!replayOn() && units.state.paused}>
          <div class="board__paused" role="alert">
            <Bi k="banner.paused" />
          </div>
        </Show>
        <Show when={!replayOn() && units.state.connection !== 'offline' && units.blockedBy()}>
          {(dependency) => (
            <div class="board__paused board__paused--system" role="alert">
              <Bi k={dependency() === 'postgres' ? 'banner.systemPostgres' : 'banner.systemRedis'} />
            </div>
          )}
        </Show>
        <Show
          when={replaying()}
          fallback={
            <div class="board__status">
              <Show when={manager}>
                <A class="board-replay-open" href={`/manager/${props.projectId}`} end>
                  <Bi k="board.toConsole" />
                </A>
                <button
                  type="button"
                  class="board-replay-open"
                  onClick={() => setReplayOn(true)}
                  data-testid="replay-open"
                >
                  <Bi k="replay.open" />
                </button>
              </Show>
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
          }
        >
          {(r) => (
            <div class="board__status">
              <ReplayClock
                replay={r()}
                timeZone={tz()}
                classes={{ clock: 'board__clock board__clock--replay', time: 'board__time', date: 'board__date' }}
              />
            </div>
          )}
        </Show>
      </header>
      <Show when={replaying()}>
        {(r) => <ReplayBar replay={r()} timeZone={tz()} onClose={() => setReplayOn(false)} />}
      </Show>

      <Switch>
        <Match when={(catalog.catalog.error() || units.state.fatal) && !catalog.ready()}>
          <div class="board__message">
            <h2>{fatalIsKey() ? <Bi k="board.keyInvalid" /> : <Bi k="grid.errorTitle" />}</h2>
            <p>{describeError(units.state.fatal ?? catalog.catalog.error())}</p>
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
            <section
              class="board__buildings"
              classList={{ 'board__buildings--stale': !replayOn() && offlineSince() !== null }}
            >
              <BoardGrid
                layouts={catalog.layouts()}
                status={status}
                changedAt={(id) => replaying()?.changedAt(id) ?? changed[id]}
                onUnitClick={manager ? (u) => setTimelineUnit(u.id) : undefined}
                holdPage={replayOn() && !replay?.playing()}
              />
              <Show when={!replayOn() && offlineSince()}>
                {(since) => (
                  <div class="board__stale" role="alert">
                    <span class="board__stale-title">
                      <Bi k="board.offlineSince" params={{ time: clockIn(since(), tz()) }} />
                    </span>
                    <span class="board__stale-sub">
                      <Bi k="board.offlineHint" />
                    </span>
                  </div>
                )}
              </Show>
            </section>

            <aside class="board__side">
              <Show
                when={!replayOn() && lottery.shown()}
                fallback={
                  <>
                    <Show
                      when={!replayOn()}
                      fallback={
                        <div class="kpi kpi--hero">
                          <span class="kpi__label">
                            <Bi k="board.soldUnits" />
                          </span>
                          <span class="kpi__value">{stats().sold}</span>
                        </div>
                      }
                    >
                      <div class="kpi kpi--hero">
                        <span class="kpi__label">
                          <Bi k="board.soldAmount" />
                        </span>
                        <span class="kpi__value">{formatBigMoney(stats().soldAmount, 'zh-CN')}</span>
                        <span class="kpi__sub">{formatYuan(stats().soldAmount, 'zh-CN')}</span>
                      </div>
                    </Show>
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

                    <Show
                      when={replaying()}
                      fallback={
                        <>
                          <NowServing state={queue.state()} />
                          <section class="deals">
                            <h2 class="deals__title">
                              <Bi k="board.latestDeals" />
                            </h2>
                            <Show
                              when={units.state.deals.length > 0}
                              fallback={
                                <p class="deals__empty">
                                  <Bi k="board.noDeals" />
                                </p>
                              }
                            >
                              <ol class="deals__list">
                                <For each={units.state.deals}>{(d) => <DealRow deal={d} timeZone={tz()} />}</For>
                              </ol>
                            </Show>
                          </section>
                        </>
                      }
                    >
                      {(r) => (
                        <ReplayChanges
                          changes={r().recent(REPLAY_CHANGES_SHOWN)}
                          code={(id) => catalog.byId().get(id)?.code ?? '—'}
                          timeZone={tz()}
                        />
                      )}
                    </Show>
                  </>
                }
              >
                {(result) => <LotteryResult lottery={result()} timeZone={tz()} />}
              </Show>
            </aside>
          </main>
        </Match>
      </Switch>
      <Show when={manager}>
        <UnitTimelineDrawer
          projectId={props.projectId}
          unitId={timelineUnit()}
          onClose={() => setTimelineUnit(null)}
          canPrint
        />
      </Show>
    </div>
  );
}

/** The changes played so far, newest first: unit, new status, replay time. */
function ReplayChanges(props: {
  changes: ReplayChange[];
  code: (unitId: string) => string;
  timeZone: string;
}): JSX.Element {
  return (
    <section class="deals replay-changes">
      <h2 class="deals__title">
        <Bi k="replay.changes" />
      </h2>
      <Show
        when={props.changes.length > 0}
        fallback={
          <p class="deals__empty">
            <Bi k="replay.noChanges" />
          </p>
        }
      >
        <ol class="deals__list">
          <For each={props.changes}>
            {(c) => (
              <li class="deal replay-change">
                <span class="deal__code">{props.code(c.unitId)}</span>
                <span class="replay-change__to">
                  <span class="replay-change__swatch" style={{ background: STATUS_COLORS[c.to].bg }} />
                  {statusLabelIn(c.to, 'zh-CN')}
                </span>
                <span class="deal__time">{clockIn(Date.parse(c.at), props.timeZone)}</span>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </section>
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

/** Called numbers shown per category: the latest big, then up to this many earlier ones (as many as fit). */
const EARLIER_SHOWN = 4;
/** Waiting numbers listed after "next" (as many as fit): one category across the column, or two side by side. */
const NEXT_SHOWN = { wide: 4, narrow: 3 } as const;

/**
 * 正在叫号 Now serving: per queue category with activity, the number called last (large, pulses
 * when it changes), the ones called before it, and the next in line with how many wait. Two or
 * more categories sit side by side (without the waiting count, for width) so the deals ticker keeps
 * its room. Hidden while no category has anyone called or waiting: an empty board carries no empty box.
 */
function NowServing(props: { state: QueueState | undefined }): JSX.Element {
  const active = (): QueueCategoryState[] =>
    (props.state?.categories ?? []).filter((c) => c.nowServing.length > 0 || c.waitingCount > 0);
  const narrow = (): boolean => active().length > 1;
  const nextOf = (c: QueueCategoryState) => c.next.slice(0, narrow() ? NEXT_SHOWN.narrow : NEXT_SHOWN.wide);
  return (
    <Show when={hasQueueActivity(props.state)}>
      <section
        class="serving"
        classList={{ 'serving--cols': narrow(), 'serving--many': active().length > 2 }}
        aria-live="polite"
      >
        <h2 class="serving__title">
          <Bi k="board.nowServing" />
        </h2>
        <div class="serving__cats">
          <For each={active()}>
            {(c) => (
              <div class="serving__cat">
                <div class="serving__head">
                  <span class="serving__name">
                    <span class="bi__zh">{c.name}</span>
                    <span class="bi__en">{c.nameEn}</span>
                  </span>
                  <span class="serving__waiting">
                    {tIn('zh-CN', 'board.waiting', { n: c.waitingCount })}
                    <span class="bi__en">{tIn('en', 'board.waiting', { n: c.waitingCount })}</span>
                  </span>
                </div>
                <div class="serving__row">
                  <Show
                    when={c.nowServing[0]}
                    keyed
                    fallback={<span class="serving__latest serving__latest--none">—</span>}
                  >
                    {(latest) => <span class="serving__latest">{latest.label}</span>}
                  </Show>
                  <span class="serving__earlier">
                    <For each={c.nowServing.slice(1, 1 + EARLIER_SHOWN)}>
                      {(tk) => <span class="serving__number">{tk.label}</span>}
                    </For>
                  </span>
                </div>
                <Show when={c.next.length > 0}>
                  <div class="serving__next">
                    <span class="serving__next-label">
                      <span class="bi__zh">{tIn('zh-CN', 'board.next')}</span>
                      <span class="bi__en">{tIn('en', 'board.next')}</span>
                    </span>
                    <span class="serving__next-list">
                      <For each={nextOf(c)}>{(tk) => <span class="serving__next-number">{tk.label}</span>}</For>
                    </span>
                    <Show when={c.waitingCount > nextOf(c).length}>
                      <span class="serving__more">+{c.waitingCount - nextOf(c).length}</span>
                    </Show>
                  </div>
                </Show>
              </div>
            )}
          </For>
        </div>
      </section>
    </Show>
  );
}

/** Positions per page of the lottery order: three columns of ten, read down. */
const LOTTERY_PAGE_SIZE = 30;
/** At most this many pages cycle; the full order is on the public page (QR code). */
const LOTTERY_MAX_PAGES = 5;
const LOTTERY_PAGE_MS = 6_000;

/** "3f9a0c1e…b7c21e": enough of a SHA-256 to compare with the published one at a glance. */
function shortHash(hex: string | null): string {
  if (!hex) return '…';
  return hex.length <= 16 ? hex : `${hex.slice(0, 8)}…${hex.slice(-6)}`;
}

/**
 * 摇号结果 Lottery result, in place of the side column for about a minute after a draw: the title,
 * the selection order paged (positions read down the columns), both commitments shortened, and where
 * to verify (the public page's URL and a QR code to it). The unit grid stays as it is.
 */
function LotteryResult(props: { lottery: BoardLottery; timeZone: string }): JSX.Element {
  const [page, setPage] = createSignal(0);
  const shownCount = (): number => Math.min(props.lottery.order.length, LOTTERY_PAGE_SIZE * LOTTERY_MAX_PAGES);
  const pages = (): number => Math.max(1, Math.ceil(shownCount() / LOTTERY_PAGE_SIZE));
  // A new draw starts at its first page; pages cycle while it is up.
  createEffect(
    on(
      () => props.lottery.drawId,
      () => setPage(0),
    ),
  );
  createEffect(() => {
    if (pages() <= 1) return;
    const timer = setInterval(() => setPage((p) => (p + 1) % pages()), LOTTERY_PAGE_MS);
    onCleanup(() => clearInterval(timer));
  });
  const from = (): number => page() * LOTTERY_PAGE_SIZE;
  const entries = (): { position: number; label: string }[] =>
    props.lottery.order
      .slice(from(), Math.min(from() + LOTTERY_PAGE_SIZE, shownCount()))
      .map((label, i) => ({ position: from() + i + 1, label }));
  const url = (): string => lotteryPaths(props.lottery.drawId, window.location.origin).page;
  const qr = createLoad(url, (u) =>
    QRCode.toString(u, {
      type: 'svg',
      margin: 1,
      errorCorrectionLevel: 'M',
      color: { dark: '#0b1220', light: '#ffffff' },
    }),
  );
  const msLeftOnScreen = (): number => Math.max(0, props.lottery.until - Date.now());

  return (
    <section class="board-lottery" aria-live="polite">
      <header class="board-lottery__head">
        <span class="board-lottery__kicker">
          <Bi k="board.lotteryResult" />
        </span>
        <h2 class="board-lottery__title">{props.lottery.title}</h2>
        <span class="board-lottery__meta">
          {tIn('zh-CN', 'board.lotteryMeta', {
            n: props.lottery.order.length,
            time: formatClock(props.lottery.drawnAt, props.timeZone),
          })}
          <span class="bi__en">
            {tIn('en', 'board.lotteryMeta', {
              n: props.lottery.order.length,
              time: formatClock(props.lottery.drawnAt, props.timeZone),
            })}
          </span>
        </span>
      </header>

      <ol class="board-lottery__order" aria-label={tIn('zh-CN', 'board.lotteryOrder')}>
        <For each={entries()}>
          {(e) => (
            <li class="board-lottery__entry" classList={{ 'board-lottery__entry--first': e.position === 1 }}>
              <span class="board-lottery__pos">{e.position}</span>
              <span class="board-lottery__label">{e.label}</span>
            </li>
          )}
        </For>
      </ol>

      <div class="board-lottery__pager">
        <span>
          {tIn('zh-CN', 'board.lotteryPage', {
            from: from() + 1,
            to: Math.min(from() + LOTTERY_PAGE_SIZE, shownCount()),
            n: props.lottery.order.length,
          })}
          <span class="bi__en">
            {tIn('en', 'board.lotteryPage', {
              from: from() + 1,
              to: Math.min(from() + LOTTERY_PAGE_SIZE, shownCount()),
              n: props.lottery.order.length,
            })}
          </span>
        </span>
        <Show when={pages() > 1}>
          <span class="board-lottery__dots" aria-hidden="true">
            <For each={Array.from({ length: pages() }, (_, i) => i)}>
              {(i) => <span class="board-lottery__dot" classList={{ 'board-lottery__dot--on': i === page() }} />}
            </For>
          </span>
        </Show>
      </div>
      <Show when={props.lottery.order.length > shownCount()}>
        <p class="board-lottery__more">
          {tIn('zh-CN', 'board.lotteryMore', { n: shownCount() })}
          <span class="bi__en">{tIn('en', 'board.lotteryMore', { n: shownCount() })}</span>
        </p>
      </Show>

      <dl class="board-lottery__hashes">
        <div>
          <dt>
            <Bi k="board.lotteryList" />
          </dt>
          <dd>{shortHash(props.lottery.listCommitment)}</dd>
        </div>
        <div>
          <dt>
            <Bi k="board.lotterySeed" />
          </dt>
          <dd>{shortHash(props.lottery.seedCommitment)}</dd>
        </div>
      </dl>

      <div class="board-lottery__verify">
        <div class="board-lottery__qr" innerHTML={qr.value() ?? ''} aria-hidden="true" />
        <div class="board-lottery__verify-text">
          <span class="board-lottery__verify-title">
            <Bi k="board.lotteryVerify" />
          </span>
          <span class="board-lottery__url">{url()}</span>
        </div>
      </div>
      {/* Time left on screen: a bar that empties; remounted (restarted) for each new draw. */}
      <Show when={props.lottery.drawId} keyed>
        {(drawId) => (
          <span class="board-lottery__timer" data-draw={drawId} aria-hidden="true">
            <span style={{ 'animation-duration': `${untrack(msLeftOnScreen)}ms` }} />
          </span>
        )}
      </Show>
    </section>
  );
}
