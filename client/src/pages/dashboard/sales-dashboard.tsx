/**
 * /manager/:projectId/dashboard — the live sales dashboard 销售看板 (docs/dashboard.md) for managers,
 * finance and viewers: on a laptop, or as a second big screen (full screen, scaled to the screen).
 * The figures come from one endpoint (GET /api/projects/:id/dashboard); the page follows the project
 * through the hub like the manager console and reads them again after live events — at most once
 * every REFRESH_GAP_MS, so a storm of sales costs one request — and every POLL_MS for what the hub
 * does not announce to every reader (payments, lock expiries).
 *
 * Managers can switch to the launch replay 开盘回放 (./dashboard-replay.ts): the figures the record
 * can tell, at the replay clock, in the board's violet 回放 REPLAY frame; the others say "not
 * available in replay" — never a live value under a replay clock.
 */
import { For, Match, Show, Switch, createMemo, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import {
  formatArea,
  formatBigMoney,
  formatPercent,
  isManagerRole,
  isPermitted,
  labelText,
  PAYMENT_METHOD_LABELS,
  type PaymentMethod,
  wallClock,
  type Dashboard,
  type DashboardAlert,
  type ReplayedDashboard,
  type UserInfo,
} from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../../lib/api';
import { describeError, locale, t } from '../../lib/i18n';
import { projectRole, rehearsalMarkOf } from '../../stores/project-roles';
import { RehearsalBand } from '@kaipan/web/components/rehearsal-band';
import { createUnitsStore } from '../../stores/units';
import { ConnectionIndicator } from '../../components/connection';
import { ErrorState, LanguageSwitch, LoadingState } from '../../components/ui';
import { ReplayBar, ReplayClock } from '../../components/replay-controls';
import { createDashboardReplay } from './dashboard-replay';
import { depositsOption, perMinuteOption, rankingOption, shortMoney, sliceOption, type ChartText } from './charts';
import { EChart } from './echart';
import './dashboard.css';
import './dashboard-replay.css';

/** At most one read of the figures per this many ms, however many events arrive. */
export const REFRESH_GAP_MS = 2_000;
/** Read again this often without events (payments and expiries are not announced to every reader). */
const POLL_MS = 30_000;
/** Consultants shown in the ranking. */
const TOP_CONSULTANTS = 10;

export default function DashboardPage(props: { projectId: string; user: UserInfo; token: string }): JSX.Element {
  const role = () => projectRole(props.user, props.projectId);
  return (
    <Switch>
      <Match when={role() === undefined}>
        <div class="dash dash--state">
          <LoadingState />
        </div>
      </Match>
      <Match when={role() && isPermitted('readDashboard', { kind: 'user', role: role()! })}>
        <LiveDashboard
          projectId={props.projectId}
          user={props.user}
          token={props.token}
          manager={isManagerRole(role() ?? null)}
          canReplay={isPermitted('replay', { kind: 'user', role: role()! })}
        />
      </Match>
      <Match when={true}>
        <div class="dash dash--state">
          <ErrorState title={t('dash.title')} message={t('dash.forbidden')} />
          <p class="dash__center">
            <A class="btn" href="/?pick">
              {t('manager.toGrid')}
            </A>
          </p>
        </div>
      </Match>
    </Switch>
  );
}

function LiveDashboard(props: {
  projectId: string;
  user: UserInfo;
  token: string;
  manager: boolean;
  canReplay: boolean;
}): JSX.Element {
  const figures = createLoad(
    () => props.projectId,
    (id) => api.dashboard(id),
  );
  // Managers: the launch replay (the record is loaded only once it is opened).
  const [replayOn, setReplayOn] = createSignal(false);
  const replay = props.canReplay ? createDashboardReplay(props.projectId, api, replayOn, () => figures.value()) : null;
  const replaying = () => (replayOn() ? replay : null);
  const units = createUnitsStore({ projectId: props.projectId, auth: { token: props.token } });

  // Throttled re-read: the first event schedules one read REFRESH_GAP_MS after the previous one;
  // events meanwhile ride along. createLoad keeps only the newest answer, so reads never mix.
  let lastRead = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refresh = (): void => {
    if (timer !== undefined) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        lastRead = Date.now();
        void figures.refetch();
      },
      Math.max(0, lastRead + REFRESH_GAP_MS - Date.now()),
    );
  };
  const offs = [
    units.onApplied(refresh),
    units.onSnapshot(refresh), // (re)joined: a reconnect after being offline
    units.onResync(refresh),
    units.listen('approval:changed', refresh),
    units.listen('change:changed', refresh),
    units.listen('subscription:cancelled', refresh),
    units.listen('queue:changed', refresh),
    units.listen('batches:changed', refresh),
  ];
  const poll = setInterval(refresh, POLL_MS);
  onCleanup(() => {
    for (const off of offs) off();
    clearInterval(poll);
    clearTimeout(timer);
  });

  // Text size from the screen: 12 px on a laptop, ~17 px at 1920×1080, ~34 px on a 4K screen.
  const [px, setPx] = createSignal(textSize());
  onMount(() => {
    const onResize = (): void => {
      setPx(textSize());
    };
    window.addEventListener('resize', onResize);
    onCleanup(() => window.removeEventListener('resize', onResize));
  });

  const [fullscreen, setFullscreen] = createSignal(false);
  onMount(() => {
    const onChange = (): void => {
      setFullscreen(document.fullscreenElement !== null);
    };
    document.addEventListener('fullscreenchange', onChange);
    onCleanup(() => document.removeEventListener('fullscreenchange', onChange));
  });
  const toggleFullscreen = (): void => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void document.documentElement.requestFullscreen?.().catch(() => undefined);
  };

  const offline = () => units.state.connection === 'offline';
  const d = () => figures.value();
  const tz = () => d()?.timeZone ?? 'Asia/Shanghai';
  const asOf = () => {
    const value = d();
    return value ? clock(value.generatedAt, value.timeZone) : '';
  };

  return (
    <div
      class="dash"
      classList={{ 'dash--offline': !replayOn() && offline(), 'dash--replay': replayOn() }}
      style={{ '--dash-px': `${px()}px` }}
    >
      <RehearsalBand project={rehearsalMarkOf(props.user, props.projectId)} locale={locale()} />
      <header class="dash__header">
        <A
          class="dash__back"
          href={props.manager ? `/manager/${props.projectId}` : '/?pick'}
          aria-label={t('common.back')}
        >
          ‹
        </A>
        <h1 class="dash__title">
          <Show when={d()} fallback={t('dash.title')}>
            {(v) => (
              <>
                {locale() === 'en' ? v().project.nameEn || v().project.name : v().project.name}
                <span class="dash__title-sub"> · {t('dash.title')}</span>
              </>
            )}
          </Show>
        </h1>
        <span class="dash__spacer" />
        <Show
          when={replaying()}
          fallback={
            <>
              <Show when={d()}>
                <span class="dash__asof">{t('dash.asOf', { time: asOf() })}</span>
              </Show>
              <ConnectionIndicator
                state={units.state.connection}
                lastUpdate={units.state.lastUpdate}
                timeZone={tz()}
                variant="dark"
                compact
              />
            </>
          }
        >
          {(r) => (
            <ReplayClock
              replay={r().replay}
              timeZone={tz()}
              classes={{ clock: 'dash__replay-clock', time: 'dash__replay-time', date: 'dash__replay-date' }}
            />
          )}
        </Show>
        <Show when={replay && !replayOn() && d()}>
          <button
            type="button"
            class="dash__btn dash__btn--replay"
            onClick={() => setReplayOn(true)}
            data-testid="replay-open"
          >
            {t('replay.open')}
          </button>
        </Show>
        <LanguageSwitch class="dash__lang" />
        <button type="button" class="dash__btn" onClick={toggleFullscreen}>
          {fullscreen() ? t('dash.exitFullscreen') : t('dash.fullscreen')}
        </button>
      </header>

      <Show when={replaying()}>
        {(r) => (
          <div class="dash__replay-bar">
            <ReplayBar replay={r().replay} timeZone={tz()} onClose={() => setReplayOn(false)} />
          </div>
        )}
      </Show>
      <Show when={!replayOn() && offline() && d()}>
        <div class="dash__banner dash__banner--offline" role="status">
          {t('dash.offline', { time: asOf() })}
        </div>
      </Show>
      <Show when={!replayOn() && !offline() && figures.error() && d()}>
        <div class="dash__banner dash__banner--error" role="alert">
          {t('dash.staleError', { time: asOf() })}
          <button type="button" class="dash__btn" onClick={() => void figures.refetch()}>
            {t('dash.retry')}
          </button>
        </div>
      </Show>

      <Switch>
        <Match when={replaying()}>
          {(r) => (
            <Switch>
              <Match when={r().figures()}>{(v) => <Board view={{ replay: true, d: v() }} px={px()} />}</Match>
              <Match when={r().catalog.error()}>
                <div class="dash__state">
                  <ErrorState
                    title={t('dash.replayLoadError')}
                    message={describeError(r().catalog.error())}
                    onRetry={() => void r().catalog.refetch()}
                  />
                </div>
              </Match>
              <Match when={true}>
                <div class="dash__state">
                  <LoadingState />
                </div>
              </Match>
            </Switch>
          )}
        </Match>
        <Match when={d()}>{(v) => <Board view={{ replay: false, d: v() }} px={px()} />}</Match>
        <Match when={figures.error()}>
          <div class="dash__state">
            <ErrorState
              title={t('dash.loadError')}
              message={describeError(figures.error())}
              onRetry={() => void figures.refetch()}
            />
          </div>
        </Match>
        <Match when={true}>
          <div class="dash__state">
            <LoadingState />
          </div>
        </Match>
      </Switch>
    </div>
  );
}

