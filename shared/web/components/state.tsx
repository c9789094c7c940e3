/**
 * The empty / loading / error-with-retry state of both apps, drawn once. Each app keeps its own look: `skin` is its
 * class block (`state` in client/, `k-state` on the kiosk screens, `c-state` on the cashier desk), sized by its own
 * stylesheet; what every skin shares (a centred column) is in state.css next to this file. The words come from the
 * caller (each app has its own dictionary), so this file needs no translator.
 */
import { Show, type JSX } from 'solid-js';
import './state.css';

/** The pictures a state can show: a problem, an empty list, a document, a search that found nothing. */
export type StateIconName = 'error' | 'list' | 'document' | 'search';

/** A state's picture, 48-unit view box in the text colour; the skin sizes and colours it (`<skin>__icon`). */
export function StateIcon(props: { name: StateIconName; class: string }): JSX.Element {
  return (
    <svg class={props.class} viewBox="0 0 48 48" aria-hidden="true">
      {(() => {
        switch (props.name) {
          case 'error':
            return (
              <>
                <circle cx="24" cy="24" r="18" fill="none" stroke="currentColor" stroke-width="2.5" />
                <path d="M24 14v12M24 32v1" stroke="currentColor" stroke-width="3" stroke-linecap="round" />
              </>
            );
          case 'list':
            return (
              <>
                <rect x="8" y="6" width="32" height="36" rx="3" fill="none" stroke="currentColor" stroke-width="2.5" />
                <path
                  d="M16 14h6M26 14h6M16 22h6M26 22h6M16 30h6M26 30h6"
                  stroke="currentColor"
                  stroke-width="2.5"
                  stroke-linecap="round"
                />
              </>
            );
          case 'document':
            return (
              <>
                <rect x="11" y="6" width="26" height="36" rx="3" fill="none" stroke="currentColor" stroke-width="2.5" />
                <path d="M17 16h14M17 23h14M17 30h8" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" />
              </>
            );
          case 'search':
            return (
              <>
                <circle cx="21" cy="21" r="12" fill="none" stroke="currentColor" stroke-width="2.5" />
                <path d="M30 30l10 10" stroke="currentColor" stroke-width="3" stroke-linecap="round" />
              </>
            );
        }
      })()}
    </svg>
  );
}

/** The retry button of an error state: its words, the app's button classes, and whether it can be pressed now. */
export interface StateRetry {
  label: string;
  class: string;
  disabled?: boolean;
  onRetry: () => void;
}

/**
 * One state: `<div class="ui-state <skin> <skin>--<tone>">` with an optional spinner (loading), picture, title,
 * message, retry button and extra content. An error is announced (`role="alert"`), a load is `aria-busy`.
 */
export function StateView(props: {
  skin: string;
  tone: 'loading' | 'empty' | 'error';
  spinner?: JSX.Element;
  icon?: StateIconName;
  /** Extra class on the picture (the cashier desk greys an empty state's picture). */
  iconClass?: string;
  title?: string;
  message?: string;
  retry?: StateRetry;
  children?: JSX.Element;
}): JSX.Element {
  return (
    <div
      class={`ui-state ${props.skin} ${props.skin}--${props.tone}`}
      role={props.tone === 'error' ? 'alert' : undefined}
      aria-busy={props.tone === 'loading' ? 'true' : undefined}
    >
      {props.spinner}
      <Show when={props.icon}>
        {(name) => <StateIcon name={name()} class={`${props.skin}__icon ${props.iconClass ?? ''}`} />}
      </Show>
      <Show when={props.title}>
        <h2>{props.title}</h2>
      </Show>
      <Show when={props.message}>
        <p>{props.message}</p>
      </Show>
      <Show when={props.retry}>
        {(retry) => (
          <button type="button" class={retry().class} disabled={retry().disabled} onClick={() => retry().onRetry()}>
            {retry().label}
          </button>
        )}
      </Show>
      {props.children}
    </div>
  );
}
