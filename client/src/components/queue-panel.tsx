/**
 * 叫号 Queue & calling on the manager page: per category the waiting count, who is being served and
 * who is next; "call next" (1–5, per category or overall), calling picked waiting numbers, and per
 * called ticket served / no-show (过号), re-queue for dropped ones. The board state arrives live
 * (`queue:changed`); the ticket lists are re-read after each change, at most once per TICKETS_MIN_GAP_MS.
 *
 * Call-next carries an idempotency key per intended call: a press retried after a failure (a timeout
 * whose call did happen) reuses it and gets the first result back instead of calling more; a success,
 * or another category/count, starts a new key. getRandomValues, not randomUUID: the on-site server is
 * often plain http on a LAN, where randomUUID does not exist (no secure context).
 */
import { For, Match, Show, Switch, createSignal, onCleanup, type JSX } from 'solid-js';
import { formatClock, type ProjectSummary, type QueueCategoryState, type QueueTicketView } from '@kaipan/shared';
import { api } from '../lib/api';
import { createBusySet } from '../lib/busy';
import { describeError, locale, t } from '../lib/i18n';
import { createQueueStore } from '../stores/queue';
import { showToast } from '../stores/toasts';
import { Spinner } from './ui';
import './queue-panel.css';

const CALL_COUNTS = [1, 2, 3, 4, 5] as const;
/** Ticket lists are re-read at most this often while changes stream in. */
const TICKETS_MIN_GAP_MS = 800;
/** Rows read per list (the server allows 500). */
const LIST_LIMIT = { WAITING: 200, CALLED: 100, DROPPED: 100 } as const;
/** The server calls at most 20 specific tickets at once. */
const PICK_MAX = 20;

const newKey = (): string =>
  `call-${Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')}`;

interface TicketLists {
  waiting: QueueTicketView[];
  called: QueueTicketView[];
  dropped: QueueTicketView[];
}

