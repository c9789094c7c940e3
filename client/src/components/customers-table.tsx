/**
 * The managers' customer table (/manager/:projectId/customers): filters, selection, reassign and
 * move idle customers to the pool.
 */
import { For, Show, createEffect, createSignal, on, type JSX } from 'solid-js';
import { CUSTOMER_STATUSES, DEFAULT_IDLE_DAYS, type CustomerInfo, type CustomerStatus } from '@kaipan/shared';
import { api } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { t } from '../lib/i18n';
import { showToast } from '../stores/toasts';
import { CustomerBadge, customerStatusLabel } from './customer-badge';
import { ConfirmDialog } from './ui';
import { idleDaysOf, activityText } from '../lib/customers-display';
import './customers-table.css';
import { createBusy } from '../lib/busy';

export function ManagerTable(props: {
  projectId: string;
  rows: CustomerInfo[];
  search: string;
  onSearch: (v: string) => void;
  status: CustomerStatus | '';
  onStatus: (v: CustomerStatus | '') => void;
  owner: string;
  onOwner: (v: string) => void;
  idle: number | '';
  onIdle: (v: number | '') => void;
  onOpen: (id: string) => void;
  onChanged: () => void;
  listBody: (render: () => JSX.Element) => JSX.Element;
}): JSX.Element {
  const owners = createLoad(
    () => props.projectId,
    (id) => api.customerOwners(id),
  );
  const [selected, setSelected] = createSignal<ReadonlySet<string>>(new Set());
  const [target, setTarget] = createSignal('');
  const { busy, run } = createBusy();
  const [idleDays, setIdleDays] = createSignal(DEFAULT_IDLE_DAYS);
  const [confirmIdle, setConfirmIdle] = createSignal(false);

  // Forget selections that are no longer listed.
  createEffect(
    on(
      () => props.rows,
      (rows) => {
        const ids = new Set(rows.map((r) => r.id));
        setSelected((prev) => new Set([...prev].filter((id) => ids.has(id))));
      },
    ),
  );
  const toggle = (id: string): void => {
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  const allSelected = (): boolean => props.rows.length > 0 && props.rows.every((r) => selected().has(r.id));
  const toggleAll = (): void => {
    setSelected(allSelected() ? new Set<string>() : new Set(props.rows.map((r) => r.id)));
  };

  const reassign = async (): Promise<void> => {
    const ids = [...selected()];
    if (ids.length === 0 || target() === '') return;
    await run(async () => {
      await api.reassignCustomers(props.projectId, ids, target() === 'pool' ? null : target());
      showToast('success', t('customers.reassigned', { n: ids.length }));
      setSelected(new Set<string>());
      props.onChanged();
    });
  };
  const moveIdle = (): Promise<void> =>
    run(async () => {
      const res = await api.moveIdleToPool(props.projectId, idleDays());
      showToast('success', t('customers.movedIdle', { n: res.customerIds.length }));
      setConfirmIdle(false);
      props.onChanged();
    });

  return (
    <section class="panel cust-admin">
      <div class="cust-filters">
        <input
          class="input input--sm cust-filters__search"
          type="search"
          placeholder={t('customers.search')}
          aria-label={t('customers.search')}
          value={props.search}
          onInput={(e) => props.onSearch(e.currentTarget.value)}
        />
        <label class="cust-filter">
          <span>{t('customers.filterOwner')}</span>
          <select class="input input--sm" value={props.owner} onChange={(e) => props.onOwner(e.currentTarget.value)}>
            <option value="">{t('customers.filterAny')}</option>
            <option value="pool">{t('customers.pool')}</option>
            <For each={owners.value() ?? []}>{(o) => <option value={o.id}>{o.displayName}</option>}</For>
          </select>
        </label>
        <label class="cust-filter">
          <span>{t('customers.status')}</span>
          <select
            class="input input--sm"
            value={props.status}
            onChange={(e) => props.onStatus(e.currentTarget.value as CustomerStatus | '')}
          >
            <option value="">{t('customers.filterAny')}</option>
            <For each={CUSTOMER_STATUSES}>{(s) => <option value={s}>{customerStatusLabel(s)}</option>}</For>
          </select>
        </label>
        <label class="cust-filter">
          <span>{t('customers.filterIdle')}</span>
          <input
            class="input input--sm cust-filter__num"
            type="number"
            min="1"
            max="365"
            inputmode="numeric"
            value={props.idle}
            onInput={(e) => {
              const n = Number.parseInt(e.currentTarget.value, 10);
              props.onIdle(Number.isFinite(n) && n >= 1 && n <= 365 ? n : '');
            }}
          />
        </label>
      </div>

      <div class="cust-actions">
        <span class="cust-actions__count">{t('customers.selected', { n: selected().size })}</span>
        <label class="cust-filter">
          <span>{t('customers.reassignTo')}</span>
          <select class="input input--sm" value={target()} onChange={(e) => setTarget(e.currentTarget.value)}>
            <option value="">{t('customers.chooseOwner')}</option>
            <option value="pool">{t('customers.toPool')}</option>
            <For each={owners.value() ?? []}>{(o) => <option value={o.id}>{o.displayName}</option>}</For>
          </select>
        </label>
        <button
          type="button"
          class="btn btn--primary btn--sm"
          disabled={busy() || selected().size === 0 || target() === ''}
          onClick={() => void reassign()}
        >
          {t('customers.reassign')}
        </button>
        <span class="cust-actions__sep" aria-hidden="true" />
        <label class="cust-filter">
          <span>{t('customers.idleOver')}</span>
          <input
            class="input input--sm cust-filter__num"
            type="number"
            min="1"
            max="365"
            value={idleDays()}
            onInput={(e) => {
              const n = Number.parseInt(e.currentTarget.value, 10);
              if (Number.isFinite(n) && n >= 1 && n <= 365) setIdleDays(n);
            }}
          />
          <span>{t('customers.daysUnit')}</span>
        </label>
        <button type="button" class="btn btn--secondary btn--sm" disabled={busy()} onClick={() => setConfirmIdle(true)}>
          {t('customers.moveIdle')}
        </button>
      </div>

      {props.listBody(() => (
        <div class="table-wrap">
          <table class="table cust-table">
            <thead>
              <tr>
                <th class="cust-table__check">
                  <input
                    type="checkbox"
                    aria-label={t('customers.selectAll')}
                    checked={allSelected()}
                    onChange={toggleAll}
                  />
                </th>
                <th>{t('customers.colName')}</th>
                <th>{t('customers.colPhone')}</th>
                <th>{t('customers.colIntent')}</th>
                <th>{t('customers.colOwner')}</th>
                <th>{t('customers.colRegistration')}</th>
                <th>{t('customers.colActivity')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.rows}>
                {(c) => (
                  <tr classList={{ 'cust-table__row--selected': selected().has(c.id) }}>
                    <td class="cust-table__check">
                      <input
                        type="checkbox"
                        aria-label={c.name}
                        checked={selected().has(c.id)}
                        onChange={() => toggle(c.id)}
                      />
                    </td>
                    <td>
                      <button type="button" class="cust-table__name" onClick={() => props.onOpen(c.id)}>
                        <CustomerBadge name={c.name} status={c.status} withLabel />
                      </button>
                    </td>
                    <td class="cust-table__mono">{c.phone}</td>
                    <td>{c.intent ?? t('common.dash')}</td>
                    <td>
                      <Show when={c.owner} fallback={<span class="pill pill--warn">{t('customers.noOwner')}</span>}>
                        {(o) => o().displayName}
                      </Show>
                    </td>
                    <td class="cust-table__mono">{c.registration?.label ?? t('common.dash')}</td>
                    <td classList={{ 'cust-table__idle': idleDaysOf(c.lastActivityAt) >= DEFAULT_IDLE_DAYS }}>
                      {activityText(c.lastActivityAt)}
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      ))}

      <ConfirmDialog
        open={confirmIdle()}
        title={t('customers.moveIdleTitle', { n: idleDays() })}
        body={t('customers.moveIdleBody')}
        confirmLabel={t('customers.moveIdle')}
        busy={busy()}
        onConfirm={() => void moveIdle()}
        onCancel={() => setConfirmIdle(false)}
      />
    </section>
  );
}