/** What the page shows: the live figures, or those of a replay (no deposits, queue, alerts, …). */
type View = { replay: false; d: Dashboard } | { replay: true; d: ReplayedDashboard };

/**
 * The figures: KPI cards, then two rows of charts. In a replay, what the record cannot tell at the
 * replay clock says so (`live()` is null) instead of showing the live value.
 */
function Board(props: { view: View; px: number }): JSX.Element {
  const d = () => props.view.d;
  const live = (): Dashboard | null => (props.view.replay ? null : props.view.d);
  const text = createMemo<ChartText>(() => ({
    locale: locale(),
    timeZone: d().timeZone,
    px: props.px,
    sold: t('dash.sold'),
    unsold: t('dash.unsold'),
    subscriptions: t('dash.subscriptions'),
    methodLabel: (m) => {
      const label = PAYMENT_METHOD_LABELS[m as PaymentMethod];
      return label ? labelText(label, locale()) : m;
    },
  }));
  const noSales = () => !props.view.replay && d().totals.sold === 0;
  const teams = () => d().teams.map((team) => ({ ...team, name: team.id === null ? t('dash.noTeam') : team.name }));

  return (
    <main class="dash__main">
      <Show when={noSales()}>
        <div class="dash__banner dash__banner--empty" role="status">
          {t('dash.noSales')}
        </div>
      </Show>
      <section class="dash__kpis" aria-label={t('dash.title')}>
        <Kpi
          label={t('dash.soldUnits')}
          value={t('dash.units', { n: d().totals.sold })}
          testId="kpi-sold"
          progress={progress(d().totals.sold, d().target.units, (n) => t('dash.units', { n }))}
        />
        <Kpi
          label={t('dash.soldArea')}
          value={formatArea(d().totals.soldArea, locale())}
          progress={progress(d().totals.soldArea, d().target.area, (n) => formatArea(n, locale()))}
        />
        <Kpi
          label={t('dash.soldAmount')}
          value={formatBigMoney(d().totals.soldAmountFen, locale())}
          testId="kpi-amount"
          progress={progress(d().totals.soldAmountFen, d().target.amountFen, (n) => formatBigMoney(n, locale()))}
        />
        <Kpi
          label={t('dash.sellThrough')}
          value={d().totals.released === 0 ? '—' : formatPercent(d().totals.sold / d().totals.released, locale())}
          sub={t('dash.ofReleased', { n: d().totals.released })}
          ratio={d().totals.released === 0 ? null : d().totals.sold / d().totals.released}
        />
        <LiveKpi live={live()} label={t('dash.deposits')} testId="kpi-deposits">
          {(l) => (
            <Kpi
              label={t('dash.deposits')}
              testId="kpi-deposits"
              value={formatBigMoney(l.deposits.totalFen, locale())}
              sub={t('dash.depositPayments', { n: l.deposits.payments })}
            />
          )}
        </LiveKpi>
        <LiveKpi live={live()} label={t('dash.oversubscription')}>
          {(l) => (
            <Kpi
              label={t('dash.oversubscription')}
              value={l.registrations.ratio === null ? '—' : `${l.registrations.ratio.toFixed(2)} : 1`}
              sub={t('dash.registrationsOf', { r: l.registrations.active, n: l.registrations.released })}
            />
          )}
        </LiveKpi>
        <LiveKpi live={live()} label={t('dash.queue')}>
          {(l) => (
            <Kpi
              label={t('dash.queue')}
              value={`${l.queue.served} / ${l.queue.issued}`}
              sub={queueLine(l.queue)}
              ratio={l.queue.issued === 0 ? null : l.queue.served / l.queue.issued}
            />
          )}
        </LiveKpi>
      </section>

      <section class="dash__row dash__row--a">
        <Panel
          class="dash__p--minute"
          title={t('dash.perMinute')}
          note={d().perMinute.day ? t('dash.perMinuteDay', { day: d().perMinute.day!, tz: d().timeZone }) : undefined}
          empty={d().perMinute.minutes.length === 0}
        >
          <EChart option={perMinuteOption(d(), text())} label={t('dash.perMinute')} />
        </Panel>
        <Panel class="dash__p--consultants" title={t('dash.byConsultant')} empty={d().consultants.length === 0}>
          <EChart option={rankingOption(d().consultants, text(), TOP_CONSULTANTS)} label={t('dash.byConsultant')} />
        </Panel>
        <Panel class="dash__p--alerts" title={t('dash.alerts')} count={live()?.alerts.length} unavailable={!live()}>
          <Show when={(live()?.alerts.length ?? 0) > 0} fallback={<p class="dash__none">{t('dash.noAlerts')}</p>}>
            <ul class="dash__alerts">
              <For each={live()?.alerts ?? []}>{(a) => <Alert alert={a} timeZone={d().timeZone} />}</For>
            </ul>
          </Show>
        </Panel>
      </section>

      <section class="dash__row dash__row--b">
        <Panel class="dash__p--building" title={t('dash.byBuilding')} empty={d().byBuilding.length === 0}>
          <EChart option={sliceOption(d().byBuilding, text(), false)} label={t('dash.byBuilding')} />
        </Panel>
        <Panel class="dash__p--layout" title={t('dash.byLayout')} empty={d().byLayout.length === 0}>
          <EChart option={sliceOption(d().byLayout, text(), false)} label={t('dash.byLayout')} />
        </Panel>
        <Panel class="dash__p--floor" title={t('dash.byFloorBand')} empty={d().byFloorBand.length === 0}>
          <EChart option={sliceOption(d().byFloorBand, text(), true)} label={t('dash.byFloorBand')} />
        </Panel>
        <Panel
          class="dash__p--deposits"
          title={t('dash.depositsByMethod')}
          unavailable={!live()}
          empty={live()?.deposits.byMethod.length === 0}
        >
          <Show when={live()}>
            {(l) => <EChart option={depositsOption(l(), text())} label={t('dash.depositsByMethod')} />}
          </Show>
        </Panel>
        <Panel class="dash__p--teams" title={t('dash.byTeam')} empty={d().teams.length === 0}>
          <TeamList teams={teams()} />
        </Panel>
      </section>
    </main>
  );
}

