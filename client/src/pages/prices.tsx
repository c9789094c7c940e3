/**
 * /manager/:projectId/prices — the price book 价目表 and pricing terms for ADMIN/MANAGER, laptop
 * first (usable on a phone): versions (active, pending with diff and the four-eyes decision,
 * history), a new repricing 调价 with the server's preview, discount rules, payment plans and the
 * pricing policy. Re-reads everything on the hub's `prices:changed` and after every reconnect.
 * docs/price-book.md.
 */
import { Match, Show, Switch, createMemo, createSignal, onCleanup, type JSX } from 'solid-js';
import { A, useSearchParams } from '@solidjs/router';
import type { BuildingInfo, PricesChangedEvent, UserInfo } from '@kaipan/shared';
import { api } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { buildingName } from '../lib/display';
import { describeError, locale, t, type MessageKey } from '../lib/i18n';
import { connectHub } from '../lib/socket';
import { createCatalog } from '../stores/catalog';
import { isManager } from '../stores/project-roles';
import { createUnitsStore } from '../stores/units';
import { AppHeader } from '../components/app-header';
import { ConnectionIndicator } from '../components/connection';
import { StatusBanners } from '../components/status-banners';
import { ErrorState, LoadingState } from '../components/ui';
import { VersionsTab } from '../components/prices-versions';
import { RepriceForm } from '../components/prices-reprice';
import { DiscountsTab } from '../components/prices-discounts';
import { PlansTab } from '../components/prices-plans';
import { PolicyTab } from '../components/prices-policy';
import './prices.css';

const TABS = ['versions', 'reprice', 'discounts', 'plans', 'policy'] as const;
type Tab = (typeof TABS)[number];
const TAB_KEYS: Record<Tab, MessageKey> = {
  versions: 'prices.tab.versions',
  reprice: 'prices.tab.reprice',
  discounts: 'prices.tab.discounts',
  plans: 'prices.tab.plans',
  policy: 'prices.tab.policy',
};

export default function PricesPage(props: { projectId: string; user: UserInfo; token: string }): JSX.Element {
  return (
    <Show
      when={isManager(props.user, props.projectId)}
      fallback={
        <div class="page">
          <AppHeader title={t('prices.title')} backHref={`/p/${props.projectId}`} />
          <main class="page__main page__main--narrow">
            <ErrorState title={t('manager.forbiddenTitle')} message={t('prices.forbidden')} />
          </main>
        </div>
      }
    >
      <PriceBook projectId={props.projectId} user={props.user} token={props.token} />
    </Show>
  );
}

