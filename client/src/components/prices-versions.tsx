/**
 * Price-list versions 价目表版本: the active version, pending requests with their diff and the
 * four-eyes decision (approve = activate at once, or reject, with a note), the history of every
 * version, and one unit's price history.
 */
import { For, Match, Show, Switch, createMemo, createSignal, type JSX } from 'solid-js';
import { decisionRefusal, type CatalogUnit, type PriceListInfo, type RepriceBody, type UserInfo } from '@kaipan/shared';
import { api, toApiError } from '../lib/api';
import { projectRole } from '../stores/project-roles';
import { createLoad } from '@kaipan/web/resource';
import { describeError, locale, t } from '../lib/i18n';
import { showToast } from '../stores/toasts';
import { ConfirmDialog, EmptyState, ErrorState, Spinner } from './ui';
import {
  DiffTable,
  VersionStatus,
  bpToPercentText,
  dateTimeText,
  money,
  roundingModeLabel,
  roundingUnitLabel,
  signedMoney,
  sourceLabel,
} from './prices-common';
import './prices-versions.css';

export interface VersionsProps {
  projectId: string;
  user: UserInfo;
  timeZone: string;
  versions: PriceListInfo[] | undefined;
  loading: boolean;
  error: unknown;
  activeVersion: number | undefined;
  buildingName: (id: string) => string;
  units: readonly CatalogUnit[];
  onRetry: () => void;
  onDecided: () => void;
}

/** "Building A · floors 3–8 · layouts A, B · +3% · floor too · round to yuan, half up". */
export function requestSummary(request: PriceListInfo['request'], buildingName: (id: string) => string): string {
  if (!request) return '';
  if ('fileName' in request) return t('prices.importSummary', { file: request.fileName, n: request.rows });
  const r = request as RepriceBody;
  const parts: string[] = [];
  parts.push(r.scope.buildingIds ? r.scope.buildingIds.map(buildingName).join('、') : t('prices.allBuildings'));
  const { floorFrom, floorTo } = r.scope;
  if (floorFrom !== undefined && floorTo !== undefined)
    parts.push(t('prices.floorsRange', { from: floorFrom, to: floorTo }));
  else if (floorFrom !== undefined) parts.push(t('prices.floorsFrom', { from: floorFrom }));
  else if (floorTo !== undefined) parts.push(t('prices.floorsTo', { to: floorTo }));
  if (r.scope.layouts) parts.push(t('prices.layoutsList', { list: r.scope.layouts.join(', ') }));
  parts.push(
    r.change.kind === 'PERCENT'
      ? `${r.change.bp > 0 ? '+' : '−'}${bpToPercentText(r.change.bp)}%`
      : signedMoney(r.change.fen),
  );
  parts.push(r.applyToFloor ? t('prices.floorToo') : t('prices.floorKept'));
  parts.push(`${roundingUnitLabel(r.rounding.unit)} · ${roundingModeLabel(r.rounding.mode)}`);
  return parts.join(' · ');
}

export function VersionsTab(props: VersionsProps): JSX.Element {
  const active = createMemo(() => props.versions?.find((v) => v.status === 'ACTIVE'));
  const pending = createMemo(() => (props.versions ?? []).filter((v) => v.status === 'PENDING'));
  return (
    <Switch>
      <Match when={props.error && !props.versions}>
        <ErrorState title={t('prices.loadError')} message={describeError(props.error)} onRetry={props.onRetry} />
      </Match>
      <Match when={!props.versions}>
        <div class="prices-loading">
          <Spinner />
          <span>{t('common.loading')}</span>
        </div>
      </Match>
      <Match when={props.versions}>
        <div class="prices-stack">
          <Show when={active()} fallback={<div class="panel__note">{t('prices.noActive')}</div>}>
            {(v) => <ActiveCard version={v()} timeZone={props.timeZone} buildingName={props.buildingName} />}
          </Show>

          <section class="prices-section">
            <h2 class="prices-section__title">
              {t('prices.pendingTitle')} <span class="prices-count">{pending().length}</span>
            </h2>
            <Show
              when={pending().length > 0}
              fallback={<p class="panel__empty prices-empty-line">{t('prices.noPending')}</p>}
            >
              <For each={pending()}>
                {(v) => (
                  <PendingCard
                    projectId={props.projectId}
                    version={v}
                    user={props.user}
                    timeZone={props.timeZone}
                    activeVersion={props.activeVersion}
                    buildingName={props.buildingName}
                    onDecided={props.onDecided}
                  />
                )}
              </For>
            </Show>
          </section>

          <HistoryTable versions={props.versions ?? []} timeZone={props.timeZone} buildingName={props.buildingName} />
          <UnitHistory units={props.units} timeZone={props.timeZone} />
        </div>
      </Match>
    </Switch>
  );
}