/** A KPI the record cannot tell at a replay's clock: "not available in replay" in a replay. */
function LiveKpi(props: {
  live: Dashboard | null;
  label: string;
  testId?: string;
  children: (live: Dashboard) => JSX.Element;
}): JSX.Element {
  return (
    <Show
      when={props.live}
      fallback={<Kpi label={props.label} value="—" sub={t('dash.notInReplay')} ratio={null} testId={props.testId} />}
    >
      {(l) => props.children(l())}
    </Show>
  );
}

function Panel(props: {
  class: string;
  title: string;
  note?: string | undefined;
  count?: number | undefined;
  empty?: boolean | undefined;
  /** In a replay, a panel the record cannot tell at the replay clock. */
  unavailable?: boolean;
  children: JSX.Element;
}): JSX.Element {
  return (
    <section class={`dash__panel ${props.class}`}>
      <h2 class="dash__panel-title">
        {props.title}
        <Show when={props.count}>
          <span class="dash__count">{props.count}</span>
        </Show>
        <Show when={props.note}>
          <span class="dash__note">{props.note}</span>
        </Show>
      </h2>
      <div class="dash__panel-body">
        <Switch>
          <Match when={props.unavailable}>
            <p class="dash__none dash__none--replay">{t('dash.notInReplay')}</p>
          </Match>
          <Match when={props.empty}>
            <p class="dash__none">{t('dash.noData')}</p>
          </Match>
          <Match when={true}>{props.children}</Match>
        </Switch>
      </div>
    </section>
  );
}

