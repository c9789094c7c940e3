/**
 * One button that produces a document 文件 (置业计划书, 认购书 …): press → the server renders it
 * (progress from the render job) → "Open PDF" / "Download" and, on wide screens, an in-page
 * preview. The PDF is fetched with the session token and opened as an object URL, so it opens on
 * phones too. Errors (coded, offline, timeout) show in place with Retry. A changed request (another
 * payment plan chosen …) puts the button back to its first state. A sample source (the terms
 * page's 认购书 preview) is fetched in one request and shown the same way, marked as a sample.
 */
import { Match, Show, Switch, createEffect, createMemo, createSignal, on, onCleanup, type JSX } from 'solid-js';
import type { DocumentInfo } from '@kaipan/shared';
import { describeError, t } from '../lib/i18n';
import {
  isSampleSource,
  pdfFileName,
  produceDocument,
  produceSample,
  type DocumentPhase,
  type DocumentSource,
} from '../lib/documents';
import { Spinner } from './ui';
import './document-button.css';

type View =
  | { state: 'idle' }
  | { state: 'working'; phase: DocumentPhase; progress: number }
  /** document null: a sample (nothing stored). */
  | { state: 'ready'; document: DocumentInfo | null; url: string }
  | { state: 'error'; message: string };

const PHASE_KEYS = {
  requesting: 'doc.phase.requesting',
  waiting: 'doc.phase.waiting',
  active: 'doc.phase.active',
  downloading: 'doc.phase.downloading',
} as const;

/** Object URLs outlive the component a little: a tab opened from it may still be loading. */
const REVOKE_AFTER_MS = 60_000;