function ActiveCard(props: {
  version: PriceListInfo;
  timeZone: string;
  buildingName: (id: string) => string;
}): JSX.Element {
  const v = () => props.version;
  return (
    <section class="panel prices-active" aria-label={t('prices.activeTitle')}>
      <div class="prices-active__head">
        <span class="prices-active__label">{t('prices.activeTitle')}</span>
        <VersionStatus status="ACTIVE" />
      </div>
      <div class="prices-active__version">v{v().version}</div>
      <dl class="prices-facts">
        <div>
          <dt>{t('prices.activatedAt')}</dt>
          <dd>{v().activatedAt ? dateTimeText(v().activatedAt!, props.timeZone) : '—'}</dd>
        </div>
        <div>
          <dt>{t('prices.approvedBy')}</dt>
          <dd>{v().decidedBy ?? (v().source === 'INITIAL' ? t('prices.initialNoApproval') : '—')}</dd>
        </div>
        <div>
          <dt>{t('prices.requestedBy')}</dt>
          <dd>{v().requestedBy ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('prices.source')}</dt>
          <dd>{sourceLabel(v().source)}</dd>
        </div>
        <div>
          <dt>{t('prices.changed')}</dt>
          <dd>{t('prices.changedOf', { n: v().changedCount, total: v().unitCount })}</dd>
        </div>
      </dl>
      <Show when={v().note || v().request}>
        <p class="prices-note">
          <Show when={v().note}>{(n) => <span>{n()}</span>}</Show>
          <Show when={v().request}>
            <span class="prices-muted"> {requestSummary(v().request, props.buildingName)}</span>
          </Show>
        </p>
      </Show>
    </section>
  );
}