/** Teams are few and their names long: a list with bars reads better than a chart in a narrow panel. */
function TeamList(props: {
  teams: readonly { id: string | null; name: string; units: number; amountFen: number }[];
}): JSX.Element {
  const best = () => Math.max(1, ...props.teams.map((x) => x.units));
  return (
    <ol class="dash__teams">
      <For each={props.teams}>
        {(team) => (
          <li class="dash__team">
            <span class="dash__team-name">{team.name}</span>
            <span class="dash__team-figures">
              {t('dash.units', { n: team.units })} · {shortMoney(team.amountFen, locale())}
            </span>
            <span class="dash__team-bar">
              <span class="dash__bar-fill" style={{ width: `${(team.units / best()) * 100}%` }} />
            </span>
          </li>
        )}
      </For>
    </ol>
  );
}

interface Progress {
  ratio: number;
  text: string;
}

function progress(value: number, target: number | null, format: (n: number) => string): Progress | null {
  if (target === null || target <= 0) return null;
  const ratio = value / target;
  return { ratio, text: t('dash.ofTarget', { target: format(target), pct: formatPercent(ratio, locale()) }) };
}

function Kpi(props: {
  label: string;
  value: string;
  sub?: string;
  progress?: Progress | null;
  ratio?: number | null;
  testId?: string;
}): JSX.Element {
  const ratio = () => props.progress?.ratio ?? props.ratio ?? null;
  const sub = () => props.sub ?? props.progress?.text ?? (props.progress === null ? t('dash.noTarget') : '');
  return (
    <div class="dash__kpi" data-testid={props.testId}>
      <div class="dash__kpi-label">{props.label}</div>
      <div class="dash__kpi-value">{props.value}</div>
      <div class="dash__kpi-sub">{sub()}</div>
      <div class="dash__bar" classList={{ 'dash__bar--none': ratio() === null }}>
        <div class="dash__bar-fill" style={{ width: `${Math.min(100, (ratio() ?? 0) * 100)}%` }} />
      </div>
    </div>
  );
}