export function QueuePanel(props: {
  projectId: string;
  token: string;
  project: ProjectSummary | undefined;
  timeZone: string;
  onChanged?: () => void;
}): JSX.Element {
  const queue = createQueueStore({ projectId: props.projectId, auth: { token: props.token }, api });
  const [lists, setLists] = createSignal<TicketLists | undefined>(undefined);
  const [listsError, setListsError] = createSignal<unknown>(null);
  const [picked, setPicked] = createSignal<ReadonlySet<string>>(new Set());
  const busy = createBusySet(() => scheduleRead());
  const [overallCount, setOverallCount] = createSignal(1);
  const [catCount, setCatCount] = createSignal<Record<string, number>>({});

  // ── Ticket lists: read now, then again after changes (throttled, trailing) ─────────────────
  let lastRead = 0;
  let readTimer: ReturnType<typeof setTimeout> | undefined;
  let reading = false;
  let again = false;
  const readLists = async (): Promise<void> => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    lastRead = Date.now();
    try {
      const [waiting, called, dropped] = await Promise.all([
        api.queueTickets(props.projectId, { status: 'WAITING', limit: LIST_LIMIT.WAITING }),
        api.queueTickets(props.projectId, { status: 'CALLED', limit: LIST_LIMIT.CALLED }),
        api.queueTickets(props.projectId, { status: 'DROPPED', limit: LIST_LIMIT.DROPPED }),
      ]);
      setLists({
        waiting,
        called: [...called].sort((a, b) => Date.parse(b.calledAt ?? '') - Date.parse(a.calledAt ?? '')),
        dropped,
      });
      setListsError(null);
      // Picks that are no longer waiting (called elsewhere) drop out of the selection.
      const waitingIds = new Set(waiting.map((w) => w.id));
      setPicked((prev) => new Set([...prev].filter((id) => waitingIds.has(id))));
    } catch (err) {
      setListsError(err);
    } finally {
      reading = false;
      if (again) {
        again = false;
        scheduleRead();
      }
    }
  };
  const scheduleRead = (): void => {
    if (readTimer) return;
    const wait = Math.max(0, lastRead + TICKETS_MIN_GAP_MS - Date.now());
    readTimer = setTimeout(() => {
      readTimer = undefined;
      void readLists();
    }, wait);
  };
  void readLists();
  const off = queue.onChanged(() => scheduleRead());
  onCleanup(() => {
    off();
    clearTimeout(readTimer);
  });

  // ── Commands ───────────────────────────────────────────────────────────────────────────────

  /** Pending idempotency keys by intent ("<category|*>:<count>"), kept until the call succeeds. */
  const pendingKeys = new Map<string, string>();
  const announce = (labels: string[]): void => {
    if (labels.length === 0) showToast('info', t('queue.nobodyWaiting'));
    else showToast('success', t('queue.calledToast', { labels: labels.join('  ') }));
    props.onChanged?.();
  };
  const callNext = (category: string | undefined, count: number): Promise<void> => {
    const intent = `${category ?? '*'}:${count}`;
    return busy.run(`next:${category ?? '*'}`, async () => {
      const key = pendingKeys.get(intent) ?? newKey();
      pendingKeys.set(intent, key);
      const result = await api.callNext(props.projectId, {
        ...(category ? { category } : {}),
        count,
        idempotencyKey: key,
      });
      pendingKeys.delete(intent);
      announce(result.called.map((c) => c.label));
    });
  };
  const callPicked = (): Promise<void> =>
    busy.run('picked', async () => {
      const ids = [...picked()];
      if (ids.length === 0) return;
      const result = await api.callTickets(props.projectId, ids);
      setPicked(new Set<string>());
      announce(result.called.map((c) => c.label));
    });
  const ticketAction = (ticket: QueueTicketView, action: 'served' | 'no-show' | 'requeue'): Promise<void> =>
    busy.run(ticket.id, async () => {
      const run = action === 'served' ? api.markServed : action === 'no-show' ? api.markNoShow : api.requeueTicket;
      const after = await run(props.projectId, ticket.id);
      const key =
        action === 'served'
          ? 'queue.servedToast'
          : after.status === 'DROPPED'
            ? 'queue.droppedToast'
            : action === 'no-show'
              ? 'queue.requeuedAfterMiss'
              : 'queue.requeuedToast';
      showToast(action === 'served' ? 'success' : 'info', t(key, { label: ticket.label }));
      props.onChanged?.();
    });

  const togglePick = (id: string): void => {
    setPicked((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else if (next.size < PICK_MAX) next.add(id);
      else showToast('info', t('queue.pickMax', { n: PICK_MAX }));
      return next;
    });
  };

  // ── Display helpers ────────────────────────────────────────────────────────────────────────
  const catName = (c: { name: string; nameEn: string }): string => (locale() === 'en' ? c.nameEn || c.name : c.name);
  const time = (iso: string | null): string => (iso ? formatClock(iso, props.timeZone).slice(0, 5) : '');
  const countFor = (code: string): number => catCount()[code] ?? 1;
  const rule = (): string => {
    const p = props.project;
    if (!p) return '';
    return p.noShowRule === 'DROP' ? t('queue.ruleDrop') : t('queue.ruleRequeue', { n: p.noShowRequeueAfter });
  };
  const totalWaiting = (): number => (queue.state()?.categories ?? []).reduce((n, c) => n + c.waitingCount, 0);

  return (
    <section class="panel queue-panel" aria-labelledby="queue-panel-title">
      <div class="queue-panel__head">
        <div class="queue-panel__titles">
          <h2 class="panel__title" id="queue-panel-title">
            {t('queue.panel')}
          </h2>
          <Show when={props.project}>
            <p class="queue-panel__rules">
              <span>
                {t('queue.noShowRule')}: <strong>{rule()}</strong>
              </span>
              <span>
                {t('queue.selectionWindow')}:{' '}
                <strong>{t('queue.minutes', { n: props.project?.selectionMinutes ?? 0 })}</strong>
              </span>
              <Show when={queue.state()?.callsPerMinute}>
                {(rate) => (
                  <span>
                    {t('queue.rate')}: <strong>{t('queue.perMinute', { n: rate() })}</strong>
                  </span>
                )}
              </Show>
            </p>
          </Show>
        </div>
        <div class="queue-call">
          <CountSelect value={overallCount()} onChange={setOverallCount} label={t('queue.countAll')} />
          <button
            type="button"
            class="btn btn--primary btn--sm"
            disabled={busy.has('next:*') || !queue.state() || totalWaiting() === 0}
            onClick={() => void callNext(undefined, overallCount())}
          >
            <Show when={busy.has('next:*')}>
              <Spinner size="sm" />
            </Show>
            {t('queue.callNextAll')}
          </button>
        </div>
      </div>

      <Switch>
        <Match when={queue.error() && !queue.state()}>
          <div class="alert alert--error">
            {describeError(queue.error())}{' '}
            <button type="button" class="link-btn" onClick={() => void queue.refetch()}>
              {t('common.retry')}
            </button>
          </div>
        </Match>
        <Match when={!queue.state()}>
          <Spinner />
        </Match>
        <Match when={(queue.state()?.categories.length ?? 0) === 0}>
          <p class="panel__empty">{t('queue.noCategories')}</p>
        </Match>
        <Match when={queue.state()}>
          {(state) => (
            <>
              <div class="queue-cats">
                <For each={state().categories}>
                  {(c) => (
                    <CategoryCard
                      category={c}
                      name={catName(c)}
                      count={countFor(c.code)}
                      busy={busy.has(`next:${c.code}`)}
                      onCount={(n) => setCatCount((prev) => ({ ...prev, [c.code]: n }))}
                      onCallNext={() => void callNext(c.code, countFor(c.code))}
                    />
                  )}
                </For>
              </div>

              <Show when={listsError() && !lists()}>
                <div class="alert alert--error">
                  {describeError(listsError())}{' '}
                  <button type="button" class="link-btn" onClick={() => void readLists()}>
                    {t('common.retry')}
                  </button>
                </div>
              </Show>
              <Show when={lists()}>
                {(l) => (
                  <div class="queue-lists">
                    <div class="queue-list">
                      <h3 class="queue-list__title">
                        {t('queue.called')} <span class="queue-list__n">{l().called.length}</span>
                      </h3>
                      <Show when={l().called.length > 0} fallback={<p class="panel__empty">{t('queue.noneCalled')}</p>}>
                        <ul class="queue-rows">
                          <For each={l().called}>
                            {(tk) => (
                              <li class="queue-row">
                                <TicketFacts
                                  ticket={tk}
                                  name={catName(tk.category)}
                                  detail={t('queue.calledAt', { time: time(tk.calledAt) })}
                                />
                                <span class="queue-row__actions">
                                  <button
                                    type="button"
                                    class="btn btn--go btn--sm"
                                    disabled={busy.has(tk.id)}
                                    onClick={() => void ticketAction(tk, 'served')}
                                  >
                                    {t('queue.served')}
                                  </button>
                                  <button
                                    type="button"
                                    class="btn btn--secondary btn--sm"
                                    disabled={busy.has(tk.id)}
                                    onClick={() => void ticketAction(tk, 'no-show')}
                                  >
                                    {t('queue.noShow')}
                                  </button>
                                </span>
                              </li>
                            )}
                          </For>
                        </ul>
                      </Show>
                    </div>

                    <div class="queue-list">
                      <h3 class="queue-list__title">
                        {t('queue.waiting')} <span class="queue-list__n">{totalWaiting()}</span>
                        <Show when={totalWaiting() > l().waiting.length}>
                          <span class="muted"> · {t('queue.firstN', { n: l().waiting.length })}</span>
                        </Show>
                      </h3>
                      <Show
                        when={l().waiting.length > 0}
                        fallback={<p class="panel__empty">{t('queue.noneWaiting')}</p>}
                      >
                        <ul class="queue-rows queue-rows--pick">
                          <For each={l().waiting}>
                            {(tk) => (
                              <li class="queue-row" classList={{ 'queue-row--picked': picked().has(tk.id) }}>
                                <label class="queue-row__pick">
                                  <input
                                    type="checkbox"
                                    checked={picked().has(tk.id)}
                                    onChange={() => togglePick(tk.id)}
                                  />
                                  <TicketFacts
                                    ticket={tk}
                                    name={catName(tk.category)}
                                    detail={tk.peopleAhead === null ? '' : t('queue.ahead', { n: tk.peopleAhead })}
                                  />
                                </label>
                              </li>
                            )}
                          </For>
                        </ul>
                      </Show>
                      <div class="queue-list__foot">
                        <button
                          type="button"
                          class="btn btn--primary btn--sm"
                          disabled={picked().size === 0 || busy.has('picked')}
                          onClick={() => void callPicked()}
                        >
                          <Show when={busy.has('picked')}>
                            <Spinner size="sm" />
                          </Show>
                          {t('queue.callPicked', { n: picked().size })}
                        </button>
                        <Show when={picked().size > 0}>
                          <button
                            type="button"
                            class="btn btn--ghost btn--sm"
                            onClick={() => setPicked(new Set<string>())}
                          >
                            {t('manager.clearSelection')}
                          </button>
                        </Show>
                      </div>
                    </div>

                    <Show when={l().dropped.length > 0}>
                      <div class="queue-list">
                        <h3 class="queue-list__title">
                          {t('queue.dropped')} <span class="queue-list__n">{l().dropped.length}</span>
                        </h3>
                        <ul class="queue-rows">
                          <For each={l().dropped}>
                            {(tk) => (
                              <li class="queue-row">
                                <TicketFacts
                                  ticket={tk}
                                  name={catName(tk.category)}
                                  detail={t('queue.missed', { n: tk.missedCount })}
                                />
                                <span class="queue-row__actions">
                                  <button
                                    type="button"
                                    class="btn btn--secondary btn--sm"
                                    disabled={busy.has(tk.id)}
                                    onClick={() => void ticketAction(tk, 'requeue')}
                                  >
                                    {t('queue.requeue')}
                                  </button>
                                </span>
                              </li>
                            )}
                          </For>
                        </ul>
                      </div>
                    </Show>
                  </div>
                )}
              </Show>
            </>
          )}
        </Match>
      </Switch>
    </section>
  );
}

