/**
 * The receipt books 收据本 of a project, in the settings section: each book with its cashier, range,
 * next number and numbers left; open a book for a cashier (a member who takes money: cashier or
 * manager), close one. A cashier records no payment without an active book of their own
 * (server/src/cashier/issue-receipt.ts), so a new project sets them up here before the launch.
 */
import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import { receiptLabel, type ReceiptBookInfo } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../../lib/api';
import { describeError, t } from '../../lib/i18n';
import { showToast } from '../../stores/toasts';
import { ConfirmDialog, ErrorAlert, ErrorState, LoadingState } from '../../components/ui';
import { describeSetupError } from './errors';
import './receipt-books.css';
import { createBusy } from '../../lib/busy';

/** Roles whose members take money at the desk (a book is opened for one of them), cashiers first. */
const MONEY_ROLES: readonly string[] = ['CASHIER', 'MANAGER'];

export function ReceiptBooks(props: { projectId: string; archived: boolean }): JSX.Element {
  const books = createLoad(() => api.receiptBooks(props.projectId));
  const [closing, setClosing] = createSignal<ReceiptBookInfo | null>(null);
  const { busy, run } = createBusy();

  const close = (): Promise<void> =>
    run(async () => {
      const book = closing();
      if (!book) return;
      await api.closeReceiptBook(book.id);
      setClosing(null);
      void books.refetch();
    });

  return (
    <section class="panel setup-section" data-testid="receipt-books">
      <h2 class="panel__title">{t('setup.books.title')}</h2>
      <p class="setup-hint">{t('setup.books.hint')}</p>
      <Show when={books.error()}>
        <ErrorState
          title={t('grid.errorTitle')}
          message={describeError(books.error())}
          onRetry={() => void books.refetch()}
        />
      </Show>
      <Show when={books.loading() && !books.value()}>
        <LoadingState />
      </Show>
      <Show when={books.value()?.length === 0}>
        <p class="panel__empty">{t('setup.books.none')}</p>
      </Show>
      <Show when={books.value()?.length}>
        <ul class="setup-list">
          <For each={books.value()}>
            {(b) => (
              <li class="setup-list__item" data-testid="receipt-book-row" data-prefix={b.prefix}>
                <div class="setup-list__main">
                  <span class="setup-list__title">
                    <span class="code">{receiptLabel(b.prefix, b.firstNumber, b.digits)}</span>
                    {' – '}
                    <span class="code">{receiptLabel(b.prefix, b.lastNumber, b.digits)}</span>
                  </span>
                  <span class="setup-list__meta">
                    {b.cashier ?? '—'} ·{' '}
                    {b.status === 'ACTIVE'
                      ? t('setup.books.next', {
                          label: receiptLabel(b.prefix, b.nextNumber, b.digits),
                          n: b.remaining,
                        })
                      : t('setup.books.closed')}
                  </span>
                </div>
                <Show when={b.status === 'ACTIVE' && !props.archived}>
                  <button type="button" class="btn btn--ghost btn--sm" onClick={() => setClosing(b)}>
                    {t('setup.books.close')}
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={!props.archived}>
        <BookForm projectId={props.projectId} onSaved={() => void books.refetch()} />
      </Show>
      <ConfirmDialog
        open={closing() !== null}
        title={t('setup.books.closeTitle')}
        body={t('setup.books.closeBody', { prefix: closing()?.prefix ?? '' })}
        confirmLabel={t('setup.books.close')}
        danger
        busy={busy()}
        onConfirm={() => void close()}
        onCancel={() => setClosing(null)}
      />
    </section>
  );
}

function BookForm(props: { projectId: string; onSaved: () => void }): JSX.Element {
  const members = createLoad(() => api.members(props.projectId));
  const cashiers = createMemo(() =>
    (members.value()?.members ?? [])
      .filter((m) => m.active && MONEY_ROLES.includes(m.role))
      .sort((a, b) => MONEY_ROLES.indexOf(a.role) - MONEY_ROLES.indexOf(b.role)),
  );
  const [cashierId, setCashierId] = createSignal('');
  const [prefix, setPrefix] = createSignal('');
  const [first, setFirst] = createSignal('1');
  const [last, setLast] = createSignal('500');
  const [digits, setDigits] = createSignal('6');
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const whole = (text: string): number => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN);

  const save = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const body = {
      cashierId: cashierId() || (cashiers()[0]?.userId ?? ''),
      prefix: prefix().trim().toUpperCase(),
      firstNumber: whole(first()),
      lastNumber: whole(last()),
      digits: whole(digits()),
    };
    if (!body.cashierId || !body.prefix || [body.firstNumber, body.lastNumber, body.digits].some(Number.isNaN)) {
      setError(t('setup.books.incomplete'));
      return;
    }
    setError(null);
    setSaving(true);
    try {
      await api.createReceiptBook(props.projectId, body);
      setPrefix('');
      showToast('success', t('setup.books.saved'));
      props.onSaved();
    } catch (err) {
      setError(describeSetupError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form class="setup-form receipt-books__form" onSubmit={(e) => void save(e)} novalidate>
      <h3 class="receipt-books__subtitle">{t('setup.books.add')}</h3>
      <Show when={members.value() && cashiers().length === 0}>
        <p class="setup-hint">{t('setup.books.noCashier')}</p>
      </Show>
      <div class="setup-grid">
        <label class="field">
          <span class="field__label">{t('setup.books.cashier')}</span>
          <select
            class="input"
            name="cashier"
            value={cashierId() || (cashiers()[0]?.userId ?? '')}
            onChange={(e) => setCashierId(e.currentTarget.value)}
          >
            <For each={cashiers()}>{(m) => <option value={m.userId}>{`${m.displayName} (${m.username})`}</option>}</For>
          </select>
        </label>
        <label class="field">
          <span class="field__label">{t('setup.books.prefix')}</span>
          <input
            class="input setup-input--mono"
            name="prefix"
            value={prefix()}
            maxLength={16}
            placeholder="SJ2026-"
            autocomplete="off"
            onInput={(e) => setPrefix(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span class="field__label">{t('setup.books.first')}</span>
          <input
            class="input"
            name="first"
            inputmode="numeric"
            value={first()}
            onInput={(e) => setFirst(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span class="field__label">{t('setup.books.last')}</span>
          <input
            class="input"
            name="last"
            inputmode="numeric"
            value={last()}
            onInput={(e) => setLast(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span class="field__label">{t('setup.books.digits')}</span>
          <input
            class="input"
            name="digits"
            inputmode="numeric"
            value={digits()}
            onInput={(e) => setDigits(e.currentTarget.value)}
          />
        </label>
      </div>
      <ErrorAlert message={error()} />
      <div class="setup-actions">
        <span class="setup-actions__spacer" />
        <button type="submit" class="btn btn--primary" disabled={saving() || cashiers().length === 0}>
          {saving() ? t('settings.saving') : t('setup.books.save')}
        </button>
      </div>
    </form>
  );
}
