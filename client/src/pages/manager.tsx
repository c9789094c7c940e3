/**
 * /manager/:projectId — sales control for ADMIN/MANAGER on a laptop: pause/resume, stats,
 * the dense grid of every building (inspect → the unit's panel in a side drawer: withhold/unwithhold;
 * or select → batch, bulk withhold), find a unit by code, keyboard shortcuts ("?" lists them),
 * release batches (推盘) and the recent audit log.
 */
import { For, Match, Show, Switch, createMemo, createSignal, onCleanup, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import {
  STATUS_COLORS,
  computeStats,
  formatArea,
  formatBigMoney,
  formatClock,
  formatPercent,
  type AuditLogEntry,
  type BatchInfo,
  type WithholdChannel,
  type CatalogUnit,
  type UnitStatus,
  type UserInfo,
  type WithheldUnitInfo,
  WITHHOLD_CHANNEL_LABELS,
} from '@kaipan/shared';
import { api, toApiError } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { formatMmSs, secondsLeft } from '../lib/clock';
import { fromZonedInput, toZonedInput } from '../lib/zoned-time';
import { buildingName, type BuildingLayout } from '../lib/display';
import { describeError, locale, statusLabel, t, label } from '../lib/i18n';
import { createCatalog } from '../stores/catalog';
import { isManager, refreshProjectRoles } from '../stores/project-roles';
import { showToast } from '../stores/toasts';
import { createUnitsStore, type UnitsStore } from '../stores/units';
import { AppHeader } from '../components/app-header';
import { ConnectionIndicator } from '../components/connection';
import { GridSkeleton } from '../components/grid-skeleton';
import { Legend } from '../components/legend';
import { StatusBanners } from '../components/status-banners';
import { UnitFacts } from '../components/unit-facts';
import { AuditEvent } from '../components/audit-event';
import { UnitTimelineDrawer } from '../components/unit-timeline';
import { UnitGrid } from '../components/unit-grid';
import { LotteryPanel } from '../components/lottery-panel';
import { QueuePanel } from '../components/queue-panel';
import { RegistrationsPanel } from '../components/registrations-panel';
import { SettingsPanel } from '../components/settings-panel';
import { ApprovalsPanel } from '../components/approvals-panel';
import { createApprovals } from '../stores/deals';
import { createWithheld } from '../stores/withheld';
import { ConfirmDialog, EmptyState, ErrorAlert, ErrorState, Spinner } from '../components/ui';
import './manager.css';
import { createBusy } from '../lib/busy';
import { useShortcuts } from '@kaipan/web/components/shortcuts';
import { SideDrawer } from '../components/side-drawer';
import { ShortcutHelp, type ShortcutLine } from '../components/shortcut-help';
import { BulkWithhold } from '../components/bulk-withhold';
import { WithholdFields } from '../components/withhold-fields';

type Mode = 'inspect' | 'select';

export default function ManagerPage(props: { projectId: string; user: UserInfo; token: string }): JSX.Element {
  return (
    <Show when={isManager(props.user, props.projectId)} fallback={<Forbidden projectId={props.projectId} />}>
      <ManagerConsole projectId={props.projectId} user={props.user} token={props.token} />
    </Show>
  );
}

function Forbidden(props: { projectId: string }): JSX.Element {
  return (
    <div class="page">
      <AppHeader title={t('manager.forbiddenTitle')} backHref="/?pick" />
      <main class="page__main page__main--narrow">
        <ErrorState title={t('manager.forbiddenTitle')} message={t('manager.forbiddenBody')} />
        <p class="center">
          <A href={`/p/${props.projectId}`} class="btn btn--primary">
            {t('manager.toGrid')}
          </A>
        </p>
      </main>
    </div>
  );
}

function ManagerConsole(props: { projectId: string; user: UserInfo; token: string }): JSX.Element {
  const catalog = createCatalog(props.projectId, api);
  const units = createUnitsStore({ projectId: props.projectId, auth: { token: props.token } });
  const batches = createLoad(
    () => props.projectId,
    (id) => api.batches(id),
  );
  const withheld = createWithheld(props.projectId, units, api);
  // A resync also follows a change of my role here (the server re-joins me): read my roles again.
  onCleanup(
    units.onResync(() => {
      void catalog.refetch();
      void refreshProjectRoles();
    }),
  );
  // Below-floor requests arrive live; a new one is announced wherever the manager is looking.
  const approvals = createApprovals(props.projectId, units, (a, isNew) => {
    if (isNew && a.status === 'PENDING' && a.consultantId !== props.user.id) {
      showToast('info', t('approvals.newToast', { code: a.unitCode, name: a.consultant }));
    }
  });
  // A new active price list changes the catalog's list prices.
  const offPrices = units.listen('prices:changed', () => void catalog.refetch());
  onCleanup(offPrices);
  // The deposit rule cancelled a deal: managers are told (the unit's return shows on the grid anyway).
  const offCancelled = units.listen('subscription:cancelled', (e) => {
    if (e.projectId !== props.projectId) return;
    showToast(
      'error',
      t('dealCancelled.managerToast', { code: e.unitCode, buyer: e.buyerName, minutes: e.windowMinutes }),
    );
  });
  onCleanup(offCancelled);
  const audit = createLoad(
    () => props.projectId,
    (id) => api.audit(id, { limit: 8 }),
  );
  const [timelineUnit, setTimelineUnit] = createSignal<string | null>(null);

  // Refresh the audit log shortly after live changes (debounced: a storm costs one request).
  let auditTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshAuditSoon = (): void => {
    clearTimeout(auditTimer);
    auditTimer = setTimeout(() => void audit.refetch(), 1_500);
  };
  const offApplied = units.onApplied(refreshAuditSoon);
  onCleanup(() => {
    offApplied();
    clearTimeout(auditTimer);
  });

  const [mode, setMode] = createSignal<Mode>('inspect');
  const [activeId, setActiveId] = createSignal<string | null>(null);
  const [selection, setSelection] = createSignal<ReadonlySet<string>>(new Set());
  const [pauseDialog, setPauseDialog] = createSignal(false);
  const [pauseBusy, setPauseBusy] = createSignal(false);

  const project = () => catalog.ready()?.project;
  const stats = createMemo(() => computeStats(catalog.byId(), units.all()));
  const projectName = (): string => {
    const p = project();
    if (!p) return t('common.loading');
    return locale() === 'en' ? p.nameEn || p.name : p.name;
  };

  const toggle = (ids: string[]): void => {
    setSelection((prev) => {
      const next = new Set(prev);
      const allIn = ids.every((id) => next.has(id));
      for (const id of ids) {
        if (allIn) next.delete(id);
        else next.add(id);
      }
      return next;
    });
  };
  const statusOf = (unitId: string): UnitStatus => units.unit(unitId)?.status ?? 'NOT_RELEASED';
  // Selected for a batch (not released yet) or for a bulk withhold (on sale or withheld).
  const selectable = (u: CatalogUnit): boolean => SELECTABLE.has(statusOf(u.id));
  const pendingSelection = createMemo(
    () => new Set([...selection()].filter((id) => statusOf(id) === 'NOT_RELEASED')) as ReadonlySet<string>,
  );
  const onUnitClick = (u: CatalogUnit): void => {
    if (mode() === 'select') {
      if (selectable(u)) toggle([u.id]);
    } else setActiveId(u.id);
  };
  const onFloorClick = (l: BuildingLayout, floor: number): void => {
    if (mode() !== 'select') return;
    const ids = [...(l.cells.get(floor)?.values() ?? [])].filter(selectable).map((u) => u.id);
    if (ids.length > 0) toggle(ids);
  };

  const setPaused = async (): Promise<void> => {
    const pausing = !units.state.paused;
    setPauseBusy(true);
    try {
      const res = pausing ? await api.pause(props.projectId) : await api.resume(props.projectId);
      units.setPaused(res.salesPaused);
      setPauseDialog(false);
      refreshAuditSoon();
    } catch (err) {
      showToast('error', describeError(err));
    } finally {
      setPauseBusy(false);
    }
  };

  // Find a unit by code: inspect it (the drawer opens) and bring its cell into view.
  let findInput: HTMLInputElement | undefined;
  const [findMissing, setFindMissing] = createSignal<string | null>(null);
  const findUnit = (text: string): void => {
    const code = text.trim().toUpperCase();
    if (!code) return;
    const unit = catalog.ready()?.units.find((u) => u.code.toUpperCase() === code);
    if (!unit) {
      setFindMissing(text.trim());
      return;
    }
    setFindMissing(null);
    setMode('inspect');
    setActiveId(unit.id);
    queueMicrotask(() =>
      document
        .querySelector(`.manager__grids button[aria-label^="${CSS.escape(unit.code)} "]`)
        ?.scrollIntoView({ block: 'center', inline: 'center', behavior: 'smooth' }),
    );
  };

  // Keys as the cashier desk has them (@kaipan/web shortcuts: never while typing, never under a dialog).
  const [helpOpen, setHelpOpen] = createSignal(false);
  const focusFind = (): void => {
    findInput?.focus();
    findInput?.select();
  };
  const keyLines = (): ShortcutLine[] => [
    { keys: ['/', 'F2'], label: t('manager.keyFind') },
    { keys: ['I'], label: t('manager.keyInspect') },
    { keys: ['S'], label: t('manager.keySelect') },
    { keys: ['T'], label: t('manager.keyTimeline') },
    { keys: ['P'], label: t('manager.keyPause') },
    { keys: ['R'], label: t('manager.keyRefresh') },
    { keys: ['Esc'], label: t('manager.keyClose') },
    { keys: ['?'], label: t('manager.keyHelp') },
  ];
  useShortcuts(() => [
    { keys: ['F2'], inFields: true, run: focusFind },
    { keys: ['/'], run: focusFind },
    { keys: ['?'], run: () => setHelpOpen(true) },
    { keys: ['i'], run: () => setMode('inspect') },
    {
      keys: ['s'],
      run: () => {
        setMode('select');
        setActiveId(null);
      },
    },
    {
      keys: ['t'],
      run: () => {
        const id = activeId();
        if (id) setTimelineUnit(id);
      },
    },
    { keys: ['p'], run: () => units.state.loaded && setPauseDialog(true) },
    { keys: ['r'], run: () => void audit.refetch() },
    {
      keys: ['Escape'],
      run: () => {
        if (activeId()) setActiveId(null);
        else setSelection(new Set<string>());
      },
    },
  ]);

  const activeUnit = (): CatalogUnit | undefined => {
    const id = activeId();
    return id ? catalog.byId().get(id) : undefined;
  };

  return (
    <div class="page page--manager">
      <AppHeader
        backHref="/?pick"
        title={
          <>
            {projectName()} <span class="app-header__tag">{t('manager.title')}</span>
          </>
        }
        subtitle={props.user.displayName}
        status={
          <ConnectionIndicator
            state={units.state.connection}
            lastUpdate={units.state.lastUpdate}
            timeZone={catalog.timeZone()}
          />
        }
        links={[
          { href: `/p/${props.projectId}`, label: t('manager.toGrid') },
          { href: `/manager/${props.projectId}/dashboard`, label: t('dash.link') },
          { href: `/manager/${props.projectId}/customers`, label: t('customers.link') },
          { href: `/manager/${props.projectId}/deals`, label: t('deals.link') },
          { href: `/manager/${props.projectId}/prices`, label: t('prices.link') },
          { href: `/manager/${props.projectId}/import`, label: t('import.link') },
          { href: `/manager/${props.projectId}/agreement`, label: t('agreement.link') },
          { href: `/manager/${props.projectId}/audit`, label: t('audit.title') },
          { href: `/manager/${props.projectId}/reports`, label: t('reports.link') },
          { href: `/manager/${props.projectId}/board`, label: t('board.managerLink') },
          { href: `/setup/${props.projectId}`, label: t('setup.title') },
        ]}
        actions={
          <>
            <button
              type="button"
              class="btn btn--ghost btn--sm manager__keys"
              aria-keyshortcuts="Shift+/"
              onClick={() => setHelpOpen(true)}
            >
              {t('manager.keysButton')}
            </button>
            <button
              type="button"
              class="btn btn--sm"
              classList={{ 'btn--danger': !units.state.paused, 'btn--go': units.state.paused }}
              disabled={!units.state.loaded || pauseBusy()}
              onClick={() => setPauseDialog(true)}
            >
              {units.state.paused ? t('manager.resume') : t('manager.pause')}
            </button>
          </>
        }
      />
      <StatusBanners
        paused={units.state.paused}
        connection={units.state.connection}
        loaded={units.state.loaded}
        blockedBy={units.blockedBy()}
      />

      <main class="page__main manager">
        <Switch>
          <Match when={catalog.catalog.error()}>
            <ErrorState
              title={t('grid.errorTitle')}
              message={describeError(catalog.catalog.error())}
              onRetry={() => void catalog.refetch()}
            />
          </Match>
          <Match when={units.state.fatal}>
            {(err) => (
              <ErrorState title={t('grid.errorTitle')} message={describeError(err())} onRetry={() => units.retry()} />
            )}
          </Match>
          <Match when={!catalog.ready() || !units.state.loaded}>
            <GridSkeleton cols={8} />
          </Match>
          <Match when={catalog.layouts().length === 0}>
            <EmptyState title={t('grid.empty')} hint={t('grid.emptyHint')} />
          </Match>
          <Match when={true}>
            <section class="stats" aria-label={t('manager.statSold')}>
              <div class="stat">
                <span class="stat__label">{t('manager.statSoldAmount')}</span>
                <span class="stat__value">{formatBigMoney(stats().soldAmount, locale())}</span>
              </div>
              <div class="stat">
                <span class="stat__label">{t('manager.statSoldArea')}</span>
                <span class="stat__value">{formatArea(stats().soldArea, locale())}</span>
              </div>
              <div class="stat">
                <span class="stat__label">{t('manager.statSellThrough')}</span>
                <span class="stat__value">{formatPercent(stats().sellThrough, locale())}</span>
                <span class="stat__bar" aria-hidden="true">
                  <span style={{ width: `${Math.min(100, stats().sellThrough * 100)}%` }} />
                </span>
              </div>
              <div class="stat">
                <span class="stat__label">
                  {t('manager.statSold')} / {t('manager.statReleased')} / {t('manager.statTotal')}
                </span>
                <span class="stat__value">
                  {stats().sold}{' '}
                  <span class="stat__muted">
                    / {stats().released} / {stats().total}
                  </span>
                </span>
              </div>
              <div class="stat stat--legend">
                <Legend counts={stats().counts} />
              </div>
            </section>

            <div class="manager__body">
              <section class="manager__grids">
                <div class="toolbar">
                  <div class="segmented" role="radiogroup">
                    <button
                      type="button"
                      role="radio"
                      aria-checked={mode() === 'inspect'}
                      onClick={() => setMode('inspect')}
                    >
                      {t('manager.modeInspect')}
                    </button>
                    <button
                      type="button"
                      role="radio"
                      aria-checked={mode() === 'select'}
                      onClick={() => {
                        setMode('select');
                        setActiveId(null);
                      }}
                    >
                      {t('manager.modeSelect')}
                    </button>
                  </div>
                  <form
                    class="finder"
                    role="search"
                    onSubmit={(e) => {
                      e.preventDefault();
                      findUnit(findInput?.value ?? '');
                    }}
                  >
                    <label class="sr-only" for="manager-find">
                      {t('manager.find')}
                    </label>
                    <input
                      id="manager-find"
                      ref={findInput}
                      class="input input--sm finder__input"
                      name="unit-code"
                      type="search"
                      list="manager-unit-codes"
                      autocomplete="off"
                      spellcheck={false}
                      placeholder={t('manager.findPlaceholder')}
                      aria-keyshortcuts="/ F2"
                      aria-invalid={findMissing() !== null}
                      onInput={() => setFindMissing(null)}
                    />
                    <datalist id="manager-unit-codes">
                      <For each={catalog.ready()?.units ?? []}>{(u) => <option value={u.code} />}</For>
                    </datalist>
                    <button type="submit" class="btn btn--secondary btn--sm">
                      {t('manager.findGo')}
                    </button>
                    <Show when={findMissing()}>
                      {(code) => (
                        <span class="field__error" role="status">
                          {t('manager.findMissing', { code: code() })}
                        </span>
                      )}
                    </Show>
                  </form>
                  <span class="toolbar__hint">
                    {mode() === 'select' ? t('manager.selectHint') : t('manager.inspectHint')}
                  </span>
                </div>
                <div class="buildings">
                  <For each={catalog.layouts()}>
                    {(l) => (
                      <div class="building" style={{ '--cols': String(l.columns) }}>
                        <div class="building__head">
                          <span class="building__name">{buildingName(l.building, locale())}</span>
                          <span class="building__meta">{t('grid.unitCount', { n: l.units.length })}</span>
                        </div>
                        <UnitGrid
                          layout={l}
                          unit={units.unit}
                          tagOf={withheld.tag}
                          variant="dense"
                          activeId={mode() === 'inspect' ? activeId() : null}
                          isSelected={mode() === 'select' ? (id) => selection().has(id) : undefined}
                          onUnitClick={onUnitClick}
                          onFloorClick={mode() === 'select' ? (f) => onFloorClick(l, f) : undefined}
                        />
                      </div>
                    )}
                  </For>
                </div>
              </section>

              <aside class="manager__side">
                <ApprovalsPanel
                  approvals={approvals}
                  meId={props.user.id}
                  timeZone={catalog.timeZone()}
                  onChanged={refreshAuditSoon}
                />
                <Show when={mode() === 'select'}>
                  <BatchForm
                    projectId={props.projectId}
                    selection={selection()}
                    pending={pendingSelection()}
                    onClear={() => setSelection(new Set<string>())}
                    onCreated={() => {
                      setSelection(new Set<string>());
                      void batches.refetch();
                      refreshAuditSoon();
                    }}
                  />
                  <BulkWithhold
                    projectId={props.projectId}
                    selection={selection()}
                    statusOf={statusOf}
                    onDone={(changed) => {
                      setSelection((prev) => new Set([...prev].filter((id) => !changed.includes(id))));
                      refreshAuditSoon();
                    }}
                  />
                </Show>
                <BatchList
                  batches={batches.value()}
                  loading={batches.loading()}
                  error={batches.error()}
                  timeZone={catalog.timeZone()}
                  onRetry={() => void batches.refetch()}
                  onReleased={() => {
                    void batches.refetch();
                    refreshAuditSoon();
                  }}
                />
                <LotteryPanel projectId={props.projectId} timeZone={catalog.timeZone()} onChanged={refreshAuditSoon} />
                <SettingsPanel
                  project={project()}
                  onSaved={() => {
                    void catalog.refetch();
                    refreshAuditSoon();
                  }}
                />
              </aside>
            </div>

            <QueuePanel
              projectId={props.projectId}
              token={props.token}
              project={project()}
              timeZone={catalog.timeZone()}
              onChanged={refreshAuditSoon}
            />
            <RegistrationsPanel
              projectId={props.projectId}
              project={project()}
              units={units}
              onChanged={refreshAuditSoon}
            />

            <RecentActivity
              projectId={props.projectId}
              entries={audit.value()?.entries}
              loading={audit.loading()}
              error={audit.error()}
              timeZone={catalog.timeZone()}
              onOpenUnit={setTimelineUnit}
              onRefresh={() => void audit.refetch()}
            />
          </Match>
        </Switch>
      </main>
      <SideDrawer
        open={mode() === 'inspect' && activeUnit() !== undefined}
        title={t('manager.unitPanel')}
        subject={activeId()}
        testId="unit-drawer"
        onClose={() => setActiveId(null)}
      >
        <UnitPanel
          unit={activeUnit()}
          units={units}
          timeZone={catalog.timeZone()}
          withheld={activeId() ? withheld.info(activeId() ?? '') : undefined}
          buildingLabel={(() => {
            const b = catalog.ready()?.buildings.find((x) => x.id === activeUnit()?.buildingId);
            return b ? buildingName(b, locale()) : '';
          })()}
          onChanged={refreshAuditSoon}
          onTimeline={setTimelineUnit}
        />
      </SideDrawer>
      <ShortcutHelp
        open={helpOpen()}
        title={t('manager.keysTitle')}
        note={t('manager.keysNote')}
        lines={keyLines()}
        onClose={() => setHelpOpen(false)}
      />
      <UnitTimelineDrawer
        projectId={props.projectId}
        unitId={timelineUnit()}
        onClose={() => setTimelineUnit(null)}
        canPrint
      />

      <ConfirmDialog
        open={pauseDialog()}
        title={units.state.paused ? t('manager.resumeConfirmTitle') : t('manager.pauseConfirmTitle')}
        body={units.state.paused ? t('manager.resumeConfirmBody') : t('manager.pauseConfirmBody')}
        confirmLabel={
          pauseBusy()
            ? units.state.paused
              ? t('manager.resuming')
              : t('manager.pausing')
            : units.state.paused
              ? t('manager.resume')
              : t('manager.pause')
        }
        danger={!units.state.paused}
        busy={pauseBusy()}
        onConfirm={() => void setPaused()}
        onCancel={() => setPauseDialog(false)}
      />
    </div>
  );
}

function UnitPanel(props: {
  unit: CatalogUnit | undefined;
  units: UnitsStore;
  timeZone: string;
  buildingLabel: string;
  /** Why and for whom the unit is withheld (when it is). */
  withheld?: WithheldUnitInfo | undefined;
  onChanged: () => void;
  /** Open the unit's timeline 房源履历. */
  onTimeline: (unitId: string) => void;
}): JSX.Element {
  const [reason, setReason] = createSignal('');
  const [channel, setChannel] = createSignal<WithholdChannel | ''>('');
  const [reasonMissing, setReasonMissing] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const live = () => (props.unit ? props.units.unit(props.unit.id) : undefined);
  const status = (): UnitStatus => live()?.status ?? 'NOT_RELEASED';

  const run = async (action: 'withhold' | 'unwithhold'): Promise<void> => {
    const unit = props.unit;
    if (!unit || busy()) return;
    setError(null);
    const why = reason().trim();
    if (action === 'withhold' && !why) {
      setReasonMissing(true);
      return;
    }
    setReasonMissing(false);
    setBusy(true);
    props.units.setOverlay(unit.id, { status: action === 'withhold' ? 'WITHHELD' : 'AVAILABLE', lock: undefined });
    try {
      if (action === 'withhold') await api.withhold(unit.id, why, channel() || undefined);
      else await api.unwithhold(unit.id);
      showToast('success', t(action === 'withhold' ? 'manager.withheld' : 'manager.unwithheld', { code: unit.code }));
      setReason('');
      props.onChanged();
    } catch (err) {
      props.units.clearOverlay(unit.id); // roll back the optimistic status
      setError(describeError(toApiError(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" data-testid="unit-panel">
      <Show when={props.unit} fallback={<p class="panel__empty">{t('manager.pickUnit')}</p>}>
        {(unit) => (
          <>
            <div class="panel__unit">
              <span class="panel__code">{unit().code}</span>
              <span
                class="status-pill"
                style={{ background: STATUS_COLORS[status()].bg, color: STATUS_COLORS[status()].fg }}
              >
                {statusLabel(status())}
              </span>
              <span class="panel__where">
                {props.buildingLabel} · {t('grid.floor', { n: unit().floor })}
              </span>
              <button type="button" class="btn btn--ghost btn--sm" onClick={() => props.onTimeline(unit().id)}>
                {t('audit.timeline')}
              </button>
            </div>
            <UnitFacts unit={unit()} dealPrice={live()?.price} compact />
            <ErrorAlert message={error()} />
            <Switch fallback={<p class="panel__empty">{t('manager.noActions')}</p>}>
              <Match when={status() === 'AVAILABLE'}>
                <form
                  class="form"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void run('withhold');
                  }}
                >
                  <WithholdFields
                    reason={reason()}
                    onReason={setReason}
                    reasonMissing={reasonMissing()}
                    channel={channel()}
                    onChannel={setChannel}
                    disabled={busy()}
                  />
                  <button type="submit" class="btn btn--secondary btn--block" disabled={busy()}>
                    <Show when={busy()}>
                      <Spinner size="sm" />
                    </Show>
                    {busy() ? t('manager.withholding') : t('manager.withhold')}
                  </button>
                </form>
              </Match>
              <Match when={status() === 'WITHHELD'}>
                <Show when={props.withheld}>
                  {(w) => (
                    <dl class="withheld-info">
                      <dt>{t('manager.withholdReason')}</dt>
                      <dd>{w().reason}</dd>
                      <dt>{t('manager.withholdChannel')}</dt>
                      <dd>
                        {w().channel ? label(WITHHOLD_CHANNEL_LABELS, w().channel!) : t('manager.withholdChannelNone')}
                      </dd>
                    </dl>
                  )}
                </Show>
                <button
                  type="button"
                  class="btn btn--go btn--block"
                  disabled={busy()}
                  onClick={() => void run('unwithhold')}
                >
                  <Show when={busy()}>
                    <Spinner size="sm" />
                  </Show>
                  {busy() ? t('manager.unwithholding') : t('manager.unwithhold')}
                </button>
              </Match>
              <Match when={status() === 'LOCKED' && live()?.lock}>
                {(lock) => (
                  <p class="panel__note">
                    {t('manager.lockedBy', { name: lock().holderName, time: formatMmSs(secondsLeft(lock().deadline)) })}
                  </p>
                )}
              </Match>
            </Switch>
          </>
        )}
      </Show>
    </section>
  );
}

function BatchForm(props: {
  projectId: string;
  /** Everything selected (the count and Clear). */
  selection: ReadonlySet<string>;
  /** The selected units not released yet: what a batch takes. */
  pending: ReadonlySet<string>;
  onClear: () => void;
  onCreated: () => void;
}): JSX.Element {
  const [name, setName] = createSignal('');
  const [busy, setBusy] = createSignal<'create' | 'release' | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const create = async (release: boolean): Promise<void> => {
    const n = name().trim();
    if (!n || props.pending.size === 0 || busy()) return;
    setBusy(release ? 'release' : 'create');
    setError(null);
    try {
      const batch = await api.createBatch(props.projectId, n, [...props.pending], release);
      showToast(
        'success',
        release ? t('manager.released', { name: batch.name }) : t('manager.batchCreated', { name: batch.name }),
      );
      setName('');
      props.onCreated();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(null);
    }
  };
  return (
    <section class="panel">
      <h2 class="panel__title">{t('manager.batchFormTitle')}</h2>
      <div class="panel__selection">
        <span class="panel__count">{t('manager.selected', { n: props.selection.size })}</span>
        <button
          type="button"
          class="btn btn--ghost btn--sm"
          disabled={props.selection.size === 0}
          onClick={() => props.onClear()}
        >
          {t('manager.clearSelection')}
        </button>
      </div>
      <Show when={props.pending.size !== props.selection.size}>
        <p class="panel__note">{t('manager.batchOnlyPending', { n: props.pending.size })}</p>
      </Show>
      <ErrorAlert message={error()} />
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void create(false);
        }}
      >
        <label class="field">
          <span class="field__label">{t('manager.batchName')}</span>
          <input
            class="input input--sm"
            name="batch-name"
            value={name()}
            maxLength={60}
            placeholder={t('manager.batchNamePlaceholder')}
            onInput={(e) => setName(e.currentTarget.value)}
            disabled={busy() !== null}
          />
        </label>
        <div class="panel__actions">
          <button
            type="submit"
            class="btn btn--secondary"
            disabled={busy() !== null || !name().trim() || props.pending.size === 0}
          >
            <Show when={busy() === 'create'}>
              <Spinner size="sm" />
            </Show>
            {busy() === 'create' ? t('manager.creating') : t('manager.createBatch')}
          </button>
          <button
            type="button"
            class="btn btn--go"
            data-testid="batch-release"
            disabled={busy() !== null || !name().trim() || props.pending.size === 0}
            onClick={() => void create(true)}
          >
            <Show when={busy() === 'release'}>
              <Spinner size="sm" />
            </Show>
            {busy() === 'release' ? t('manager.releasing') : t('manager.createAndRelease')}
          </button>
        </div>
      </form>
    </section>
  );
}

function BatchList(props: {
  batches: BatchInfo[] | undefined;
  loading: boolean;
  error: unknown;
  timeZone: string;
  onRetry: () => void;
  onReleased: () => void;
}): JSX.Element {
  const [confirming, setConfirming] = createSignal<BatchInfo | null>(null);
  const [cancelling, setCancelling] = createSignal<BatchInfo | null>(null);
  /** Batch whose schedule editor is open, and the wall-clock value typed (project time zone). */
  const [editing, setEditing] = createSignal<string | null>(null);
  const [when, setWhen] = createSignal('');
  const action = createBusy();
  const busy = action.busy;
  const run = (work: () => Promise<void>): Promise<void> =>
    action.run(async () => {
      await work();
      props.onReleased();
    });
  const release = (): Promise<void> =>
    run(async () => {
      const b = confirming();
      if (!b) return;
      await api.releaseBatch(b.id);
      showToast('success', t('manager.released', { name: b.name }));
      setConfirming(null);
    });
  const cancel = (): Promise<void> =>
    run(async () => {
      const b = cancelling();
      if (!b) return;
      await api.cancelBatch(b.id);
      showToast('success', t('manager.batchCancelledToast', { name: b.name }));
      setCancelling(null);
    });
  const openEditor = (b: BatchInfo): void => {
    setEditing(b.id);
    setWhen(toZonedInput(b.releaseAt ?? Date.now() + 10 * 60_000, props.timeZone));
  };
  const saveSchedule = (b: BatchInfo, clear: boolean): Promise<void> =>
    run(async () => {
      const iso = clear ? null : fromZonedInput(when(), props.timeZone);
      if (!clear && !iso) return;
      const saved = await api.scheduleBatch(b.id, iso);
      showToast(
        'success',
        saved.releaseAt
          ? t('manager.scheduled', { name: saved.name, time: formatClock(saved.releaseAt, props.timeZone) })
          : t('manager.scheduleClear'),
      );
      setEditing(null);
    });
  const live = (b: BatchInfo): boolean => b.status === 'PENDING' && !b.cancelledAt;
  const rank = (b: BatchInfo): number => (live(b) ? 0 : b.status === 'RELEASED' ? 1 : 2);
  const sorted = (): BatchInfo[] =>
    [...(props.batches ?? [])].sort((a, b) => rank(a) - rank(b) || Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const meta = (b: BatchInfo): string => {
    if (b.status === 'RELEASED' && b.releasedAt)
      return t('manager.batchReleased', { time: formatClock(b.releasedAt, props.timeZone) });
    if (b.cancelledAt) return t('manager.batchCancelled');
    if (b.releaseAt)
      return t('manager.batchScheduled', { time: `${toZonedInput(b.releaseAt, props.timeZone).replace('T', ' ')}` });
    return t('manager.batchPending');
  };
  return (
    <section class="panel">
      <h2 class="panel__title">{t('manager.batches')}</h2>
      <Switch>
        <Match when={props.error && !props.batches}>
          <div class="alert alert--error">
            {describeError(props.error)}{' '}
            <button type="button" class="link-btn" onClick={() => props.onRetry()}>
              {t('common.retry')}
            </button>
          </div>
        </Match>
        <Match when={props.loading && !props.batches}>
          <Spinner />
        </Match>
        <Match when={(props.batches ?? []).length === 0}>
          <p class="panel__empty">{t('manager.noBatches')}</p>
        </Match>
        <Match when={true}>
          <ul class="batches">
            <For each={sorted()}>
              {(b) => (
                <li class="batch batch--wrap">
                  <div class="batch__main">
                    <span class="batch__name">{b.name}</span>
                    <span class="batch__meta">
                      {t('common.units', { n: b.unitCount })} · {meta(b)}
                    </span>
                  </div>
                  <Switch>
                    <Match when={b.status === 'RELEASED'}>
                      <span class="pill pill--ok">{t('manager.batchReleased', { time: '' }).trim()}</span>
                    </Match>
                    <Match when={b.cancelledAt}>
                      <span class="pill">{t('manager.batchCancelled')}</span>
                    </Match>
                    <Match when={true}>
                      <div class="batch__actions">
                        <button
                          type="button"
                          class="btn btn--secondary btn--sm"
                          disabled={busy()}
                          onClick={() => openEditor(b)}
                        >
                          {b.releaseAt ? t('manager.reschedule') : t('manager.schedule')}
                        </button>
                        <button
                          type="button"
                          class="btn btn--secondary btn--sm"
                          disabled={busy()}
                          onClick={() => setCancelling(b)}
                        >
                          {t('manager.cancelBatch')}
                        </button>
                        <button
                          type="button"
                          class="btn btn--go btn--sm"
                          disabled={busy()}
                          onClick={() => setConfirming(b)}
                        >
                          {t('manager.releaseNow')}
                        </button>
                      </div>
                    </Match>
                  </Switch>
                  <Show when={editing() === b.id && live(b)}>
                    <form
                      class="batch__schedule"
                      onSubmit={(e) => {
                        e.preventDefault();
                        void saveSchedule(b, false);
                      }}
                    >
                      <label class="field">
                        <span class="field__label">{t('manager.scheduleAt', { zone: props.timeZone })}</span>
                        <input
                          class="input input--sm"
                          type="datetime-local"
                          value={when()}
                          min={toZonedInput(Date.now(), props.timeZone)}
                          onInput={(e) => setWhen(e.currentTarget.value)}
                          disabled={busy()}
                          required
                        />
                      </label>
                      <div class="panel__actions">
                        <button
                          type="submit"
                          class="btn btn--go btn--sm"
                          disabled={busy() || !fromZonedInput(when(), props.timeZone)}
                        >
                          {t('manager.scheduleSave')}
                        </button>
                        <Show when={b.releaseAt}>
                          <button
                            type="button"
                            class="btn btn--secondary btn--sm"
                            disabled={busy()}
                            onClick={() => void saveSchedule(b, true)}
                          >
                            {t('manager.scheduleClear')}
                          </button>
                        </Show>
                        <button type="button" class="link-btn" disabled={busy()} onClick={() => setEditing(null)}>
                          {t('common.cancel')}
                        </button>
                      </div>
                    </form>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Match>
      </Switch>
      <ConfirmDialog
        open={confirming() !== null}
        title={t('manager.releaseConfirmTitle', { name: confirming()?.name ?? '' })}
        body={t('manager.releaseConfirmBody', { n: confirming()?.unitCount ?? 0 })}
        confirmLabel={busy() ? t('manager.releasing') : t('manager.releaseNow')}
        busy={busy()}
        onConfirm={() => void release()}
        onCancel={() => setConfirming(null)}
      />
      <ConfirmDialog
        open={cancelling() !== null}
        title={t('manager.cancelConfirmTitle', { name: cancelling()?.name ?? '' })}
        body={t('manager.cancelConfirmBody', { n: cancelling()?.unitCount ?? 0 })}
        confirmLabel={t('manager.cancelBatch')}
        danger
        busy={busy()}
        onConfirm={() => void cancel()}
        onCancel={() => setCancelling(null)}
      />
    </section>
  );
}

/** What select mode can pick: units for a batch (not released) or a bulk withhold (on sale, withheld). */
const SELECTABLE: ReadonlySet<UnitStatus> = new Set<UnitStatus>(['NOT_RELEASED', 'AVAILABLE', 'WITHHELD']);

/** The latest few events, as sentences; the full log (filters, paging, export) is one click away. */
function RecentActivity(props: {
  projectId: string;
  entries: AuditLogEntry[] | undefined;
  loading: boolean;
  error: unknown;
  timeZone: string;
  onOpenUnit: (unitId: string) => void;
  onRefresh: () => void;
}): JSX.Element {
  return (
    <section class="panel audit">
      <div class="panel__head">
        <h2 class="panel__title">{t('audit.recent')}</h2>
        <button type="button" class="btn btn--ghost btn--sm" onClick={() => props.onRefresh()} disabled={props.loading}>
          <Show when={props.loading}>
            <Spinner size="sm" />
          </Show>
          {t('manager.refresh')}
        </button>
        <A class="btn btn--sm" href={`/manager/${props.projectId}/audit`}>
          {t('audit.openLog')}
        </A>
      </div>
      <Switch>
        <Match when={props.error && !props.entries}>
          <div class="alert alert--error">{describeError(props.error)}</div>
        </Match>
        <Match when={(props.entries ?? []).length === 0 && !props.loading}>
          <p class="panel__empty">{t('manager.noAudit')}</p>
        </Match>
        <Match when={props.entries}>
          {(entries) => (
            <ol class="audit-events">
              <For each={entries()}>
                {(e) => <AuditEvent entry={e} timeZone={props.timeZone} onOpenUnit={props.onOpenUnit} />}
              </For>
            </ol>
          )}
        </Match>
      </Switch>
    </section>
  );
}