function Alert(props: { alert: DashboardAlert; timeZone: string }): JSX.Element {
  const hm = (iso: string) => {
    const w = wallClock(iso, props.timeZone);
    return `${w.hour}:${w.minute}`;
  };
  const text = (): string => {
    const a = props.alert;
    switch (a.kind) {
      case 'LOCKS_EXPIRING':
        return t('dash.alert.locks', { name: a.consultant, n: a.expiries, time: hm(a.lastAt) });
      case 'APPROVAL_WAITING':
        return t('dash.alert.approval', { unit: a.unitCode, name: a.consultant, time: hm(a.since) });
      case 'DEPOSITS_OVERDUE':
        return t('dash.alert.deposits', { n: a.subscriptions, time: hm(a.oldestDueAt) });
    }
  };
  return <li class={`dash__alert dash__alert--${props.alert.kind.toLowerCase()}`}>{text()}</li>;
}

/** The base text size of the dashboard, from the window (never below 12 px; up to 40 px on a wall). */
function textSize(): number {
  const byWidth = window.innerWidth / 112;
  const byHeight = window.innerHeight / 62;
  return Math.round(Math.max(12, Math.min(40, byWidth, byHeight)));
}

/** "09:31:05" in the project's zone. */
function clock(iso: string, timeZone: string): string {
  const w = wallClock(iso, timeZone);
  return `${w.hour}:${w.minute}:${w.second}`;
}

/** "等候 3 · 过号 1 · 平均选房 5:12". */
function queueLine(q: Dashboard['queue']): string {
  const avg =
    q.avgSelectionSeconds === null ? '' : ` · ${t('dash.avgSelection', { time: minSec(q.avgSelectionSeconds) })}`;
  return `${t('dash.queueDetail', { waiting: q.waiting, missed: q.missed })}${avg}`;
}

/** 312 → "5:12". */
function minSec(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
