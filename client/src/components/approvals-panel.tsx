/**
 * Below-floor approvals 底价审批 on the manager page, live: each request shows the unit, who asks for
 * whom, list → final against the floor, the discounts, the note and how long the consultant's lock is
 * held; Approve / Reject with a note. Four-eyes: the server refuses a decision on one's own request.
 */
import { For, Show, createSignal, type JSX } from 'solid-js';
import { formatYuan, type PriceApprovalInfo, APPROVAL_STATUS_LABELS } from '@kaipan/shared';
import { api } from '../lib/api';
import { describeError, locale, t, label } from '../lib/i18n';
import type { ApprovalsStore } from '../stores/deals';
import { showToast } from '../stores/toasts';
import { Countdown } from './countdown';
import { EmptyState, ErrorState, Spinner } from './ui';
import './approvals-panel.css';

export function ApprovalsPanel(props: {
  approvals: ApprovalsStore;
  meId: string;
  timeZone: string;
  onChanged?: () => void;
}): JSX.Element {
  const [busy, setBusy] = createSignal<string | null>(null);
  const [notes, setNotes] = createSignal<Record<string, string>>({});
  const [showDone, setShowDone] = createSignal(false);
  const money = (fen: number): string => formatYuan(fen, locale());
  const decided = (): PriceApprovalInfo[] =>
    props.approvals
      .list()
      .filter((a) => a.status !== 'PENDING')
      .slice(0, 10);

  const decide = async (a: PriceApprovalInfo, approve: boolean): Promise<void> => {
    if (busy()) return;
    setBusy(a.id);
    try {
      const note = notes()[a.id]?.trim();
      const result = await api.decideApproval(a.id, { approve, ...(note ? { note } : {}) });
      props.approvals.put(result);
      showToast('success', t(approve ? 'approvals.approvedToast' : 'approvals.rejectedToast', { code: a.unitCode }));
      props.onChanged?.();
    } catch (err) {
      showToast('error', describeError(err));
      void props.approvals.reload();
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="panel approvals" aria-live="polite">
      <h2 class="panel__title">
        {t('approvals.title')}
        <Show when={props.approvals.pending().length > 0}>
          <span class="badge badge--warn">{props.approvals.pending().length}</span>
        </Show>
      </h2>
      <Show when={props.approvals.state.error && !props.approvals.state.loaded}>
        <ErrorState
          title={t('approvals.loadError')}
          message={describeError(props.approvals.state.error)}
          onRetry={() => void props.approvals.reload()}
        />
      </Show>
      <Show
        when={props.approvals.state.loaded}
        fallback={
          <Show when={!props.approvals.state.error}>
            <Spinner label={t('common.loading')} />
          </Show>
        }
      >
        <Show
          when={props.approvals.pending().length > 0}
          fallback={<EmptyState title={t('approvals.empty')} hint={t('approvals.emptyHint')} />}
        >
          <ul class="approvals__list">
            <For each={props.approvals.pending()}>
              {(a) => (
                <li class="approval">
                  <div class="approval__head">
                    <span class="approval__unit">{a.unitCode}</span>
                    <span class="approval__who">
                      {a.consultant}
                      <Show when={a.buyerName}>{(b) => <> · {b()}</>}</Show>
                    </span>
                    <span class="approval__hold" title={t('approvals.holdTitle')}>
                      <Countdown deadline={Date.parse(a.holdUntil)} />
                    </span>
                  </div>
                  <dl class="approval__prices">
                    <div>
                      <dt>{t('deal.listPrice')}</dt>
                      <dd>{money(a.listPrice)}</dd>
                    </div>
                    <div>
                      <dt>{t('approvals.floor')}</dt>
                      <dd>{money(a.floorPrice)}</dd>
                    </div>
                    <div class="approval__final">
                      <dt>{t('deal.finalPrice')}</dt>
                      <dd>{money(a.finalPrice)}</dd>
                    </div>
                    <div class="approval__below">
                      <dt>{t('approvals.below')}</dt>
                      <dd>
                        −{money(a.floorPrice - a.finalPrice)} (
                        {(((a.floorPrice - a.finalPrice) / a.floorPrice) * 100).toFixed(2)}%)
                      </dd>
                    </div>
                  </dl>
                  <p class="approval__steps">
                    <For each={a.breakdown.steps}>
                      {(s) => <span class="approval__step">{locale() === 'en' ? s.nameEn : s.name}</span>}
                    </For>
                  </p>
                  <p class="approval__note">“{a.note}”</p>
                  <Show
                    when={a.consultantId !== props.meId}
                    fallback={<p class="approval__own">{t('approvals.ownRequest')}</p>}
                  >
                    <div class="approval__actions">
                      <input
                        class="input input--sm"
                        maxLength={200}
                        placeholder={t('approvals.notePlaceholder')}
                        value={notes()[a.id] ?? ''}
                        onInput={(e) => setNotes({ ...notes(), [a.id]: e.currentTarget.value })}
                      />
                      <button
                        type="button"
                        class="btn btn--secondary btn--sm"
                        disabled={busy() !== null}
                        onClick={() => void decide(a, false)}
                      >
                        {t('approvals.reject')}
                      </button>
                      <button
                        type="button"
                        class="btn btn--primary btn--sm"
                        disabled={busy() !== null}
                        onClick={() => void decide(a, true)}
                      >
                        {busy() === a.id ? <Spinner size="sm" /> : null}
                        {t('approvals.approve')}
                      </button>
                    </div>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <Show when={decided().length > 0}>
          <button
            type="button"
            class="btn btn--ghost btn--sm approvals__toggle"
            onClick={() => setShowDone(!showDone())}
          >
            {showDone() ? t('approvals.hideDecided') : t('approvals.showDecided', { n: decided().length })}
          </button>
          <Show when={showDone()}>
            <ul class="approvals__done">
              <For each={decided()}>
                {(a) => (
                  <li>
                    <span class="approval__unit">{a.unitCode}</span>
                    <span>{money(a.finalPrice)}</span>
                    <span class={`approval-status approval-status--${a.status.toLowerCase()}`}>
                      {label(APPROVAL_STATUS_LABELS, a.status)}
                    </span>
                    <span class="approval__who">{a.decidedBy ?? a.consultant}</span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </Show>
      </Show>
    </section>
  );
}
