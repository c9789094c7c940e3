/** A bottom sheet on phones, a centred panel on wider screens. */
import { Show, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import { t } from '../lib/i18n';
import { useModal } from '../lib/modal';
import './bottom-sheet.css';

export function BottomSheet(props: {
  open: boolean;
  title: JSX.Element;
  subtitle?: JSX.Element;
  onClose: () => void;
  children: JSX.Element;
  /** Colour strip at the top of the sheet (unit status). */
  accent?: string;
}): JSX.Element {
  useModal({ open: () => props.open, onClose: () => props.onClose() });
  return (
    <Show when={props.open}>
      <Portal>
        <div class="sheet-backdrop" onClick={() => props.onClose()}>
          <section
            class="sheet"
            role="dialog"
            aria-modal="true"
            aria-labelledby="sheet-title"
            onClick={(e) => e.stopPropagation()}
            style={{ '--sheet-accent': props.accent ?? 'transparent' }}
          >
            <div class="sheet__grip" aria-hidden="true" />
            <header class="sheet__header">
              <div>
                <h2 id="sheet-title" class="sheet__title">
                  {props.title}
                </h2>
                <Show when={props.subtitle}>
                  <div class="sheet__subtitle">{props.subtitle}</div>
                </Show>
              </div>
              <button type="button" class="icon-btn" aria-label={t('common.close')} onClick={() => props.onClose()}>
                <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                  <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />
                </svg>
              </button>
            </header>
            <div class="sheet__body">{props.children}</div>
          </section>
        </div>
      </Portal>
    </Show>
  );
}