function CountSelect(props: { value: number; onChange: (n: number) => void; label: string }): JSX.Element {
  return (
    <select
      class="input input--sm queue-count"
      aria-label={props.label}
      value={String(props.value)}
      onChange={(e) => props.onChange(Number(e.currentTarget.value))}
    >
      <For each={CALL_COUNTS}>{(n) => <option value={String(n)}>× {n}</option>}</For>
    </select>
  );
}

function CategoryCard(props: {
  category: QueueCategoryState;
  name: string;
  count: number;
  busy: boolean;
  onCount: (n: number) => void;
  onCallNext: () => void;
}): JSX.Element {
  const c = () => props.category;
  return (
    <div class="queue-cat">
      <div class="queue-cat__head">
        <span class="queue-cat__prefix">{c().prefix}</span>
        <span class="queue-cat__name">{props.name}</span>
        <span class="queue-cat__waiting">{t('queue.waitingN', { n: c().waitingCount })}</span>
      </div>
      <div class="queue-cat__serving">
        <span class="queue-cat__label">{t('queue.nowServing')}</span>
        <Show when={c().nowServing.length > 0} fallback={<span class="queue-cat__none">{t('common.dash')}</span>}>
          <span class="queue-cat__latest">{c().nowServing[0]?.label}</span>
          <For each={c().nowServing.slice(1, 5)}>{(tk) => <span class="queue-cat__num">{tk.label}</span>}</For>
        </Show>
      </div>
      <div class="queue-cat__next">
        <span class="queue-cat__label">{t('queue.next')}</span>
        <Show when={c().next.length > 0} fallback={<span class="queue-cat__none">{t('common.dash')}</span>}>
          <For each={c().next}>{(tk) => <span class="queue-cat__num">{tk.label}</span>}</For>
        </Show>
      </div>
      <div class="queue-call">
        <CountSelect value={props.count} onChange={props.onCount} label={t('queue.count')} />
        <button
          type="button"
          class="btn btn--go btn--sm btn--grow"
          disabled={props.busy || c().waitingCount === 0}
          onClick={() => props.onCallNext()}
        >
          <Show when={props.busy}>
            <Spinner size="sm" />
          </Show>
          {t('queue.callNext')}
        </button>
      </div>
    </div>
  );
}

/** Number, category, registration and masked phone of a ticket, with one line of detail. */
function TicketFacts(props: { ticket: QueueTicketView; name: string; detail: string }): JSX.Element {
  return (
    <span class="queue-row__facts">
      <span class="queue-row__label">{props.ticket.label}</span>
      <span class="queue-row__meta">
        {props.name}
        <Show when={props.ticket.registrationNo}>{(no) => <span class="queue-row__reg">{no()}</span>}</Show>
        <span class="queue-row__phone">{props.ticket.phoneMasked}</span>
      </span>
      <Show when={props.ticket.missedCount > 0 && props.ticket.status !== 'DROPPED'}>
        <span class="pill pill--warn">{t('queue.missedOnce')}</span>
      </Show>
      <Show when={props.detail}>
        <span class="queue-row__detail">{props.detail}</span>
      </Show>
    </span>
  );
}
