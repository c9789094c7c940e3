/** Small shared building blocks: states, dialogs, language switch, toasts. */
import { For, Show, createEffect, onCleanup, type Accessor, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import type { Load } from '@kaipan/web/resource';
import { describeError, locale, t, toggleLocale } from '../lib/i18n';
import { dismissToast, toasts } from '../stores/toasts';
import { LanguageSwitch as SharedLanguageSwitch } from '@kaipan/web/components/language-switch';
import { holdModalFocus } from '@kaipan/web/components/modal-focus';
import { StateView } from '@kaipan/web/components/state';

export function Spinner(props: { label?: string; size?: 'sm' | 'md' }): JSX.Element {
  return (
    <span
      class="spinner"
      classList={{ 'spinner--sm': props.size === 'sm' }}
      role="status"
      aria-label={props.label ?? t('common.loading')}
    />
  );
}

export function LoadingState(props: { label?: string }): JSX.Element {
  return <StateView skin="state" tone="loading" spinner={<Spinner />} message={props.label ?? t('common.loading')} />;
}

export function EmptyState(props: { title: string; hint?: string; children?: JSX.Element }): JSX.Element {
  return (
    <StateView skin="state" tone="empty" icon="list" title={props.title} message={props.hint}>
      {props.children}
    </StateView>
  );
}

export function ErrorState(props: { title: string; message: string; onRetry?: () => void }): JSX.Element {
  return (
    <StateView
      skin="state"
      tone="error"
      icon="error"
      title={props.title}
      message={props.message}
      retry={props.onRetry && { label: t('common.retry'), class: 'btn btn--primary', onRetry: props.onRetry }}
    />
  );
}

/**
 * What a section shows of one load: the error with a retry while there is nothing to show, loading
 * before the first answer, then `children` (kept on screen through a failed reload).
 */
export function Loaded<T>(props: {
  load: Load<T>;
  errorTitle: string;
  /** What to show of the value (as `<Show>` takes it: elements, or a function of the value's accessor). */
  children: JSX.Element | ((value: Accessor<NonNullable<T>>) => JSX.Element);
}): JSX.Element {
  return (
    <>
      <Show when={props.load.error() && !props.load.value()}>
        <ErrorState
          title={props.errorTitle}
          message={describeError(props.load.error())}
          onRetry={() => void props.load.refetch()}
        />
      </Show>
      <Show when={props.load.value()} fallback={<Show when={!props.load.error()}>{<LoadingState />}</Show>}>
        {props.children}
      </Show>
    </>
  );
}

/** A form's main submit button: full width, large, with a spinner and `busyLabel` while busy. */
export function SubmitButton(props: { busy: boolean; label: string; busyLabel: string }): JSX.Element {
  return (
    <button type="submit" class="btn btn--primary btn--block btn--lg" disabled={props.busy}>
      <Show when={props.busy}>
        <Spinner size="sm" />
      </Show>
      {props.busy ? props.busyLabel : props.label}
    </button>
  );
}

/** An inline error under a form or a panel; renders nothing when there is no message. */
export function ErrorAlert(props: { message: string | null | undefined | false }): JSX.Element {
  return (
    <Show when={props.message}>
      {(msg) => (
        <div class="alert alert--error" role="alert">
          {msg()}
        </div>
      )}
    </Show>
  );
}

export function LanguageSwitch(props: { class?: string }): JSX.Element {
  return (
    <SharedLanguageSwitch
      language={{ locale, toggleLocale }}
      class={`btn btn--ghost lang-switch ${props.class ?? ''}`}
      iconSize={18}
      label={t('common.switchLanguage')}
      ariaLabel={t('common.language')}
    />
  );
}

/** A modal confirmation (pause sales, release a batch). */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  body: string;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}): JSX.Element {
  let box: HTMLDivElement | undefined;
  let confirmButton: HTMLButtonElement | undefined;
  createEffect(() => {
    if (!props.open) return;
    onCleanup(holdModalFocus(() => box, { onEscape: () => props.onCancel(), locked: () => props.busy === true }));
    queueMicrotask(() => confirmButton?.focus());
  });
  return (
    <Show when={props.open}>
      <Portal>
        <div class="dialog-backdrop" onClick={() => !props.busy && props.onCancel()}>
          <div
            ref={box}
            class="dialog"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="dialog-title"
            onClick={(e) => e.stopPropagation()}
          >
            <h2 id="dialog-title">{props.title}</h2>
            <p>{props.body}</p>
            <div class="dialog__actions">
              <button type="button" class="btn btn--secondary" disabled={props.busy} onClick={() => props.onCancel()}>
                {t('common.cancel')}
              </button>
              <button
                ref={confirmButton}
                type="button"
                class="btn"
                classList={{ 'btn--danger': props.danger, 'btn--primary': !props.danger }}
                disabled={props.busy}
                onClick={() => props.onConfirm()}
              >
                <Show when={props.busy}>
                  <Spinner size="sm" />
                </Show>
                {props.confirmLabel}
              </button>
            </div>
          </div>
        </div>
      </Portal>
    </Show>
  );
}

export function Toasts(): JSX.Element {
  return (
    <div class="toasts" aria-live="polite">
      <For each={toasts()}>
        {(toast) => (
          <div class={`toast toast--${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
            <span>{toast.text}</span>
            <button
              type="button"
              class="toast__close"
              aria-label={t('common.close')}
              onClick={() => dismissToast(toast.id)}
            >
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
