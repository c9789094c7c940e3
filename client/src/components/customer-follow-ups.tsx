/**
 * A customer's follow-ups 跟进记录: the list and the add form.
 */
import { For, Show, createSignal, type JSX } from 'solid-js';
import { FOLLOW_UP_KINDS, type CustomerDetail, type FollowUpKind, FOLLOW_UP_KIND_LABELS } from '@kaipan/shared';
import { api } from '../lib/api';
import { describeError, t, label } from '../lib/i18n';
import { showToast } from '../stores/toasts';
import { Spinner } from './ui';
import { formatDateTime } from '../lib/customers-display';
import './customer-follow-ups.css';

export function FollowUpSection(props: {
  customer: CustomerDetail;
  canEdit: boolean;
  timeZone: string;
  onAdded: () => void;
}): JSX.Element {
  const [kind, setKind] = createSignal<FollowUpKind>('CALL');
  const [note, setNote] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  // One id per entry being written: a double tap or a retry records it once.
  let pendingId = crypto.randomUUID();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (note().trim() === '') {
      setError(t('customers.followUpNote'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.addFollowUp(props.customer.id, { id: pendingId, kind: kind(), note: note().trim() });
      pendingId = crypto.randomUUID();
      setNote('');
      showToast('success', t('customers.followUpAdded'));
      props.onAdded();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="cust-section">
      <header class="cust-section__head">
        <h3>{t('customers.followUps')}</h3>
      </header>
      <Show when={props.canEdit}>
        <form class="form cust-follow" onSubmit={(e) => void submit(e)}>
          <div class="segmented" role="radiogroup" aria-label={t('customers.addFollowUp')}>
            <For each={FOLLOW_UP_KINDS}>
              {(k) => (
                <button type="button" role="radio" aria-checked={kind() === k} onClick={() => setKind(k)}>
                  {label(FOLLOW_UP_KIND_LABELS, k)}
                </button>
              )}
            </For>
          </div>
          <textarea
            class="input cust-follow__note"
            rows="2"
            maxlength="1000"
            placeholder={t('customers.followUpNotePlaceholder')}
            aria-label={t('customers.followUpNote')}
            value={note()}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
          <Show when={error()}>{(m) => <p class="field__error">{m()}</p>}</Show>
          <button type="submit" class="btn btn--primary" disabled={busy()}>
            <Show when={busy()}>
              <Spinner size="sm" />
            </Show>
            {t('customers.addFollowUp')}
          </button>
        </form>
      </Show>
      <Show
        when={props.customer.followUps.length > 0}
        fallback={<p class="panel__empty">{t('customers.followUpsEmpty')}</p>}
      >
        <ol class="follow-log">
          <For each={props.customer.followUps}>
            {(f) => (
              <li class="follow-log__item">
                <span class={`follow-log__kind follow-log__kind--${f.kind.toLowerCase()}`}>
                  {label(FOLLOW_UP_KIND_LABELS, f.kind)}
                </span>
                <span class="follow-log__body">
                  <span class="follow-log__note">{f.note}</span>
                  <span class="follow-log__meta">
                    {formatDateTime(f.at, props.timeZone)} · {f.consultant.displayName}
                  </span>
                </span>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </section>
  );
}
