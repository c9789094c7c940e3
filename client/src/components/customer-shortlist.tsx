/**
 * The shortlist 意向房源 of a customer with live unit status (refreshed while the sheet is open).
 */
import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import { SHORTLIST_MAX, STATUS_COLORS, formatYuan, type CatalogUnit, type CustomerShortlist } from '@kaipan/shared';
import { api } from '../lib/api';
import { describeError, locale, statusLabel, t } from '../lib/i18n';
import type { Catalog } from '../stores/catalog';
import { showToast } from '../stores/toasts';
import { Spinner } from './ui';
import './customer-shortlist.css';

export function ShortlistSection(props: {
  customerId: string;
  shortlist: CustomerShortlist | null;
  catalog: Catalog;
  canEdit: boolean;
  onSaved: (s: CustomerShortlist) => void;
}): JSX.Element {
  const [editing, setEditing] = createSignal(false);
  const [draft, setDraft] = createSignal<string[]>([]);
  const [pick, setPick] = createSignal('');
  const [saving, setSaving] = createSignal(false);
  const items = () => props.shortlist?.items ?? [];

  const startEdit = (): void => {
    setDraft(items().map((i) => i.unitId));
    setPick('');
    setEditing(true);
  };
  const matches = createMemo<CatalogUnit[]>(() => {
    const q = pick().trim().toLowerCase();
    if (!q) return [];
    const taken = new Set(draft());
    return (props.catalog.ready()?.units ?? [])
      .filter((u) => !taken.has(u.id) && u.code.toLowerCase().includes(q))
      .slice(0, 8);
  });
  const move = (index: number, delta: number): void => {
    setDraft((prev) => {
      const next = [...prev];
      const j = index + delta;
      if (j < 0 || j >= next.length) return prev;
      [next[index], next[j]] = [next[j] as string, next[index] as string];
      return next;
    });
  };
  const save = async (): Promise<void> => {
    setSaving(true);
    try {
      const res = await api.setShortlist(props.customerId, draft());
      props.onSaved(res);
      setEditing(false);
      showToast('success', t('customers.shortlistSaved'));
    } catch (err) {
      showToast('error', describeError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section class="cust-section">
      <header class="cust-section__head">
        <h3>{t('customers.shortlist')}</h3>
        <Show when={props.shortlist && items().length > 0 && !editing()}>
          <span class="pill pill--ok">
            {t('customers.shortlistAvailable', { n: props.shortlist?.availableCount ?? 0, total: items().length })}
          </span>
        </Show>
        <Show when={props.canEdit && !editing()}>
          <button type="button" class="btn btn--ghost btn--sm" onClick={startEdit}>
            {t('customers.editShortlist')}
          </button>
        </Show>
      </header>
      <Show
        when={editing()}
        fallback={
          <Show when={items().length > 0} fallback={<p class="panel__empty">{t('customers.shortlistEmpty')}</p>}>
            <ol class="shortlist">
              <For each={items()}>
                {(i) => (
                  <li class="shortlist__item" classList={{ 'shortlist__item--gone': !i.available }}>
                    <span class="shortlist__rank">{i.rank}</span>
                    <span class="shortlist__main">
                      <span class="shortlist__code">{i.code}</span>
                      <span class="shortlist__meta">
                        {i.layoutName} · {i.grossArea.toFixed(2)} m² · {formatYuan(i.listPrice, locale())}
                      </span>
                    </span>
                    <span class="shortlist__status">
                      <span
                        class="status-pill"
                        style={{ background: STATUS_COLORS[i.status].bg, color: STATUS_COLORS[i.status].fg }}
                      >
                        {statusLabel(i.status)}
                      </span>
                      <Show when={i.lock}>
                        {(l) => (
                          <span class="shortlist__lock">{t('customers.lockedBy', { name: l().holderName })}</span>
                        )}
                      </Show>
                    </span>
                  </li>
                )}
              </For>
            </ol>
          </Show>
        }
      >
        <div class="shortlist-edit">
          <ol class="shortlist">
            <For each={draft()}>
              {(unitId, index) => {
                const u = () => props.catalog.byId().get(unitId);
                return (
                  <li class="shortlist__item">
                    <span class="shortlist__rank">{index() + 1}</span>
                    <span class="shortlist__main">
                      <span class="shortlist__code">{u()?.code ?? unitId.slice(0, 8)}</span>
                      <span class="shortlist__meta">{u()?.layoutName ?? ''}</span>
                    </span>
                    <span class="shortlist__tools">
                      <button
                        type="button"
                        class="icon-btn"
                        aria-label={t('customers.moveUp')}
                        disabled={index() === 0}
                        onClick={() => move(index(), -1)}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        class="icon-btn"
                        aria-label={t('customers.moveDown')}
                        disabled={index() === draft().length - 1}
                        onClick={() => move(index(), 1)}
                      >
                        ↓
                      </button>
                      <button
                        type="button"
                        class="icon-btn"
                        aria-label={t('customers.remove')}
                        onClick={() => setDraft((d) => d.filter((x) => x !== unitId))}
                      >
                        ×
                      </button>
                    </span>
                  </li>
                );
              }}
            </For>
          </ol>
          <Show
            when={draft().length < SHORTLIST_MAX}
            fallback={<p class="panel__note">{t('customers.shortlistMax', { n: SHORTLIST_MAX })}</p>}
          >
            <label class="field">
              <span class="field__label">{t('customers.shortlistPick')}</span>
              <input
                class="input"
                type="search"
                placeholder={t('customers.shortlistPickPlaceholder')}
                value={pick()}
                onInput={(e) => setPick(e.currentTarget.value)}
              />
            </label>
            <Show when={matches().length > 0}>
              <div class="shortlist-pick">
                <For each={matches()}>
                  {(u) => (
                    <button
                      type="button"
                      class="btn btn--secondary btn--sm"
                      onClick={() => {
                        setDraft((d) => [...d, u.id]);
                        setPick('');
                      }}
                    >
                      {u.code} · {u.layoutName}
                    </button>
                  )}
                </For>
              </div>
            </Show>
          </Show>
          <div class="panel__actions">
            <button type="button" class="btn btn--secondary" disabled={saving()} onClick={() => setEditing(false)}>
              {t('common.cancel')}
            </button>
            <button type="button" class="btn btn--primary" disabled={saving()} onClick={() => void save()}>
              <Show when={saving()}>
                <Spinner size="sm" />
              </Show>
              {saving() ? t('customers.saving') : t('customers.save')}
            </button>
          </div>
        </div>
      </Show>
    </section>
  );
}
