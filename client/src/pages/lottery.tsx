/**
 * /lottery/:drawId — the public lottery page 摇号公示 (no login): commitments, status, and once drawn
 * the seed, the selection order, downloads (verification JSON, PDF) and an in-browser check that
 * runs the same verifier as `npm run verify-lottery` (verifyDraw from @kaipan/shared).
 */
import { For, Match, Show, Switch, createMemo, createSignal, onCleanup, type JSX } from 'solid-js';
import {
  lotteryPaths,
  lotteryRecordSchema,
  verifyDraw,
  type DrawVerification,
  type LotteryDrawInfo,
  formatZonedDateTime,
  LOTTERY_STATUS_LABELS,
} from '@kaipan/shared';
import { createApi, toApiError } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { describeError, locale, t, label } from '../lib/i18n';
import { AppHeader } from '../components/app-header';
import { ErrorState, LoadingState, Spinner } from '../components/ui';
import './lottery.css';

const publicApi = createApi({ kind: 'none' });
/** While the draw is pending the page looks again every so often, so it shows the result by itself. */
const POLL_MS = 10_000;

export default function LotteryPage(props: { drawId: string }): JSX.Element {
  const draw = createLoad(
    () => props.drawId,
    (id) => publicApi.publicLottery(id),
  );
  const timer = setInterval(() => {
    if (draw.value()?.status === 'COMMITTED' && !draw.loading()) void draw.refetch();
  }, POLL_MS);
  onCleanup(() => clearInterval(timer));

  const projectName = (): string => {
    const d = draw.value();
    if (!d) return '';
    return locale() === 'en' ? d.projectNameEn || d.projectName : d.projectName;
  };

  return (
    <div class="page page--lottery">
      <AppHeader title={t('lottery.publicTitle')} subtitle={projectName()} />
      <main class="page__main lottery">
        <Switch>
          <Match when={draw.error() && !draw.value()}>
            <Show
              when={
                toApiError(draw.error()).code === 'NOT_FOUND' || toApiError(draw.error()).code === 'VALIDATION_FAILED'
              }
              fallback={
                <ErrorState
                  title={t('lottery.publicTitle')}
                  message={describeError(draw.error())}
                  onRetry={() => void draw.refetch()}
                />
              }
            >
              <ErrorState title={t('lottery.notFound')} message={t('lottery.notFoundBody')} />
            </Show>
          </Match>
          <Match when={draw.value()}>{(d) => <LotteryView draw={d()} />}</Match>
          <Match when={true}>
            <LoadingState />
          </Match>
        </Switch>
      </main>
    </div>
  );
}

function LotteryView(props: { draw: LotteryDrawInfo }): JSX.Element {
  const paths = (): ReturnType<typeof lotteryPaths> => lotteryPaths(props.draw.id, location.origin);
  const drawn = (): boolean => props.draw.status === 'DRAWN';
  return (
    <>
      <section class="lottery__card">
        <div class="lottery__head">
          <h2 class="lottery__title">{props.draw.title}</h2>
          <span class="pill" classList={{ 'pill--ok': drawn(), 'pill--warn': !drawn() }}>
            {label(LOTTERY_STATUS_LABELS, drawn() ? 'DRAWN' : 'COMMITTED')}
          </span>
        </div>
        <dl class="lottery__facts">
          <div>
            <dt>{t('lottery.entries')}</dt>
            <dd class="num">{t('lottery.entriesN', { n: props.draw.entries.length })}</dd>
          </div>
          <div>
            <dt>{t('lottery.committedAt')}</dt>
            <dd class="num">{formatZonedDateTime(props.draw.committedAt, props.draw.timezone)}</dd>
          </div>
          <div>
            <dt>{t('lottery.drawnAt')}</dt>
            <dd class="num">
              {props.draw.drawnAt ? formatZonedDateTime(props.draw.drawnAt, props.draw.timezone) : t('common.dash')}
            </dd>
          </div>
          <div>
            <dt>{t('lottery.algorithm')}</dt>
            <dd>{props.draw.version}</dd>
          </div>
        </dl>
        <dl class="lottery__hashes">
          <dt>{t('lottery.listCommitment')}</dt>
          <dd class="lottery__hash">{props.draw.listCommitment}</dd>
          <dt>{t('lottery.seedCommitment')}</dt>
          <dd class="lottery__hash">{props.draw.seedCommitment}</dd>
          <dt>{t('lottery.seed')}</dt>
          <dd class="lottery__hash" classList={{ 'lottery__hash--hidden': !props.draw.seed }}>
            {props.draw.seed ?? t('lottery.seedHidden')}
          </dd>
        </dl>
        <Show when={!drawn()}>
          <p class="panel__note">{t('lottery.waiting')}</p>
        </Show>
      </section>

      <Show when={drawn() ? props.draw : null}>
        {(d) => (
          <>
            <VerifyBox draw={d()} />
            <section class="lottery__card lottery__downloads">
              <a class="btn btn--secondary" href={paths().record} download="record.json">
                {t('lottery.downloadJson')}
              </a>
              <a class="btn btn--secondary" href={paths().pdf} target="_blank" rel="noopener">
                {t('lottery.downloadPdf')}
              </a>
              <div class="lottery__cli">
                <span class="muted">{t('lottery.cli')}</span>
                <code>npm run verify-lottery -- record.json</code>
              </div>
            </section>
            <OrderList draw={d()} />
          </>
        )}
      </Show>

      <details class="lottery__card lottery__list">
        <summary>
          {t('lottery.list')} · {t('lottery.entriesN', { n: props.draw.entries.length })}
        </summary>
        <p class="lottery__plain num">{props.draw.entries.join('  ')}</p>
      </details>
    </>
  );
}

