/**
 * /verify/:id — public (no login), opened from the QR code printed on every receipt 收据, agreement
 * 认购书, purchase plan 置业计划书 and day-end 日结. Phone first: one big verdict — authentic & current,
 * superseded (with a link to the current version), voided, or not found (possibly forged) — then
 * the facts to compare with the paper, the version, the id and the file's SHA-256.
 * Designed loading, error and offline states; going back online checks again by itself.
 */
import { For, Match, Show, Switch, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import { DOCUMENT_KIND_LABELS, type DocumentStatus, type VerifyResult } from '@kaipan/shared';
import { createApi, toApiError } from '../lib/api';
import { describeError, label, locale, t, type MessageKey } from '../lib/i18n';
import { BrandMark } from '../components/app-header';
import { ErrorState, LanguageSwitch, Spinner } from '../components/ui';
import './verify.css';

const publicApi = createApi({ kind: 'none' });

type Verdict = DocumentStatus | 'NOT_FOUND';

export default function VerifyPage(props: { id: string }): JSX.Element {
  // Plain signals, not createResource: a failed re-check must keep showing the last verdict.
  const [result, setResult] = createSignal<VerifyResult | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(true);
  const [checkedAt, setCheckedAt] = createSignal<Date | null>(null);
  const [online, setOnline] = createSignal(typeof navigator === 'undefined' ? true : navigator.onLine);
  let seq = 0;
  const check = async (): Promise<void> => {
    const mine = ++seq;
    setBusy(true);
    try {
      const r = await publicApi.verifyDocument(props.id);
      if (mine !== seq) return;
      setResult(r);
      setError(null);
      setCheckedAt(new Date());
    } catch (e) {
      if (mine === seq) setError(e);
    } finally {
      if (mine === seq) setBusy(false);
    }
  };

  onMount(() => {
    void check();
    const previousTitle = document.title;
    document.title = `${t('verify.title')} · Kaipan`;
    const up = (): void => {
      setOnline(true);
      // Back online after a failed check: check again without being asked.
      if (error() || !result()) void check();
    };
    const down = (): void => void setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    onCleanup(() => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
      document.title = previousTitle;
    });
  });

  const offline = (): boolean => !online() || (error() !== null && toApiError(error()).code === 'OFFLINE');

  return (
    <div class="page page--verify">
      <header class="vfy-head">
        <div class="vfy-head__lead">
          <BrandMark size={30} />
          <h1 class="vfy-head__title">{t('verify.title')}</h1>
        </div>
        <LanguageSwitch />
      </header>
      <main class="page__main vfy" aria-live="polite" aria-busy={busy()}>
        <Switch>
          <Match when={result()}>
            {(r) => (
              <>
                <Show when={offline() || error()}>
                  <p class="vfy-banner" role="status" data-testid="verify-stale">
                    {offline()
                      ? `${t('verify.offline')} · ${t('verify.offlineBody')}`
                      : `${t('verify.loadError')} · ${describeError(error())}`}
                  </p>
                </Show>
                <Show when={r().found} fallback={<NotFound id={r().id} />}>
                  <Found result={r()} />
                </Show>
                <Checked at={checkedAt()} busy={busy()} onAgain={() => void check()} />
              </>
            )}
          </Match>
          <Match when={error() !== null && offline()}>
            <section class="vfy-card vfy-state" data-testid="verify-offline">
              <OfflineIcon />
              <h2>{t('verify.offline')}</h2>
              <p>{t('verify.offlineBody')}</p>
              <button type="button" class="btn btn--secondary" disabled={busy()} onClick={() => void check()}>
                {t('verify.again')}
              </button>
            </section>
          </Match>
          <Match when={error() !== null}>
            <div class="vfy-card" data-testid="verify-error">
              <ErrorState title={t('verify.loadError')} message={describeError(error())} onRetry={() => void check()} />
            </div>
          </Match>
          <Match when={true}>
            <section class="vfy-hero vfy-hero--loading" data-testid="verify-loading">
              <Spinner />
              <p class="vfy-hero__title">{t('verify.checking')}</p>
              <p class="vfy-id">{props.id}</p>
            </section>
          </Match>
        </Switch>
      </main>
      <footer class="vfy-foot">{t('verify.footer')}</footer>
    </div>
  );
}