function PriceBook(props: { projectId: string; user: UserInfo; token: string }): JSX.Element {
  const catalog = createCatalog(props.projectId, api);
  // Joins the project room (so `prices:changed` arrives) and tracks the connection.
  const live = createUnitsStore({ projectId: props.projectId, auth: { token: props.token } });
  const terms = createLoad(
    () => props.projectId,
    (id) => api.pricingTerms(id, true),
  );
  const versions = createLoad(
    () => props.projectId,
    (id) => api.priceLists(id),
  );
  const [search, setSearch] = useSearchParams<{ tab?: string }>();
  const tab = (): Tab => ((TABS as readonly string[]).includes(search.tab ?? '') ? (search.tab as Tab) : 'versions');
  const [lastEvent, setLastEvent] = createSignal<number | null>(null);

  const refreshAll = (): void => {
    void terms.refetch();
    void versions.refetch();
    void catalog.refetch();
  };
  const socket = connectHub({ token: props.token });
  const onPrices = (event: PricesChangedEvent): void => {
    if (event.projectId !== props.projectId) return;
    setLastEvent(Date.now());
    refreshAll();
  };
  let connectedOnce = socket.connected;
  const onConnect = (): void => {
    // Events missed while disconnected are gone: read again after a reconnect.
    if (connectedOnce) refreshAll();
    connectedOnce = true;
  };
  socket.on('prices:changed', onPrices);
  socket.on('connect', onConnect);
  onCleanup(() => {
    socket.off('prices:changed', onPrices);
    socket.off('connect', onConnect);
  });

  const projectName = (): string => {
    const p = catalog.ready()?.project;
    if (!p) return '';
    return locale() === 'en' ? p.nameEn || p.name : p.name;
  };
  const buildings = (): BuildingInfo[] => catalog.ready()?.buildings ?? [];
  const buildingLabel = (id: string): string => {
    const b = buildings().find((x) => x.id === id);
    return b ? buildingName(b, locale()) : id.slice(0, 8);
  };
  const pending = createMemo(() => (versions.value() ?? []).filter((v) => v.status === 'PENDING'));
  const pendingIds = createMemo(() => new Set(pending().map((v) => v.id)));
  const activeVersion = (): number | undefined =>
    versions.value()?.find((v) => v.status === 'ACTIVE')?.version ?? terms.value()?.priceVersion;

  return (
    <div class="page prices-page">
      <AppHeader
        backHref={`/manager/${props.projectId}`}
        title={
          <>
            {t('prices.title')} <span class="app-header__tag">{projectName()}</span>
          </>
        }
        subtitle={
          activeVersion() !== undefined
            ? t('prices.headerActive', { v: activeVersion() ?? '' })
            : props.user.displayName
        }
        status={
          <ConnectionIndicator
            state={live.state.connection}
            lastUpdate={lastEvent() ?? live.state.lastUpdate}
            timeZone={catalog.timeZone()}
          />
        }
        actions={
          <A href={`/manager/${props.projectId}`} class="btn btn--ghost btn--sm hide-phone">
            {t('prices.backToManager')}
          </A>
        }
      />
      <StatusBanners
        paused={false}
        connection={live.state.connection}
        loaded={live.state.loaded}
        blockedBy={live.blockedBy()}
      />
      <main class="page__main prices">
        <nav class="prices-tabs" role="tablist" aria-label={t('prices.title')}>
          {TABS.map((id) => (
            <button
              type="button"
              role="tab"
              class="prices-tab"
              aria-selected={tab() === id}
              onClick={() => setSearch({ tab: id === 'versions' ? undefined : id }, { replace: true })}
            >
              {t(TAB_KEYS[id])}
              <Show when={id === 'versions' && pending().length > 0}>
                <span class="prices-badge" role="img" aria-label={t('prices.pendingCount', { n: pending().length })}>
                  {pending().length}
                </span>
              </Show>
            </button>
          ))}
        </nav>

        <Switch>
          <Match when={tab() === 'versions'}>
            <VersionsTab
              projectId={props.projectId}
              user={props.user}
              timeZone={catalog.timeZone()}
              versions={versions.value()}
              loading={versions.loading()}
              error={versions.error()}
              activeVersion={activeVersion()}
              buildingName={buildingLabel}
              units={catalog.ready()?.units ?? []}
              onRetry={() => void versions.refetch()}
              onDecided={() => {
                void versions.refetch();
                void terms.refetch();
              }}
            />
          </Match>
          <Match when={tab() === 'reprice'}>
            <Switch>
              <Match when={catalog.catalog.error()}>
                <ErrorState
                  title={t('prices.loadError')}
                  message={describeError(catalog.catalog.error())}
                  onRetry={() => void catalog.refetch()}
                />
              </Match>
              <Match when={!catalog.ready()}>
                <LoadingState />
              </Match>
              <Match when={catalog.ready()}>
                <RepriceForm
                  projectId={props.projectId}
                  buildings={buildings()}
                  units={catalog.ready()?.units ?? []}
                  buildingName={(b) => buildingName(b, locale())}
                  pendingIds={pendingIds()}
                  onRequested={() => {
                    void versions.refetch();
                    setSearch({ tab: undefined }, { replace: true });
                  }}
                />
              </Match>
            </Switch>
          </Match>
          <Match when={terms.error() && !terms.value()}>
            <ErrorState
              title={t('prices.loadError')}
              message={describeError(terms.error())}
              onRetry={() => void terms.refetch()}
            />
          </Match>
          <Match when={!terms.value()}>
            <LoadingState />
          </Match>
          <Match when={tab() === 'discounts' && terms.value()}>
            {(tm) => (
              <DiscountsTab
                projectId={props.projectId}
                timeZone={tm().timezone}
                discounts={tm().discounts}
                onSaved={() => void terms.refetch()}
              />
            )}
          </Match>
          <Match when={tab() === 'plans' && terms.value()}>
            {(tm) => (
              <PlansTab
                projectId={props.projectId}
                timeZone={tm().timezone}
                plans={tm().plans}
                onSaved={() => void terms.refetch()}
              />
            )}
          </Match>
          <Match when={tab() === 'policy' && terms.value()}>
            {(tm) => <PolicyTab projectId={props.projectId} terms={tm()} onSaved={() => void terms.refetch()} />}
          </Match>
        </Switch>
      </main>
    </div>
  );
}