function PendingCard(props: {
  projectId: string;
  version: PriceListInfo;
  user: UserInfo;
  timeZone: string;
  activeVersion: number | undefined;
  buildingName: (id: string) => string;
  onDecided: () => void;
}): JSX.Element {
  const v = () => props.version;
  const changes = createLoad(
    () => v().id,
    (id) => api.priceListChanges(id),
  );
  const [note, setNote] = createSignal('');
  const [busy, setBusy] = createSignal<'approve' | 'reject' | 'withdraw' | null>(null);
  const [confirming, setConfirming] = createSignal(false);
  const [error, setError] = createSignal<{ code: string; text: string } | null>(null);
  // Four-eyes (the shared rule the server applies): the requester withdraws, another manager decides.
  const mine = (): boolean =>
    decisionRefusal({ id: props.user.id, role: projectRole(props.user, props.projectId) ?? null }, v()) === 'FOUR_EYES';
  const stale = (): boolean => props.activeVersion !== undefined && v().baseVersion !== props.activeVersion;

  const decide = async (approve: boolean): Promise<void> => {
    setBusy(approve ? 'approve' : 'reject');
    setError(null);
    try {
      const res = await api.decidePriceList(v().id, { approve, ...(note().trim() ? { note: note().trim() } : {}) });
      setConfirming(false);
      showToast(
        'success',
        res.status === 'ACTIVE' ? t('prices.activated', { v: res.version }) : t('prices.rejected', { v: res.version }),
      );
      props.onDecided();
    } catch (err) {
      const e = toApiError(err);
      setConfirming(false);
      const text =
        e.code === 'FORBIDDEN'
          ? t('prices.fourEyesRefused')
          : e.code === 'PRICE_VERSION_STALE'
            ? t('prices.staleRefused')
            : describeError(e);
      setError({ code: e.code, text });
      if (e.code === 'PRICE_VERSION_STALE' || e.code === 'INVALID_TRANSITION') props.onDecided();
    } finally {
      setBusy(null);
    }
  };

  const withdraw = async (): Promise<void> => {
    setBusy('withdraw');
    setError(null);
    try {
      const res = await api.withdrawPriceList(v().id);
      showToast('success', t('prices.withdrawn', { v: res.version }));
      props.onDecided();
    } catch (err) {
      const e = toApiError(err);
      setError({ code: e.code, text: describeError(e) });
      if (e.code === 'INVALID_TRANSITION') props.onDecided();
    } finally {
      setBusy(null);
    }
  };

  return (
    <article class="panel prices-pending" classList={{ 'prices-pending--stale': stale() }}>
      <header class="prices-pending__head">
        <div class="prices-pending__title">
          <strong>v{v().version}</strong>
          <VersionStatus status="PENDING" />
          <span class="prices-chip">{sourceLabel(v().source)}</span>
          <span class="prices-muted">{t('prices.basedOn', { v: v().baseVersion ?? '—' })}</span>
        </div>
        <div class="prices-muted prices-pending__who">
          {t('prices.requestedLine', {
            who: v().requestedBy ?? '—',
            at: dateTimeText(v().requestedAt, props.timeZone),
          })}
        </div>
      </header>
      <Show when={v().note}>{(n) => <p class="prices-note">“{n()}”</p>}</Show>
      <Show when={v().request}>
        <p class="prices-muted prices-summary">{requestSummary(v().request, props.buildingName)}</p>
      </Show>
      <p class="prices-pending__count">{t('prices.changedOf', { n: v().changedCount, total: v().unitCount })}</p>
      <Show when={stale()}>
        <div class="alert prices-warn" role="status">
          {t('prices.staleHint', { base: v().baseVersion ?? '—', active: props.activeVersion ?? '—' })}
        </div>
      </Show>

      <Switch>
        <Match when={changes.error()}>
          <div class="alert alert--error" role="alert">
            {describeError(changes.error())}{' '}
            <button type="button" class="link-btn" onClick={() => void changes.refetch()}>
              {t('common.retry')}
            </button>
          </div>
        </Match>
        <Match when={changes.loading() && !changes.value()}>
          <div class="prices-loading prices-loading--inline">
            <Spinner size="sm" />
            <span>{t('common.loading')}</span>
          </div>
        </Match>
        <Match when={changes.value()?.length === 0}>
          <p class="panel__empty">{t('prices.noChanges')}</p>
        </Match>
        <Match when={changes.value()}>{(rows) => <DiffTable rows={rows()} limit={12} />}</Match>
      </Switch>

      <Show when={mine()}>
        <div class="prices-foureyes" role="note">
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <circle cx="7.5" cy="12" r="3.5" fill="none" stroke="currentColor" stroke-width="2" />
            <circle cx="16.5" cy="12" r="3.5" fill="none" stroke="currentColor" stroke-width="2" />
            <path d="M11 12h2" stroke="currentColor" stroke-width="2" />
          </svg>
          <span>{t('prices.fourEyesMine')}</span>
        </div>
      </Show>
      <Show when={error()}>
        {(e) => (
          <div class="alert alert--error" role="alert">
            <Show when={e().code === 'FORBIDDEN'}>
              <strong>{t('prices.fourEyesTitle')} </strong>
            </Show>
            {e().text}
          </div>
        )}
      </Show>
      <Show
        when={!mine()}
        fallback={
          <div class="prices-decide">
            <div class="prices-decide__buttons">
              <button
                type="button"
                class="btn btn--secondary btn--sm"
                disabled={busy() !== null}
                onClick={() => void withdraw()}
              >
                <Show when={busy() === 'withdraw'}>
                  <Spinner size="sm" />
                </Show>
                {t('prices.withdraw')}
              </button>
            </div>
          </div>
        }
      >
        <div class="prices-decide">
          <label class="field prices-decide__note">
            <span class="field__label">{t('prices.decisionNote')}</span>
            <input
              class="input input--sm"
              maxLength={200}
              value={note()}
              placeholder={t('prices.decisionNotePlaceholder')}
              onInput={(e) => setNote(e.currentTarget.value)}
              disabled={busy() !== null}
            />
          </label>
          <div class="prices-decide__buttons">
            <button
              type="button"
              class="btn btn--secondary btn--sm"
              disabled={busy() !== null}
              onClick={() => void decide(false)}
            >
              <Show when={busy() === 'reject'}>
                <Spinner size="sm" />
              </Show>
              {t('prices.reject')}
            </button>
            <button
              type="button"
              class="btn btn--go btn--sm"
              disabled={busy() !== null || stale()}
              onClick={() => setConfirming(true)}
            >
              {t('prices.approve')}
            </button>
          </div>
        </div>
      </Show>
      <ConfirmDialog
        open={confirming()}
        title={t('prices.approveTitle', { v: v().version })}
        body={t('prices.approveBody', { n: v().changedCount })}
        confirmLabel={busy() === 'approve' ? t('prices.activating') : t('prices.approveConfirm')}
        busy={busy() === 'approve'}
        onConfirm={() => void decide(true)}
        onCancel={() => setConfirming(false)}
      />
    </article>
  );
}

