/**
 * The change-request queue 变更审批 (open first) and one request's card: what it will do, who asked
 * and why, the decision, and the buttons the viewer may press (approve/reject with a note for
 * managers other than the requester; execute once approved; withdraw for the requester).
 */
import { For, Show, createSignal, type JSX } from 'solid-js';
import type { ChangeRequestInfo } from '@kaipan/shared';
import { t } from '../lib/i18n';
import { ChangeStatusChip, FourEyesNote, KindChip, dateTimeText, requestSummary } from './deals-common';
import { EmptyState, Spinner } from './ui';
import './deals-requests.css';

/** What the page does for a card (the page owns the API calls, the toasts and the refetch). */
export interface ChangeActions {
  decide(request: ChangeRequestInfo, approve: boolean, note: string): Promise<boolean>;
  execute(request: ChangeRequestInfo): void;
  withdraw(request: ChangeRequestInfo): Promise<boolean>;
  /** The request id with a call in flight. */
  busy(): string | null;
}

export interface Viewer {
  manager: boolean;
  id: string;
}

/** Whether the viewer asked for it (the server enforces the rules; this only chooses the buttons). */
export const isMine = (r: ChangeRequestInfo, viewer: Viewer): boolean => r.requestedById === viewer.id;

export function RequestCard(props: {
  request: ChangeRequestInfo;
  viewer: Viewer;
  timeZone: string;
  actions: ChangeActions;
  /** Open the subscription's drawer (absent inside the drawer itself). */
  onOpen?: (subscriptionId: string) => void;
  compact?: boolean;
}): JSX.Element {
  const r = (): ChangeRequestInfo => props.request;
  const [note, setNote] = createSignal('');
  const open = (): boolean => r().status === 'PENDING' || r().status === 'APPROVED';
  const mine = (): boolean => isMine(r(), props.viewer);
  const canDecide = (): boolean => props.viewer.manager && r().status === 'PENDING' && !mine();
  const canExecute = (): boolean => r().status === 'APPROVED' && (props.viewer.manager || mine());
  const canWithdraw = (): boolean => open() && mine();
  const busy = (): boolean => props.actions.busy() === r().id;
  const belowFloor = (): boolean => r().preview?.belowFloor === true;
  const decide = async (approve: boolean): Promise<void> => {
    if (await props.actions.decide(r(), approve, note().trim())) setNote('');
  };

  return (
    <article class="deals-req" classList={{ 'deals-req--open': open(), 'deals-req--compact': props.compact }}>
      <header class="deals-req__head">
        <KindChip kind={r().kind} />
        <Show when={props.onOpen} fallback={<span class="deals-req__unit">{r().unitCode}</span>}>
          {(openSub) => (
            <button type="button" class="deals-req__unit deals-link" onClick={() => openSub()(r().subscriptionId)}>
              {r().unitCode}
            </button>
          )}
        </Show>
        <span class="deals-req__spacer" />
        <ChangeStatusChip status={r().status} />
      </header>
      <p class="deals-req__summary num">{requestSummary(r())}</p>
      <Show when={belowFloor()}>
        <p class="deals-req__warn">{t('deals.belowFloor')}</p>
      </Show>
      <p class="deals-req__reason">“{r().reason}”</p>
      <p class="deals-req__meta">
        {t('deals.requestedLine', { who: r().requestedBy, at: dateTimeText(r().requestedAt, props.timeZone) })}
      </p>
      <Show when={r().decidedBy}>
        <p class="deals-req__meta">
          {t(r().status === 'REJECTED' ? 'deals.rejectedLine' : 'deals.approvedLine', {
            who: r().decidedBy ?? '',
            at: r().decidedAt ? dateTimeText(r().decidedAt!, props.timeZone) : '',
          })}
          <Show when={r().decisionNote}>{(n) => <span class="deals-req__note"> · “{n()}”</span>}</Show>
        </p>
      </Show>
      <Show when={r().executedBy}>
        <p class="deals-req__meta">
          {t('deals.executedLine', {
            who: r().executedBy ?? '',
            at: r().executedAt ? dateTimeText(r().executedAt!, props.timeZone) : '',
          })}
        </p>
      </Show>

      <Show when={props.viewer.manager && r().status === 'PENDING' && mine()}>
        <FourEyesNote />
      </Show>
      <Show when={canDecide()}>
        <div class="deals-req__decide">
          <input
            class="input input--sm"
            maxLength={200}
            placeholder={t('deals.notePlaceholder')}
            aria-label={t('deals.note')}
            value={note()}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
          <div class="deals-req__buttons">
            <button
              type="button"
              class="btn btn--secondary btn--sm"
              disabled={busy()}
              onClick={() => void decide(false)}
            >
              {t('deals.reject')}
            </button>
            <button type="button" class="btn btn--go btn--sm" disabled={busy()} onClick={() => void decide(true)}>
              <Show when={busy()}>
                <Spinner size="sm" />
              </Show>
              {t('deals.approve')}
            </button>
          </div>
        </div>
      </Show>
      <Show when={canExecute() || canWithdraw()}>
        <div class="deals-req__buttons">
          <Show when={canWithdraw()}>
            <button
              type="button"
              class="btn btn--ghost btn--sm"
              disabled={busy()}
              onClick={() => void props.actions.withdraw(r())}
            >
              {t('deals.withdraw')}
            </button>
          </Show>
          <Show when={canExecute()}>
            <button
              type="button"
              class="btn btn--primary btn--sm"
              disabled={busy()}
              onClick={() => props.actions.execute(r())}
            >
              <Show when={busy()}>
                <Spinner size="sm" />
              </Show>
              {t('deals.execute')}
            </button>
          </Show>
        </div>
      </Show>
    </article>
  );
}

export function RequestQueue(props: {
  requests: ChangeRequestInfo[];
  viewer: Viewer;
  timeZone: string;
  actions: ChangeActions;
  onOpen: (subscriptionId: string) => void;
  showClosed: boolean;
}): JSX.Element {
  const shown = (): ChangeRequestInfo[] =>
    props.showClosed ? props.requests : props.requests.filter((r) => r.status === 'PENDING' || r.status === 'APPROVED');
  return (
    <Show
      when={shown().length > 0}
      fallback={
        <EmptyState
          title={props.showClosed ? t('deals.noRequests') : t('deals.noOpenRequests')}
          hint={props.viewer.manager ? t('deals.noRequestsHintManager') : t('deals.noRequestsHint')}
        />
      }
    >
      <div class="deals-queue">
        <For each={shown()}>
          {(r) => (
            <RequestCard
              request={r}
              viewer={props.viewer}
              timeZone={props.timeZone}
              actions={props.actions}
              onOpen={props.onOpen}
            />
          )}
        </For>
      </div>
    </Show>
  );
}