function Hero(props: {
  verdict: Verdict;
  title: string;
  lead?: string;
  body: string;
  children?: JSX.Element;
}): JSX.Element {
  return (
    <section
      class={`vfy-hero vfy-hero--${props.verdict.toLowerCase()}`}
      data-testid="verify-verdict"
      data-status={props.verdict}
    >
      <VerdictIcon verdict={props.verdict} />
      <h2 class="vfy-hero__title">{props.title}</h2>
      <Show when={props.lead}>
        <p class="vfy-hero__lead">{props.lead}</p>
      </Show>
      <p class="vfy-hero__body">{props.body}</p>
      {props.children}
    </section>
  );
}

function Found(props: { result: VerifyResult }): JSX.Element {
  const r = (): VerifyResult => props.result;
  const status = (): DocumentStatus => r().status ?? 'CURRENT';
  const titleKey = (): MessageKey => `verify.status.${status()}` as MessageKey;
  const bodyKey = (): MessageKey => `verify.status.${status()}.body` as MessageKey;
  const factLabel = (f: { label: string; labelEn: string }): string => (locale() === 'en' ? f.labelEn : f.label);
  return (
    <>
      <Hero
        verdict={status()}
        title={t(titleKey())}
        lead={r().kind ? label(DOCUMENT_KIND_LABELS, r().kind!) : undefined}
        body={t(bodyKey(), { project: r().projectName ?? '' })}
      >
        <Show when={status() === 'SUPERSEDED' && r().currentId}>
          {(current) => (
            <a
              class="btn btn--primary vfy-hero__action"
              href={`/verify/${current()}`}
              data-testid="verify-current-link"
            >
              {t('verify.viewCurrent')} →
            </a>
          )}
        </Show>
      </Hero>

      <section class="vfy-card">
        <h3 class="vfy-card__title">{t('verify.facts')}</h3>
        <p class="vfy-card__hint">{t('verify.factsHint')}</p>
        <dl class="vfy-facts">
          <div>
            <dt>{t('verify.kind')}</dt>
            <dd>{r().kind ? label(DOCUMENT_KIND_LABELS, r().kind!) : t('common.dash')}</dd>
          </div>
          <div>
            <dt>{t('verify.project')}</dt>
            <dd>{r().projectName ?? t('common.dash')}</dd>
          </div>
          <For each={r().facts ?? []}>
            {(f) => (
              <div>
                <dt>{factLabel(f)}</dt>
                <dd class="num">{f.value}</dd>
              </div>
            )}
          </For>
          <div>
            <dt>{t('verify.version')}</dt>
            <dd>{t('verify.versionN', { n: r().version ?? 1 })}</dd>
          </div>
        </dl>
      </section>

      <section class="vfy-card">
        <dl class="vfy-facts vfy-facts--ids">
          <div>
            <dt>{t('verify.documentId')}</dt>
            <dd class="vfy-mono">{r().id}</dd>
          </div>
          <div>
            <dt>{t('verify.sha256')}</dt>
            <dd class="vfy-mono vfy-mono--hash" data-testid="verify-sha">
              {r().sha256}
            </dd>
          </div>
        </dl>
        <div class="vfy-card__row">
          <p class="vfy-card__hint">{t('verify.sha256Hint')}</p>
          <CopyButton text={r().sha256 ?? ''} />
        </div>
      </section>
    </>
  );
}

