/**
 * /p/:projectId — the consultant's live unit grid (phone first). Building tabs, a legend with
 * counts, my locks with countdowns, and the lock sheet.
 */
import { For, Match, Show, Switch, createEffect, createMemo, createSignal, on, onCleanup, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import { STATUS_ORDER, type CatalogUnit, type UnitStatus, type UserInfo } from '@kaipan/shared';
import { api } from '../lib/api';
import { buildingName, type BuildingLayout } from '../lib/display';
import { describeError, locale, t } from '../lib/i18n';
import { createCatalog } from '../stores/catalog';
import { createMyLocks } from '../stores/my-locks';
import { createBuyerPicker } from '../stores/buyer';
import { createApprovals, createPricingTerms } from '../stores/deals';
import { createWithheld } from '../stores/withheld';
import { BuyerBar } from '../components/buyer-bar';
import { CancelledDealNotices, createCancelledDeals } from '../components/deal-cancelled-notices';
import { isManager, refreshProjectRoles } from '../stores/project-roles';
import { showToast } from '../stores/toasts';
import { createUnitsStore } from '../stores/units';
import { AppHeader } from '../components/app-header';
import { ConnectionIndicator } from '../components/connection';
import { Countdown } from '../components/countdown';
import { Legend } from '../components/legend';
import { LockSheet } from '../components/lock-sheet';
import { StatusBanners } from '../components/status-banners';
import { UnitGrid } from '../components/unit-grid';
import { EmptyState, ErrorState } from '../components/ui';
import { GridSkeleton } from '../components/grid-skeleton';
import './consultant.css';

export default function ConsultantPage(props: { projectId: string; user: UserInfo; token: string }): JSX.Element {
  const catalog = createCatalog(props.projectId, api);
  const units = createUnitsStore({ projectId: props.projectId, auth: { token: props.token } });
  const codeOf = (unitId: string): string => catalog.byId().get(unitId)?.code ?? units.state.units[unitId]?.code ?? '';
  const myLocks = createMyLocks({
    projectId: props.projectId,
    user: props.user,
    units,
    lockTtlSeconds: () => catalog.ready()?.project.lockTtlSeconds ?? 120,
    onLockEnded: (unitId, reason) =>
      showToast('error', t(reason === 'expired' ? 'toast.lockExpired' : 'toast.lockLost', { code: codeOf(unitId) })),
  });

  const buyers = createBuyerPicker(props.projectId, props.user);
  const withheld = createWithheld(props.projectId, units, api);
  // A resync also follows a change of my role here (the server re-joins me): read my roles again.
  onCleanup(
    units.onResync(() => {
      void catalog.refetch();
      void refreshProjectRoles();
    }),
  );
  // Pricing terms for the deal sheet; a new active price list also refreshes the catalog's list prices.
  const pricing = createPricingTerms(props.projectId, units, (version) => {
    void catalog.refetch();
    showToast('info', t('deal.pricesChanged', { version }));
  });
  // Answers to my below-floor requests arrive live.
  const approvals = createApprovals(props.projectId, units, (a) => {
    if (a.consultantId !== props.user.id) return;
    if (a.status === 'APPROVED') showToast('success', t('deal.toastApproved', { code: a.unitCode }));
    if (a.status === 'REJECTED') showToast('error', t('deal.toastRejected', { code: a.unitCode }));
  });
  const registrationById = (id: string) => buyers.overview.value()?.registrations.find((r) => r.id === id);
  // The deposit rule cancelled one of my deals: a notice at the top of the page that stays until
  // dismissed (no toast: it would cover the notice with the same words). A manager on this page
  // also hears the others' deals, as a toast.
  const cancelledDeals = createCancelledDeals(props.projectId, units, {
    keep: (e) => e.consultantId === props.user.id,
    onEvent: (e) => {
      if (e.consultantId === props.user.id) void buyers.refetch();
      else
        showToast(
          'info',
          t('dealCancelled.managerToast', { code: e.unitCode, buyer: e.buyerName, minutes: e.windowMinutes }),
        );
    },
  });

  // The server's outage ended: say so once (the banner simply disappearing is easy to miss).
  createEffect(
    on(
      () => units.blockedBy(),
      (now, before) => {
        if (before && !now) showToast('success', t('banner.systemBack'));
      },
    ),
  );

  const [chosenBuilding, setChosenBuilding] = createSignal<string | null>(null);
  const [selectedId, setSelectedId] = createSignal<string | null>(null);

  const project = () => catalog.ready()?.project;
  const layout = createMemo<BuildingLayout | undefined>(() => {
    const all = catalog.layouts();
    return all.find((l) => l.building.id === chosenBuilding()) ?? all[0];
  });
  const countsOf = (l: BuildingLayout): Record<UnitStatus, number> => {
    const counts = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<UnitStatus, number>;
    for (const u of l.units) counts[units.unit(u.id)?.status ?? 'NOT_RELEASED'] += 1;
    return counts;
  };
  const activeCounts = createMemo(() => {
    const l = layout();
    return l ? countsOf(l) : undefined;
  });
  const selectedUnit = (): CatalogUnit | undefined => {
    const id = selectedId();
    return id ? catalog.byId().get(id) : undefined;
  };
  const buildingLabelOf = (u: CatalogUnit | undefined): string => {
    const b = catalog.ready()?.buildings.find((x) => x.id === u?.buildingId);
    return b ? buildingName(b, locale()) : '';
  };
  const maxLocks = (): number => project()?.maxLocksPerConsultant ?? 2;
  const projectName = (): string => {
    const p = project();
    if (!p) return t('common.loading');
    return locale() === 'en' ? p.nameEn || p.name : p.name;
  };

  const openUnit = (unitId: string): void => {
    const u = catalog.byId().get(unitId);
    if (u) {
      setChosenBuilding(u.buildingId);
      setSelectedId(unitId);
    }
  };

  const retryAll = (): void => {
    if (catalog.catalog.error()) void catalog.refetch();
    units.retry();
  };

  return (
    <div class="page page--consultant">
      <AppHeader
        backHref="/?pick"
        title={projectName()}
        subtitle={props.user.displayName}
        status={
          <ConnectionIndicator
            state={units.state.connection}
            lastUpdate={units.state.lastUpdate}
            timeZone={catalog.timeZone()}
            compact
          />
        }
        actions={
          <>
            <A href={`/p/${props.projectId}/customers`} class="btn btn--ghost btn--sm">
              {t('customers.link')}
            </A>
            <A
              href={`/p/${props.projectId}/deals`}
              class="btn btn--ghost btn--sm deals-nav-link"
              aria-label={t('deals.link')}
              title={t('deals.link')}
            >
              <svg class="deals-nav-link__icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                <path
                  d="M7 3h7l4 4v14H7z M14 3v4h4 M10 12h5 M10 16h5"
                  fill="none"
                  stroke="currentColor"
                  stroke-width="1.8"
                  stroke-linejoin="round"
                />
              </svg>
              <span class="deals-nav-link__text">{t('deals.linkShort')}</span>
            </A>
            <Show when={isManager(props.user, props.projectId)}>
              <A href={`/manager/${props.projectId}`} class="btn btn--ghost btn--sm hide-phone">
                {t('projects.manage')}
              </A>
            </Show>
          </>
        }
      />
      <StatusBanners
        paused={units.state.paused}
        connection={units.state.connection}
        loaded={units.state.loaded}
        blockedBy={units.blockedBy()}
      />

      <main class="page__main consultant" classList={{ 'consultant--stale': units.state.connection === 'offline' }}>
        <CancelledDealNotices store={cancelledDeals} timeZone={catalog.timeZone()} onOpenUnit={openUnit} />
        <Show when={buyers.choices().length > 0 || project()?.requireRegistration || buyers.overview.error()}>
          <BuyerBar
            picker={buyers}
            required={project()?.requireRegistration ?? false}
            unit={units.unit}
            meId={props.user.id}
            onOpenUnit={openUnit}
          />
        </Show>
        <Show when={myLocks.list().length > 0}>
          <section class="my-locks" aria-label={t('myLocks.title')}>
            <div class="my-locks__head">
              <span class="my-locks__title">{t('myLocks.title')}</span>
              <span class="my-locks__count">{t('myLocks.count', { n: myLocks.list().length, max: maxLocks() })}</span>
            </div>
            <div class="my-locks__list">
              <For each={myLocks.list()}>
                {(lock) => (
                  <button type="button" class="my-lock" onClick={() => openUnit(lock.unitId)}>
                    <span class="my-lock__code">{lock.code}</span>
                    <Countdown deadline={lock.deadline} class="my-lock__time" />
                    <Show when={!lock.hasToken}>
                      <span class="my-lock__note">{t('myLocks.elsewhere')}</span>
                    </Show>
                  </button>
                )}
              </For>
            </div>
          </section>
        </Show>

        <Switch>
          <Match when={catalog.catalog.error()}>
            <ErrorState
              title={t('grid.errorTitle')}
              message={describeError(catalog.catalog.error())}
              onRetry={retryAll}
            />
          </Match>
          <Match when={units.state.fatal}>
            {(err) => <ErrorState title={t('grid.errorTitle')} message={describeError(err())} onRetry={retryAll} />}
          </Match>
          <Match when={!catalog.ready() || !units.state.loaded}>
            <GridSkeleton />
          </Match>
          <Match when={catalog.layouts().length === 0}>
            <EmptyState title={t('grid.empty')} hint={t('grid.emptyHint')} />
          </Match>
          <Match when={layout()}>
            {(l) => (
              <>
                <Show when={catalog.layouts().length > 1}>
                  <nav class="tabs" role="tablist" aria-label={t('grid.buildings')}>
                    <For each={catalog.layouts()}>
                      {(b) => (
                        <button
                          type="button"
                          role="tab"
                          class="tab"
                          aria-selected={b.building.id === l().building.id}
                          onClick={() => setChosenBuilding(b.building.id)}
                        >
                          <span class="tab__name">{buildingName(b.building, locale())}</span>
                          <span class="tab__meta">{countsOf(b).AVAILABLE}</span>
                        </button>
                      )}
                    </For>
                  </nav>
                </Show>
                <div class="grid-head">
                  <Legend counts={activeCounts()} mineLabel={t('grid.mine')} />
                </div>
                <div class="grid-scroll">
                  <UnitGrid
                    layout={l()}
                    unit={units.unit}
                    tagOf={withheld.tag}
                    meId={props.user.id}
                    variant="phone"
                    activeId={selectedId()}
                    onUnitClick={(u) => setSelectedId(u.id)}
                  />
                </div>
                <p class="grid-foot">
                  <ConnectionIndicator
                    state={units.state.connection}
                    lastUpdate={units.state.lastUpdate}
                    timeZone={catalog.timeZone()}
                  />
                </p>
              </>
            )}
          </Match>
        </Switch>
      </main>

      <LockSheet
        projectId={props.projectId}
        unit={selectedUnit()}
        live={selectedId() ? units.unit(selectedId() ?? '') : undefined}
        buildingLabel={buildingLabelOf(selectedUnit())}
        user={props.user}
        myLocks={myLocks}
        paused={units.state.paused}
        connection={units.state.connection}
        blockedBy={units.blockedBy()}
        maxLocks={maxLocks()}
        timeZone={catalog.timeZone()}
        buyer={buyers.selected()}
        buyerRequired={project()?.requireRegistration ?? false}
        registration={registrationById}
        terms={pricing.ready()}
        termsError={pricing.terms.error()}
        onRetryTerms={pricing.refetch}
        approvals={approvals}
        onClose={() => setSelectedId(null)}
        onReleased={(u) => {
          showToast('info', t('toast.released', { code: u.code }));
          setSelectedId(null);
        }}
        onConfirmed={(u, result) => {
          showToast('success', t('toast.confirmed', { code: u.code }));
          void buyers.refetch();
          // Under a deposit rule the sheet stays open: it shows the deadline to walk the buyer to the cashier.
          if (!result.depositDueAt) setSelectedId(null);
        }}
      />
    </div>
  );
}
