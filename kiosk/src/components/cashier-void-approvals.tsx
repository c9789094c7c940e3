/**
 * Managers at the cashier: pending void requests 作废申请 (a badge in the header, a list to decide).
 * Four-eyes is the shared rule the server applies: a manager's own request shows a withdraw button
 * instead of the decision (another manager decides it).
 */
import { For, Show, createSignal, onCleanup, type JSX } from 'solid-js';
import { decisionRefusal } from '@kaipan/shared';
import { toApiError } from '../lib/api';
import type { VoidRequestInfo as VoidRequestView } from '@kaipan/shared';
import { ct, dateTimeOf, describe, detailOf, kindName, money } from '../lib/cashier-i18n';
import { createLoader } from '../lib/loader';
import { useDesk } from '../lib/desk-context';
import { Empty, ErrorNote, Failure, Loading, Modal, Spinner } from './cashier-ui';

const REFRESH_MS = 30_000;

export function CashierVoidApprovals(props: { open: boolean; setOpen: (open: boolean) => void }): JSX.Element {
  const desk = useDesk();
  const requests = createLoader(
    () => desk.project.id,
    (pid) => desk.api.voidRequests(pid),
  );
  const timer = setInterval(() => void requests.reload(), REFRESH_MS);
  onCleanup(() => clearInterval(timer));
  // Decided here: gone from the list at once (the reload confirms).
  const [decided, setDecided] = createSignal<ReadonlySet<string>>(new Set());
  const pending = (): VoidRequestView[] | undefined => requests.data()?.filter((r) => !decided().has(r.id));
  const count = (): number => pending()?.length ?? 0;
  return (
    <>
      <button
        type="button"
        class="c-btn c-btn--ghost c-btn--sm c-approvals-btn"
        classList={{ 'c-approvals-btn--on': count() > 0 }}
        onClick={() => {
          props.setOpen(true);
          void requests.reload();
        }}
        data-testid="void-approvals"
      >
        {ct('approvals.button')}
        <Show when={count() > 0}>
          <span class="c-count">{count()}</span>
        </Show>
      </button>
      <Show when={props.open}>
        <Modal title={ct('approvals.title')} onClose={() => props.setOpen(false)} wide>
          <Show
            when={pending()}
            fallback={
              <Show when={requests.error()} fallback={<Loading />}>
                <Failure
                  title={ct('approvals.loadFailed')}
                  message={describe(requests.error())}
                  onRetry={() => void requests.reload()}
                />
              </Show>
            }
          >
            {(list) => (
              <Show
                when={list().length > 0}
                fallback={<Empty title={ct('approvals.empty')} hint={ct('approvals.emptyHint')} icon="receipt" />}
              >
                <ul class="c-approvals">
                  <For each={list()}>
                    {(r) => (
                      <VoidRequestItem
                        request={r}
                        onDecided={() => {
                          setDecided((s) => new Set(s).add(r.id));
                          void requests.reload();
                        }}
                      />
                    )}
                  </For>
                </ul>
              </Show>
            )}
          </Show>
        </Modal>
      </Show>
    </>
  );
}

function VoidRequestItem(props: { request: VoidRequestView; onDecided: () => void }): JSX.Element {
  const desk = useDesk();
  const [busy, setBusy] = createSignal<'approve' | 'reject' | null>(null);
  const [note, setNote] = createSignal('');
  const [error, setError] = createSignal<{ message: string; detail: string | null } | null>(null);
  const r = (): VoidRequestView => props.request;
  const own = (): boolean => decisionRefusal({ id: desk.user.id, role: desk.role }, r()) === 'FOUR_EYES';
  const decide = async (approve: boolean): Promise<void> => {
    if (busy()) return;
    setBusy(approve ? 'approve' : 'reject');
    setError(null);
    try {
      await desk.api.decideVoid(r().id, approve, note().trim() || undefined);
      props.onDecided();
    } catch (err) {
      const e = toApiError(err);
      setError({ message: describe(e), detail: detailOf(e) });
    } finally {
      setBusy(null);
    }
  };
  return (
    <li class="c-approval">
      <div class="c-approval__head">
        <strong class="c-mono">{r().receiptLabel}</strong>
        <span class="c-kind">{kindName(r().paymentKind)}</span>
        <strong>{money(r().amount)}</strong>
        <span>
          {r().unitCode ?? r().registrationNo ?? ''} · {r().payerName}
        </span>
        <span class="c-muted">{ct('approvals.by', { who: r().requestedBy, when: dateTimeOf(r().requestedAt) })}</span>
      </div>
      <p class="c-approval__reason">{r().reason}</p>
      <Show
        when={!own()}
        fallback={
          <>
            <p class="c-alert c-alert--warn">{ct('approvals.own')}</p>
            <div class="c-approval__actions">
              <WithdrawVoidButton requestId={r().id} label={ct('approvals.withdraw')} onDone={props.onDecided} />
            </div>
          </>
        }
      >
        <div class="c-approval__actions">
          <input
            class="c-input c-input--sm"
            placeholder={ct('approvals.note')}
            value={note()}
            maxlength={200}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
          <button
            type="button"
            class="c-btn c-btn--secondary c-btn--sm"
            disabled={busy() !== null}
            onClick={() => void decide(false)}
          >
            <Show when={busy() === 'reject'}>
              <Spinner />
            </Show>
            {ct('approvals.reject')}
          </button>
          <button
            type="button"
            class="c-btn c-btn--danger c-btn--sm"
            disabled={busy() !== null}
            onClick={() => void decide(true)}
          >
            <Show when={busy() === 'approve'}>
              <Spinner light />
            </Show>
            {ct('approvals.approve')}
          </button>
        </div>
      </Show>
      <ErrorNote message={error()?.message ?? null} detail={error()?.detail} />
    </li>
  );
}

/** Whoever asked takes a pending void request back (the receipt may be asked about again). */
export function WithdrawVoidButton(props: { requestId: string; label: string; onDone: () => void }): JSX.Element {
  const desk = useDesk();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<{ message: string; detail: string | null } | null>(null);
  const withdraw = async (): Promise<void> => {
    if (busy()) return;
    setBusy(true);
    setError(null);
    try {
      await desk.api.withdrawVoid(props.requestId);
      props.onDone();
    } catch (err) {
      const e = toApiError(err);
      setError({ message: describe(e), detail: detailOf(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="c-btn c-btn--secondary c-btn--xs" disabled={busy()} onClick={() => void withdraw()}>
        <Show when={busy()}>
          <Spinner />
        </Show>
        {props.label}
      </button>
      <ErrorNote message={error()?.message ?? null} detail={error()?.detail} />
    </>
  );
}
