/**
 * Deals 认购与变更.
 * - /manager/:projectId/deals — managers: every subscription of the project, its price breakdown
 *   and schedule, and the change-request queue 变更审批 (approve / reject with a note — never one's
 *   own request — and execute).
 * - /p/:projectId/deals — consultants: their own subscriptions and requests, same components,
 *   no decide buttons.
 * Live: `change:changed` on the hub re-reads the lists (and toasts managers about new requests);
 * unit availability for the 换房 picker comes from the live units store.
 */
import { SUBSCRIPTION_STATUS_LABELS } from '@kaipan/shared';
import { Match, Show, Switch, createEffect, createMemo, createSignal, on, onCleanup, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import type { ChangeRequestInfo, SubscriptionInfo, UserInfo } from '@kaipan/shared';
import { api } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { describeError, locale, t, label } from '../lib/i18n';
import { createCatalog } from '../stores/catalog';
import { isManager, isSeller } from '../stores/project-roles';
import { showToast } from '../stores/toasts';
import { createUnitsStore } from '../stores/units';
import { AppHeader } from '../components/app-header';
import { ConnectionIndicator } from '../components/connection';
import { StatusBanners } from '../components/status-banners';
import { ConfirmDialog, EmptyState, ErrorState, LoadingState } from '../components/ui';
import { kindLabel, money, requestSummary } from '../components/deals-common';
import { DealDrawer, type TargetUnit } from '../components/deals-detail';
import { RequestQueue, isMine, type ChangeActions, type Viewer } from '../components/deals-requests';
import { SubscriptionList } from '../components/deals-subscriptions';
import { UnitTimelineDrawer } from '../components/unit-timeline';
import './deals.css';

type Variant = 'consultant' | 'manager';
type StatusFilter = '' | SubscriptionInfo['status'];
const STATUS_FILTERS: StatusFilter[] = ['', 'ACTIVE', 'CHANGED', 'CANCELLED', 'CONTRACTED'];
/** Live events are coalesced: a burst of changes costs one re-read. */
const REFRESH_DEBOUNCE_MS = 300;

export default function DealsPage(props: {
  projectId: string;
  user: UserInfo;
  token: string;
  variant: Variant;
}): JSX.Element {
  const allowed = (): boolean =>
    props.variant === 'manager' ? isManager(props.user, props.projectId) : isSeller(props.user, props.projectId);
  return (
    <Show when={allowed()} fallback={<Forbidden projectId={props.projectId} variant={props.variant} />}>
      <DealsConsole projectId={props.projectId} user={props.user} token={props.token} variant={props.variant} />
    </Show>
  );
}

function Forbidden(props: { projectId: string; variant: Variant }): JSX.Element {
  return (
    <div class="page">
      <AppHeader title={t('deals.title')} backHref="/?pick" />
      <main class="page__main page__main--narrow">
        <ErrorState
          title={t('deals.forbiddenTitle')}
          message={t(props.variant === 'manager' ? 'deals.forbiddenManager' : 'deals.forbiddenSeller')}
        />
        <Show when={props.variant === 'manager'}>
          <p class="center">
            <A href={`/p/${props.projectId}/deals`} class="btn btn--primary">
              {t('deals.toMine')}
            </A>
          </p>
        </Show>
      </main>
    </div>
  );
}

function DealsConsole(props: { projectId: string; user: UserInfo; token: string; variant: Variant }): JSX.Element {
  const manager = (): boolean => props.variant === 'manager';
  const viewer = (): Viewer => ({ manager: manager(), id: props.user.id });
  const [timelineUnit, setTimelineUnit] = createSignal<string | null>(null);
  const catalog = createCatalog(props.projectId, api);
  const units = createUnitsStore({ projectId: props.projectId, auth: { token: props.token } });
  const projectName = (): string => {
    const p = catalog.ready()?.project;
    if (!p) return '';
    return locale() === 'en' ? p.nameEn || p.name : p.name;
  };

  // ---- lists ----------------------------------------------------------------------------------
  const [status, setStatus] = createSignal<StatusFilter>('');
  const [search, setSearch] = createSignal('');
  const [q, setQ] = createSignal('');
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(
      search,
      (text) => {
        clearTimeout(searchTimer);
        searchTimer = setTimeout(() => setQ(text.trim()), 250);
      },
      { defer: true },
    ),
  );
  const query = createMemo(() => ({ status: status() || undefined, q: q() || undefined, limit: 300 }));
  const subs = createLoad(query, (qq) => api.subscriptions(props.projectId, qq));
  const reqs = createLoad(
    () => props.projectId,
    (id) => api.changeRequests(id),
  );
  const subRows = subs.value;
  const reqRows = reqs.value;
  const [showClosed, setShowClosed] = createSignal(false);
  const [tab, setTab] = createSignal<'subs' | 'requests'>('subs');
  const [selected, setSelected] = createSignal<string | null>(null);
  const [version, setVersion] = createSignal(0);

  const requests = (): ChangeRequestInfo[] => reqRows() ?? [];
  const openCount = (): number => requests().filter((r) => r.status === 'PENDING' || r.status === 'APPROVED').length;
  const pendingCount = (): number => requests().filter((r) => r.status === 'PENDING').length;
  const openBySub = createMemo(() => {
    const map = new Map<string, ChangeRequestInfo>();
    for (const r of requests()) if (r.status === 'PENDING' || r.status === 'APPROVED') map.set(r.subscriptionId, r);
    return map;
  });
  const availableUnits = createMemo((): TargetUnit[] =>
    (catalog.ready()?.units ?? [])
      .filter((u) => units.unit(u.id)?.status === 'AVAILABLE')
      .map((u) => ({
        id: u.id,
        code: u.code,
        layoutName: u.layoutName,
        grossArea: u.grossArea,
        listPrice: u.listPrice,
      }))
      .sort((a, b) => a.code.localeCompare(b.code)),
  );

  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshSoon = (): void => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      void subs.refetch();
      void reqs.refetch();
      setVersion((v) => v + 1);
    }, REFRESH_DEBOUNCE_MS);
  };
  const refreshNow = (): void => {
    clearTimeout(refreshTimer);
    void subs.refetch();
    void reqs.refetch();
    setVersion((v) => v + 1);
  };

  // A new request by someone else: a toast for managers (the queue updates by itself).
  const announced = new Set<string>();
  const offChange = units.listen('change:changed', (event) => {
    if (event.projectId !== props.projectId) return;
    if (manager() && event.status === 'PENDING' && !announced.has(event.id) && !isMine(event, viewer())) {
      announced.add(event.id);
      showToast(
        'info',
        t('deals.newRequestToast', { kind: kindLabel(event.kind), unit: event.unitCode, who: event.requestedBy }),
      );
    }
    if (!manager() && isMine(event, viewer()) && (event.status === 'APPROVED' || event.status === 'REJECTED')) {
      showToast(
        event.status === 'APPROVED' ? 'success' : 'info',
        t(event.status === 'APPROVED' ? 'deals.approvedToast' : 'deals.rejectedToast', {
          kind: kindLabel(event.kind),
          unit: event.unitCode,
        }),
      );
    }
    refreshSoon();
  });
  // A deal cancelled by the deposit rule 定金时限 (to its consultant and the managers): its row changes.
  const offCancelled = units.listen('subscription:cancelled', (event) => {
    if (event.projectId === props.projectId) refreshSoon();
  });
  // Events missed while offline: read everything again when the connection is back.
  createEffect(
    on(
      () => units.state.connection,
      (now, before) => {
        if (now === 'online' && before && before !== 'online' && before !== 'connecting') refreshNow();
      },
    ),
  );
  onCleanup(() => {
    offChange();
    offCancelled();
    clearTimeout(refreshTimer);
    clearTimeout(searchTimer);
  });

  // ---- actions --------------------------------------------------------------------------------
  const [busy, setBusy] = createSignal<string | null>(null);
  const [confirming, setConfirming] = createSignal<ChangeRequestInfo | null>(null);
  const run = async (
    r: ChangeRequestInfo,
    call: () => Promise<ChangeRequestInfo>,
    done: (res: ChangeRequestInfo) => string,
  ): Promise<boolean> => {
    setBusy(r.id);
    try {
      const res = await call();
      showToast('success', done(res));
      refreshNow();
      return true;
    } catch (err) {
      showToast('error', describeError(err));
      refreshNow();
      return false;
    } finally {
      setBusy(null);
    }
  };
  const actions: ChangeActions = {
    busy,
    decide: (r, approve, note) =>
      run(
        r,
        () => api.decideChange(r.id, { approve, ...(note ? { note } : {}) }),
        (res) =>
          t(res.status === 'REJECTED' ? 'deals.rejectedDone' : 'deals.approvedDone', {
            kind: kindLabel(res.kind),
            unit: res.unitCode,
          }),
      ),
    withdraw: (r) =>
      run(
        r,
        () => api.withdrawChange(r.id),
        (res) => t('deals.withdrawnDone', { kind: kindLabel(res.kind), unit: res.unitCode }),
      ),
    execute: (r) => setConfirming(r),
  };
  const execute = async (): Promise<void> => {
    const r = confirming();
    if (!r) return;
    await run(
      r,
      () => api.executeChange(r.id),
      (res) => {
        const to = typeof res.result?.newUnitCode === 'string' ? ` → ${res.result.newUnitCode}` : '';
        return t('deals.executedDone', { kind: kindLabel(res.kind), unit: `${res.unitCode}${to}` });
      },
    );
    setConfirming(null);
  };
  const executeBody = (r: ChangeRequestInfo): string => {
    const summary = requestSummary(r);
    switch (r.kind) {
      case 'UNIT_CHANGE':
        return t('deals.confirm.unitChange', { summary });
      case 'CANCEL':
        return t('deals.confirm.cancel', {
          unit: r.unitCode,
          price: typeof r.preview?.price === 'number' ? money(r.preview.price) : '',
        });
      case 'BUYER_CHANGE':
        return t('deals.confirm.buyerChange', { unit: r.unitCode, summary });
      case 'PRICE_CHANGE':
        return t('deals.confirm.priceChange', { unit: r.unitCode, summary });
    }
  };

  // ---- view -----------------------------------------------------------------------------------
  const subsSection = (): JSX.Element => (
    <section class="panel deals-subs" aria-label={t('deals.subscriptions')}>
      <div class="deals-toolbar">
        <h2 class="panel__title">{manager() ? t('deals.subscriptions') : t('deals.mySubscriptions')}</h2>
        <div class="deals-toolbar__filters">
          <input
            class="input input--sm deals-toolbar__search"
            type="search"
            placeholder={t('deals.searchPlaceholder')}
            aria-label={t('deals.searchPlaceholder')}
            value={search()}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
          <select
            class="input input--sm deals-toolbar__status"
            aria-label={t('deals.col.status')}
            value={status()}
            onChange={(e) => setStatus(e.currentTarget.value as StatusFilter)}
          >
            {STATUS_FILTERS.map((s) => (
              <option value={s}>{s ? label(SUBSCRIPTION_STATUS_LABELS, s) : t('deals.allStatuses')}</option>
            ))}
          </select>
        </div>
      </div>
      <Switch>
        <Match when={subs.error() !== undefined && !subRows()}>
          <ErrorState
            title={t('deals.loadError')}
            message={describeError(subs.error())}
            onRetry={() => void subs.refetch()}
          />
        </Match>
        <Match when={!subRows()}>
          <LoadingState />
        </Match>
        <Match when={subRows()?.length === 0}>
          <EmptyState
            title={q() || status() ? t('deals.noMatch') : t('deals.noSubscriptions')}
            hint={
              q() || status()
                ? t('deals.noMatchHint')
                : manager()
                  ? t('deals.noSubscriptionsHintManager')
                  : t('deals.noSubscriptionsHint')
            }
          />
        </Match>
        <Match when={subRows()}>
          {(rows) => (
            <SubscriptionList
              rows={rows()}
              openBySub={openBySub()}
              manager={manager()}
              timeZone={catalog.timeZone()}
              selectedId={selected()}
              onOpen={setSelected}
            />
          )}
        </Match>
      </Switch>
    </section>
  );

  const requestsSection = (): JSX.Element => (
    <section class="panel deals-requests" aria-label={t('deals.requests')}>
      <div class="deals-toolbar">
        <h2 class="panel__title">
          {manager() ? t('deals.requests') : t('deals.myRequests')}
          <Show when={openCount() > 0}>
            <span class="deals-count">{openCount()}</span>
          </Show>
        </h2>
        <div class="deals-seg" role="tablist">
          <button
            type="button"
            role="tab"
            aria-selected={!showClosed()}
            class="deals-seg__opt"
            onClick={() => setShowClosed(false)}
          >
            {t('deals.openOnly')}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={showClosed()}
            class="deals-seg__opt"
            onClick={() => setShowClosed(true)}
          >
            {t('deals.all')}
          </button>
        </div>
      </div>
      <Switch>
        <Match when={reqs.error() !== undefined && !reqRows()}>
          <ErrorState
            title={t('deals.loadError')}
            message={describeError(reqs.error())}
            onRetry={() => void reqs.refetch()}
          />
        </Match>
        <Match when={!reqRows()}>
          <LoadingState />
        </Match>
        <Match when={reqRows()}>
          <RequestQueue
            requests={requests()}
            viewer={viewer()}
            timeZone={catalog.timeZone()}
            actions={actions}
            onOpen={setSelected}
            showClosed={showClosed()}
          />
        </Match>
      </Switch>
    </section>
  );

  return (
    <div class="page page--manager page--deals">
      <AppHeader
        backHref={manager() ? `/manager/${props.projectId}` : `/p/${props.projectId}`}
        title={t('deals.title')}
        subtitle={projectName() ? `${projectName()} · ${props.user.displayName}` : props.user.displayName}
        status={
          <ConnectionIndicator
            state={units.state.connection}
            lastUpdate={units.state.lastUpdate}
            timeZone={catalog.timeZone()}
            compact
          />
        }
      />
      <StatusBanners
        paused={false}
        connection={units.state.connection}
        loaded={units.state.loaded}
        blockedBy={units.blockedBy()}
      />
      <main class="page__main deals-page">
        <div class="deals-tabs tabs" role="tablist">
          <button type="button" role="tab" class="tab" aria-selected={tab() === 'subs'} onClick={() => setTab('subs')}>
            {t('deals.tab.subs')}
          </button>
          <button
            type="button"
            role="tab"
            class="tab"
            aria-selected={tab() === 'requests'}
            onClick={() => setTab('requests')}
          >
            {t('deals.tab.requests')}
            <Show when={(manager() ? pendingCount() : openCount()) > 0}>
              <span class="deals-count">{manager() ? pendingCount() : openCount()}</span>
            </Show>
          </button>
        </div>
        <div class="deals-body" classList={{ 'deals-body--requests': tab() === 'requests' }}>
          {subsSection()}
          {requestsSection()}
        </div>
      </main>

      <DealDrawer
        subscriptionId={selected()}
        viewer={viewer()}
        timeZone={catalog.timeZone()}
        actions={actions}
        version={version()}
        availableUnits={availableUnits}
        onOpen={setSelected}
        onClose={() => setSelected(null)}
        onRequested={() => refreshNow()}
        onTimeline={manager() ? setTimelineUnit : undefined}
      />
      <UnitTimelineDrawer
        projectId={props.projectId}
        unitId={timelineUnit()}
        onClose={() => setTimelineUnit(null)}
        canPrint
      />
      <ConfirmDialog
        open={confirming() !== null}
        title={
          confirming()
            ? t('deals.confirm.title', { kind: kindLabel(confirming()!.kind), unit: confirming()!.unitCode })
            : ''
        }
        body={confirming() ? executeBody(confirming()!) : ''}
        confirmLabel={t('deals.execute')}
        danger={confirming()?.kind === 'CANCEL'}
        busy={busy() !== null}
        onConfirm={() => void execute()}
        onCancel={() => setConfirming(null)}
      />
    </div>
  );
}