type VerifyState =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'done'; result: DrawVerification; n: number }
  | { kind: 'error'; message: string };

/** Downloads the verification file itself (what a skeptic would download) and checks it here. */
function VerifyBox(props: { draw: LotteryDrawInfo }): JSX.Element {
  const [state, setState] = createSignal<VerifyState>({ kind: 'idle' });
  const run = async (): Promise<void> => {
    setState({ kind: 'running' });
    try {
      const raw = await publicApi.lotteryRecord(props.draw.id);
      const parsed = lotteryRecordSchema.safeParse(raw);
      if (!parsed.success) {
        setState({
          kind: 'error',
          message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        });
        return;
      }
      // Let the spinner paint before a long list keeps the main thread busy.
      await new Promise((r) => setTimeout(r, 30));
      const result = verifyDraw(parsed.data);
      // The file must also match what this page showed as published.
      if (
        parsed.data.listCommitment !== props.draw.listCommitment ||
        parsed.data.seedCommitment !== props.draw.seedCommitment
      ) {
        result.ok = false;
        result.problems.push('the file’s commitments differ from the ones published on this page');
      }
      setState({ kind: 'done', result, n: parsed.data.order.length });
    } catch (err) {
      setState({ kind: 'error', message: describeError(err) });
    }
  };
  return (
    <section class="lottery__card lottery__verify">
      <div class="lottery__verify-row">
        <button type="button" class="btn btn--primary" disabled={state().kind === 'running'} onClick={() => void run()}>
          <Show when={state().kind === 'running'} fallback={t('lottery.verify')}>
            <Spinner size="sm" /> {t('lottery.verifying')}
          </Show>
        </button>
        <p class="muted lottery__how">{t('lottery.verifyHow')}</p>
      </div>
      <Switch>
        <Match when={state().kind === 'done' && (state() as Extract<VerifyState, { kind: 'done' }>)}>
          {(s) => (
            <div
              class={s().result.ok ? 'lottery__result lottery__result--ok' : 'lottery__result lottery__result--bad'}
              role="status"
            >
              <span class="lottery__mark" aria-hidden="true">
                {s().result.ok ? '✓' : '✗'}
              </span>
              <div>
                <strong>{s().result.ok ? t('lottery.verifyOk', { n: s().n }) : t('lottery.verifyFail')}</strong>
                <Show when={s().result.firstDifference !== null && s().result.expectedOrder}>
                  <p>
                    {t('lottery.firstDifference', {
                      n: (s().result.firstDifference ?? 0) + 1,
                      expected: s().result.expectedOrder?.[s().result.firstDifference ?? 0] ?? '—',
                      published: props.draw.order?.[s().result.firstDifference ?? 0] ?? '—',
                    })}
                  </p>
                </Show>
                <For each={s().result.ok ? [] : s().result.problems}>{(p) => <p class="lottery__problem">{p}</p>}</For>
              </div>
            </div>
          )}
        </Match>
        <Match when={state().kind === 'error' && (state() as Extract<VerifyState, { kind: 'error' }>)}>
          {(s) => <div class="alert alert--error">{s().message}</div>}
        </Match>
      </Switch>
    </section>
  );
}

function OrderList(props: { draw: LotteryDrawInfo }): JSX.Element {
  const [query, setQuery] = createSignal('');
  const order = (): string[] => props.draw.order ?? [];
  const positions = createMemo(() => new Map(order().map((label, i) => [label, i + 1])));
  /** "r7", "7", "R0007" → "R0007"; anything else as typed. */
  const wanted = (): string => {
    const q = query().trim();
    const m = /^[Rr]?0*(\d{1,9})$/.exec(q);
    return m ? `R${m[1]!.padStart(4, '0')}` : q.toUpperCase();
  };
  const found = (): number | undefined => positions().get(wanted());
  return (
    <section class="lottery__card">
      <div class="lottery__order-head">
        <div>
          <h2 class="panel__title">{t('lottery.order')}</h2>
          <span class="muted lottery__hint">{t('lottery.orderHint')}</span>
        </div>
        <label class="lottery__find">
          <input
            class="input input--sm"
            type="search"
            inputmode="text"
            autocomplete="off"
            placeholder={t('lottery.findPlaceholder')}
            aria-label={t('lottery.find')}
            value={query()}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </label>
      </div>
      <Show when={query().trim()}>
        <p class="lottery__found" classList={{ 'lottery__found--miss': found() === undefined }} role="status">
          {found() !== undefined
            ? t('lottery.foundAt', { label: wanted(), n: found() ?? 0 })
            : t('lottery.notInDraw', { label: wanted() })}
        </p>
      </Show>
      <ol class="lottery__order">
        <For each={order()}>
          {(label, i) => (
            <li classList={{ 'lottery__pos--hit': label === wanted() }}>
              <span class="lottery__n num">{i() + 1}</span>
              <span class="lottery__label num">{label}</span>
            </li>
          )}
        </For>
      </ol>
    </section>
  );
}