function HistoryTable(props: {
  versions: PriceListInfo[];
  timeZone: string;
  buildingName: (id: string) => string;
}): JSX.Element {
  const [open, setOpen] = createSignal<string | null>(null);
  return (
    <section class="panel prices-history">
      <h2 class="panel__title">{t('prices.historyTitle')}</h2>
      <Show when={props.versions.length > 0} fallback={<EmptyState title={t('prices.noHistory')} />}>
        <div class="table-wrap">
          <table class="table prices-table prices-history__table">
            <thead>
              <tr>
                <th>{t('prices.col.version')}</th>
                <th>{t('prices.col.status')}</th>
                <th>{t('prices.col.source')}</th>
                <th class="num">{t('prices.col.changed')}</th>
                <th>{t('prices.col.requested')}</th>
                <th>{t('prices.col.decided')}</th>
                <th>{t('prices.col.note')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              <For each={props.versions}>
                {(v) => (
                  <>
                    <tr>
                      <td>
                        <strong>v{v.version}</strong>
                        <Show when={v.baseVersion !== null}>
                          <span class="prices-muted"> ← v{v.baseVersion}</span>
                        </Show>
                      </td>
                      <td>
                        <VersionStatus status={v.status} />
                      </td>
                      <td>{sourceLabel(v.source)}</td>
                      <td class="num">{v.changedCount}</td>
                      <td>
                        {v.requestedBy ?? '—'}
                        <div class="prices-muted">{dateTimeText(v.requestedAt, props.timeZone)}</div>
                      </td>
                      <td>
                        {v.decidedBy ?? '—'}
                        <Show when={v.decidedAt}>
                          {(at) => <div class="prices-muted">{dateTimeText(at(), props.timeZone)}</div>}
                        </Show>
                      </td>
                      <td class="prices-history__note">
                        {v.note ?? ''}
                        <Show when={v.decisionNote}>{(n) => <div class="prices-muted">↳ {n()}</div>}</Show>
                      </td>
                      <td>
                        <Show when={v.baseVersion !== null && v.changedCount > 0}>
                          <button
                            type="button"
                            class="btn btn--ghost btn--sm"
                            aria-expanded={open() === v.id}
                            onClick={() => setOpen(open() === v.id ? null : v.id)}
                          >
                            {open() === v.id ? t('prices.hideChanges') : t('prices.showChanges')}
                          </button>
                        </Show>
                      </td>
                    </tr>
                    <Show when={open() === v.id}>
                      <tr class="prices-history__detail">
                        <td colSpan={8}>
                          <Show when={v.request}>
                            <p class="prices-muted prices-summary">{requestSummary(v.request, props.buildingName)}</p>
                          </Show>
                          <HistoryChanges id={v.id} />
                        </td>
                      </tr>
                    </Show>
                  </>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );
}

function HistoryChanges(props: { id: string }): JSX.Element {
  const changes = createLoad(
    () => props.id,
    (id) => api.priceListChanges(id),
  );
  return (
    <Switch>
      <Match when={changes.error()}>
        <div class="alert alert--error" role="alert">
          {describeError(changes.error())}{' '}
          <button type="button" class="link-btn" onClick={() => void changes.refetch()}>
            {t('common.retry')}
          </button>
        </div>
      </Match>
      <Match when={changes.value()}>{(rows) => <DiffTable rows={rows()} limit={15} />}</Match>
      <Match when={true}>
        <Spinner size="sm" />
      </Match>
    </Switch>
  );
}

/** One unit's prices in every version (pick a unit by code). */
function UnitHistory(props: { units: readonly CatalogUnit[]; timeZone: string }): JSX.Element {
  const [unitId, setUnitId] = createSignal('');
  const history = createLoad(
    () => unitId() || undefined,
    (id) => api.unitPriceHistory(id),
  );
  const sorted = createMemo(() => [...props.units].sort((a, b) => a.code.localeCompare(b.code, locale())));
  return (
    <section class="panel prices-unit-history">
      <div class="panel__head">
        <h2 class="panel__title">{t('prices.unitHistoryTitle')}</h2>
        <select
          class="input input--sm prices-unit-history__select"
          value={unitId()}
          onChange={(e) => setUnitId(e.currentTarget.value)}
          aria-label={t('prices.pickUnit')}
        >
          <option value="">{t('prices.pickUnit')}</option>
          <For each={sorted()}>{(u) => <option value={u.id}>{u.code}</option>}</For>
        </select>
      </div>
      <Switch>
        <Match when={!unitId()}>
          <p class="panel__empty">{t('prices.unitHistoryHint')}</p>
        </Match>
        <Match when={history.error()}>
          <div class="alert alert--error" role="alert">
            {describeError(history.error())}{' '}
            <button type="button" class="link-btn" onClick={() => void history.refetch()}>
              {t('common.retry')}
            </button>
          </div>
        </Match>
        <Match when={history.loading()}>
          <Spinner size="sm" />
        </Match>
        <Match when={history.value()}>
          {(rows) => (
            <div class="table-wrap">
              <table class="table prices-table prices-table--narrow">
                <thead>
                  <tr>
                    <th>{t('prices.col.version')}</th>
                    <th>{t('prices.col.status')}</th>
                    <th class="num">{t('prices.col.list')}</th>
                    <th class="num">{t('prices.col.floor')}</th>
                    <th>{t('prices.activatedAt')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={rows()}>
                    {(r) => (
                      <tr>
                        <td>v{r.version}</td>
                        <td>
                          <VersionStatus status={r.status} />
                        </td>
                        <td class="num">{money(r.listPrice)}</td>
                        <td class="num">{money(r.floorPrice)}</td>
                        <td>{r.activatedAt ? dateTimeText(r.activatedAt, props.timeZone) : '—'}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          )}
        </Match>
      </Switch>
    </section>
  );
}