export function DocumentButton(props: {
  /** What to render (a stored document or a sample); undefined disables the button. */
  request: DocumentSource | undefined;
  label: string;
  /** Shown under the button while it cannot be pressed (offline …). */
  disabledHint?: string | null;
  /** An in-page preview of the PDF on wide screens. */
  preview?: boolean;
  /** Secondary (default) or primary look. */
  primary?: boolean;
  testId?: string;
  onReady?: (document: DocumentInfo) => void;
}): JSX.Element {
  const [view, setView] = createSignal<View>({ state: 'idle' });
  let controller: AbortController | null = null;
  let url: string | null = null;

  const release = (): void => {
    const old = url;
    url = null;
    if (old) setTimeout(() => URL.revokeObjectURL(old), REVOKE_AFTER_MS);
  };
  const reset = (): void => {
    controller?.abort();
    controller = null;
    release();
    setView({ state: 'idle' });
  };
  // Another unit / plan / deal: what was produced no longer answers the request. Compared by value
  // (a memo notifies only when the string changes): the request is recomputed whenever anything it
  // is read from is touched — a live frame for the unit, the terms re-read — and a reset then would
  // silently drop a press that is rendering the very same request.
  const requestKey = createMemo(() => JSON.stringify(props.request ?? null));
  createEffect(on(requestKey, reset, { defer: true }));
  onCleanup(() => {
    controller?.abort();
    release();
  });

  const run = async (): Promise<void> => {
    const body = props.request;
    if (!body || view().state === 'working') return;
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    setView({ state: 'working', phase: 'requesting', progress: 0 });
    try {
      const progress = (phase: DocumentPhase, n: number): void => {
        if (!mine.signal.aborted) setView({ state: 'working', phase, progress: n });
      };
      const { document, pdf } = isSampleSource(body)
        ? { document: null, pdf: await produceSample(body, progress) }
        : await produceDocument(body, progress, mine.signal);
      if (mine.signal.aborted) return;
      release();
      url = URL.createObjectURL(pdf);
      setView({ state: 'ready', document, url });
      if (document) props.onReady?.(document);
    } catch (err) {
      if (!mine.signal.aborted) setView({ state: 'error', message: describeError(err) });
    }
  };

  const working = (): Extract<View, { state: 'working' }> | undefined => {
    const v = view();
    return v.state === 'working' ? v : undefined;
  };
  const ready = (): Extract<View, { state: 'ready' }> | undefined => {
    const v = view();
    return v.state === 'ready' ? v : undefined;
  };
  const failed = (): Extract<View, { state: 'error' }> | undefined => {
    const v = view();
    return v.state === 'error' ? v : undefined;
  };
  const blocked = (): boolean => !props.request || !!props.disabledHint;

  return (
    <div class="docbtn" data-testid={props.testId} data-state={view().state}>
      <div class="docbtn__row">
        <button
          type="button"
          class="btn docbtn__btn"
          classList={{ 'btn--primary': props.primary, 'btn--secondary': !props.primary }}
          disabled={blocked() || view().state === 'working'}
          aria-busy={view().state === 'working'}
          onClick={() => void run()}
        >
          <Show
            when={working()}
            fallback={
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                <path d="M7 3h7l5 5v13H7z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
                <path
                  d="M14 3v5h5M10 13h6M10 17h6"
                  fill="none"
                  stroke="currentColor"
                  stroke-width="2"
                  stroke-linecap="round"
                />
              </svg>
            }
          >
            <Spinner size="sm" />
          </Show>
          <span>{ready() ? t('doc.again', { label: props.label }) : props.label}</span>
        </button>
        <Show when={props.disabledHint}>{(hint) => <span class="docbtn__hint">{hint()}</span>}</Show>
      </div>

      <Switch>
        <Match when={working()}>
          {(w) => (
            <div class="docbtn__progress" role="status" data-testid="document-progress">
              <span class="docbtn__phase">
                {t(PHASE_KEYS[w().phase])}
                <Show when={w().phase === 'active' || w().phase === 'waiting'}> {w().progress}%</Show>
              </span>
              <div
                class="docbtn__bar"
                role="progressbar"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={w().progress}
                aria-label={t('doc.progress')}
              >
                <div class="docbtn__fill" style={{ width: `${Math.max(4, w().progress)}%` }} />
              </div>
            </div>
          )}
        </Match>
        <Match when={failed()}>
          {(f) => (
            <div class="alert alert--error docbtn__error" role="alert" data-testid="document-error">
              <span>
                <strong>{t('doc.failed')}</strong> {f().message}
              </span>
              <button type="button" class="btn btn--ghost btn--sm" onClick={() => void run()}>
                {t('common.retry')}
              </button>
            </div>
          )}
        </Match>
        <Match when={ready()}>
          {(r) => (
            <div
              class="docbtn__ready"
              data-testid="document-ready"
              data-document-id={r().document?.id}
              data-sample={r().document ? undefined : 'true'}
            >
              <div class="docbtn__meta">
                <strong class="docbtn__title">{r().document?.title ?? t('doc.sampleTitle')}</strong>
                <span class="docbtn__sub">
                  {(() => {
                    const d = r().document;
                    return d ? t('doc.meta', { version: d.version, pages: d.pages }) : t('doc.sampleMeta');
                  })()}
                </span>
              </div>
              <div class="docbtn__actions">
                <a
                  class="btn btn--primary btn--sm"
                  href={r().url}
                  target="_blank"
                  rel="noopener"
                  data-testid="document-open"
                >
                  {t('doc.open')}
                </a>
                <a
                  class="btn btn--ghost btn--sm"
                  href={r().url}
                  download={(() => {
                    const d = r().document;
                    return d ? pdfFileName(d) : t('doc.sampleFile');
                  })()}
                >
                  {t('doc.download')}
                </a>
              </div>
              <Show when={props.preview}>
                <iframe
                  class="docbtn__frame"
                  src={`${r().url}#view=FitH`}
                  title={r().document?.title ?? t('doc.sampleTitle')}
                  data-testid="document-preview"
                />
              </Show>
            </div>
          )}
        </Match>
      </Switch>
    </div>
  );
}