function NotFound(props: { id: string }): JSX.Element {
  return (
    <>
      <Hero
        verdict="NOT_FOUND"
        title={t('verify.notFound')}
        lead={t('verify.notFoundLead')}
        body={t('verify.notFoundBody')}
      />
      <section class="vfy-card">
        <dl class="vfy-facts vfy-facts--ids">
          <div>
            <dt>{t('verify.documentId')}</dt>
            <dd class="vfy-mono">{props.id || t('common.dash')}</dd>
          </div>
        </dl>
      </section>
    </>
  );
}

function Checked(props: { at: Date | null; busy: boolean; onAgain: () => void }): JSX.Element {
  const time = (): string =>
    props.at
      ? new Intl.DateTimeFormat(locale() === 'en' ? 'en-GB' : 'zh-CN', {
          dateStyle: 'medium',
          timeStyle: 'medium',
        }).format(props.at)
      : '';
  return (
    <div class="vfy-checked">
      <span>{t('verify.checkedAt', { time: time() })}</span>
      <button type="button" class="btn btn--ghost btn--sm" disabled={props.busy} onClick={() => props.onAgain()}>
        <Show when={props.busy}>
          <Spinner size="sm" />
        </Show>
        {t('verify.again')}
      </button>
    </div>
  );
}

function CopyButton(props: { text: string }): JSX.Element {
  const [copied, setCopied] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(props.text);
      setCopied(true);
      clearTimeout(timer);
      timer = setTimeout(() => setCopied(false), 1800);
    } catch {
      // Clipboard refused (insecure context): the hash stays selectable.
    }
  };
  return (
    <button type="button" class="btn btn--secondary btn--sm" onClick={() => void copy()}>
      {copied() ? t('verify.copied') : t('verify.copy')}
    </button>
  );
}

function VerdictIcon(props: { verdict: Verdict }): JSX.Element {
  return (
    <svg class="vfy-hero__icon" viewBox="0 0 48 48" aria-hidden="true">
      <circle cx="24" cy="24" r="22" fill="currentColor" opacity="0.14" />
      <circle cx="24" cy="24" r="17" fill="currentColor" />
      <Switch>
        <Match when={props.verdict === 'CURRENT'}>
          <path
            d="M15.5 24.5l6 6 11-12"
            fill="none"
            stroke="#fff"
            stroke-width="4"
            stroke-linecap="round"
            stroke-linejoin="round"
          />
        </Match>
        <Match when={props.verdict === 'SUPERSEDED'}>
          <path
            d="M16 20h14l-4-4M32 28H18l4 4"
            fill="none"
            stroke="#fff"
            stroke-width="3.4"
            stroke-linecap="round"
            stroke-linejoin="round"
          />
        </Match>
        <Match when={props.verdict === 'VOIDED'}>
          <path
            d="M17.5 17.5l13 13M30.5 17.5l-13 13"
            fill="none"
            stroke="#fff"
            stroke-width="4"
            stroke-linecap="round"
          />
        </Match>
        <Match when={true}>
          <path
            d="M19.5 19.5a4.5 4.5 0 1 1 6.4 4.1c-1.3.6-1.9 1.5-1.9 2.9v.5"
            fill="none"
            stroke="#fff"
            stroke-width="3.4"
            stroke-linecap="round"
          />
          <circle cx="24" cy="32.5" r="2.2" fill="#fff" />
        </Match>
      </Switch>
    </svg>
  );
}

function OfflineIcon(): JSX.Element {
  return (
    <svg class="state__icon" viewBox="0 0 48 48" aria-hidden="true">
      <path
        d="M8 18a24 24 0 0 1 32 0M14 25a15 15 0 0 1 20 0M20 32a6 6 0 0 1 8 0"
        fill="none"
        stroke="currentColor"
        stroke-width="2.8"
        stroke-linecap="round"
      />
      <path d="M10 10l28 28" stroke="currentColor" stroke-width="2.8" stroke-linecap="round" />
    </svg>
  );
}
