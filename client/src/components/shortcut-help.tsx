/**
 * The "?" list of a screen's keyboard shortcuts: a small modal dialog (Escape or its button closes it,
 * the focus comes back to where it was).
 */
import { For, Show, createEffect, onCleanup, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import { holdModalFocus } from '@kaipan/web/components/modal-focus';
import { t } from '../lib/i18n';
import './shortcut-help.css';

/** One line of the list: the keys as printed on the keyboard, and what they do. */
export interface ShortcutLine {
  keys: readonly string[];
  label: string;
}

export function ShortcutHelp(props: {
  open: boolean;
  title: string;
  note?: string;
  lines: readonly ShortcutLine[];
  onClose: () => void;
}): JSX.Element {
  let box: HTMLDivElement | undefined;
  let closeButton: HTMLButtonElement | undefined;
  createEffect(() => {
    if (!props.open) return;
    onCleanup(holdModalFocus(() => box, { onEscape: () => props.onClose(), locked: () => false }));
    queueMicrotask(() => closeButton?.focus());
  });
  return (
    <Show when={props.open}>
      <Portal>
        <div class="dialog-backdrop" onClick={() => props.onClose()}>
          <div
            ref={box}
            class="dialog shortcut-help"
            role="dialog"
            aria-modal="true"
            aria-labelledby="shortcut-help-title"
            data-testid="shortcut-help"
            onClick={(e) => e.stopPropagation()}
          >
            <h2 id="shortcut-help-title">{props.title}</h2>
            <dl class="shortcut-help__list">
              <For each={props.lines}>
                {(line) => (
                  <div class="shortcut-help__row">
                    <dt>
                      <For each={line.keys}>{(k) => <kbd>{k}</kbd>}</For>
                    </dt>
                    <dd>{line.label}</dd>
                  </div>
                )}
              </For>
            </dl>
            <Show when={props.note}>
              <p class="shortcut-help__note">{props.note}</p>
            </Show>
            <div class="dialog__actions">
              <button ref={closeButton} type="button" class="btn btn--secondary" onClick={() => props.onClose()}>
                {t('common.close')}
              </button>
            </div>
          </div>
        </div>
      </Portal>
    </Show>
  );
}
