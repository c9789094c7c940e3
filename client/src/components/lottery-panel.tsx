/**
 * Lottery 摇号 on the manager page: freeze the eligible list (publishes both commitments), draw with a
 * confirmation, link to the public page where anyone can verify. Create carries an idempotency key
 * kept until it succeeds, so a double click or a retry after a timeout never makes two draws.
 */
import { For, Match, Show, Switch, createSignal, type JSX } from 'solid-js';
import {
  LOTTERY_ELIGIBILITY,
  lotteryPaths,
  type LotteryDrawSummary,
  type LotteryEligibility,
  LOTTERY_STATUS_LABELS,
} from '@kaipan/shared';
import { api } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { describeError, t, type MessageKey, label } from '../lib/i18n';
import { showToast } from '../stores/toasts';
import { ConfirmDialog, ErrorAlert, Spinner } from './ui';
import '../pages/lottery.css';

/** getRandomValues, not randomUUID: the on-site server is often plain http on a LAN (no secure context). */
const newKey = (): string =>
  `lot-${Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')}`;

export function LotteryPanel(props: { projectId: string; timeZone: string; onChanged?: () => void }): JSX.Element {
  const draws = createLoad(
    () => props.projectId,
    (id) => api.lotteries(id),
  );
  const [title, setTitle] = createSignal('');
  const [eligible, setEligible] = createSignal<LotteryEligibility>('ACTIVE_WITH_DEPOSIT');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [confirming, setConfirming] = createSignal<LotteryDrawSummary | null>(null);
  const [drawing, setDrawing] = createSignal(false);
  let key = newKey();

  const create = async (): Promise<void> => {
    const name = title().trim();
    if (!name || busy()) return;
    setBusy(true);
    setError(null);
    try {
      const created = await api.createLottery(props.projectId, {
        title: name,
        eligible: eligible(),
        idempotencyKey: key,
      });
      key = newKey();
      setTitle('');
      showToast('success', t('lottery.created', { title: created.title }));
      void draws.refetch();
      props.onChanged?.();
    } catch (err) {
      setError(describeError(err)); // same key on retry: the server answers the first draw if it was made
    } finally {
      setBusy(false);
    }
  };

  const draw = async (): Promise<void> => {
    const d = confirming();
    if (!d) return;
    setDrawing(true);
    try {
      const result = await api.drawLottery(d.id);
      showToast('success', t('lottery.drawnToast', { title: result.title }));
      setConfirming(null);
      void draws.refetch();
      props.onChanged?.();
    } catch (err) {
      showToast('error', describeError(err));
    } finally {
      setDrawing(false);
    }
  };

  const time = (iso: string): string =>
    new Intl.DateTimeFormat('zh-CN', {
      timeZone: props.timeZone,
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(iso));

  return (
    <section class="panel lottery-panel">
      <h2 class="panel__title">{t('lottery.panel')}</h2>
      <ErrorAlert message={error()} />
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <label class="field">
          <span class="field__label">{t('lottery.title')}</span>
          <input
            class="input input--sm"
            value={title()}
            maxLength={100}
            placeholder={t('lottery.titlePlaceholder')}
            onInput={(e) => setTitle(e.currentTarget.value)}
            disabled={busy()}
          />
        </label>
        <label class="field">
          <span class="field__label">{t('lottery.eligible')}</span>
          <select
            class="input input--sm"
            value={eligible()}
            onChange={(e) => setEligible(e.currentTarget.value as LotteryEligibility)}
            disabled={busy()}
          >
            <For each={LOTTERY_ELIGIBILITY}>
              {(v) => <option value={v}>{t(`lottery.eligible.${v}` as MessageKey)}</option>}
            </For>
          </select>
        </label>
        <button type="submit" class="btn btn--secondary" disabled={busy() || !title().trim()}>
          <Show when={busy()}>
            <Spinner size="sm" />
          </Show>
          {busy() ? t('lottery.creating') : t('lottery.create')}
        </button>
      </form>

      <Switch>
        <Match when={draws.error() && !draws.value()}>
          <div class="alert alert--error">
            {describeError(draws.error())}{' '}
            <button type="button" class="link-btn" onClick={() => void draws.refetch()}>
              {t('common.retry')}
            </button>
          </div>
        </Match>
        <Match when={draws.loading() && !draws.value()}>
          <Spinner />
        </Match>
        <Match when={(draws.value() ?? []).length === 0}>
          <p class="panel__empty">{t('lottery.none')}</p>
        </Match>
        <Match when={true}>
          <ul class="lottery-panel__list">
            <For each={draws.value()}>
              {(d) => (
                <li class="lottery-panel__item">
                  <div class="lottery-panel__main">
                    <span class="lottery-panel__title">{d.title}</span>
                    <span
                      class="pill"
                      classList={{ 'pill--ok': d.status === 'DRAWN', 'pill--warn': d.status === 'COMMITTED' }}
                    >
                      {label(LOTTERY_STATUS_LABELS, d.status === 'DRAWN' ? 'DRAWN' : 'COMMITTED')}
                    </span>
                  </div>
                  <span class="lottery-panel__meta num">
                    {t('lottery.entriesN', { n: d.entryCount })} · {time(d.drawnAt ?? d.committedAt)}
                  </span>
                  <code class="lottery-panel__hash" title={t('lottery.listCommitment')}>
                    {t('lottery.listShort')} {d.listCommitment.slice(0, 16)}…
                  </code>
                  <code class="lottery-panel__hash" title={t('lottery.seedCommitment')}>
                    {t('lottery.seedShort')} {d.seedCommitment.slice(0, 16)}…
                  </code>
                  <div class="panel__actions">
                    <a class="btn btn--ghost btn--sm" href={lotteryPaths(d.id).page} target="_blank" rel="noopener">
                      {t('lottery.openPublic')}
                    </a>
                    <Show when={d.status === 'COMMITTED'}>
                      <button type="button" class="btn btn--go btn--sm" onClick={() => setConfirming(d)}>
                        {t('lottery.draw')}
                      </button>
                    </Show>
                  </div>
                </li>
              )}
            </For>
          </ul>
        </Match>
      </Switch>

      <ConfirmDialog
        open={confirming() !== null}
        title={t('lottery.drawConfirmTitle', { title: confirming()?.title ?? '' })}
        body={t('lottery.drawConfirmBody', { n: confirming()?.entryCount ?? 0 })}
        confirmLabel={drawing() ? t('lottery.drawing') : t('lottery.draw')}
        busy={drawing()}
        onConfirm={() => void draw()}
        onCancel={() => setConfirming(null)}
      />
    </section>
  );
}
