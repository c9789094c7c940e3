/** The on-screen numeric keypad: 1–9, clear, 0, delete; big enough for a thumb on a touch screen. */
import { For, onCleanup, type JSX } from 'solid-js';
import { t } from '../lib/i18n';
import { keyFromKeyboard, type KeypadKey } from '../lib/keypad';

const KEYS: KeypadKey[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'del'];

export function Keypad(props: { onKey: (key: KeypadKey) => void; disabled?: boolean }): JSX.Element {
  // A USB keypad or keyboard works too (service staff, tests).
  const onKeyDown = (e: KeyboardEvent): void => {
    if (props.disabled || e.target instanceof HTMLInputElement) return;
    const key = keyFromKeyboard(e.key);
    if (key) {
      e.preventDefault();
      props.onKey(key);
    }
  };
  window.addEventListener('keydown', onKeyDown);
  onCleanup(() => window.removeEventListener('keydown', onKeyDown));
  return (
    <div class="k-keypad" role="group">
      <For each={KEYS}>
        {(key) => (
          <button
            type="button"
            class="k-keypad__key"
            classList={{ 'k-keypad__key--fn': key === 'del' || key === 'clear' }}
            data-key={key}
            disabled={props.disabled}
            aria-label={key === 'del' ? t('keypad.delete') : key === 'clear' ? t('keypad.clear') : key}
            onClick={() => props.onKey(key)}
          >
            {key === 'del' ? (
              <svg viewBox="0 0 24 24" width="44" height="44" aria-hidden="true">
                <path
                  d="M9 5h10a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-6-7z"
                  fill="none"
                  stroke="currentColor"
                  stroke-width="1.8"
                  stroke-linejoin="round"
                />
                <path d="M12 9l6 6M18 9l-6 6" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
              </svg>
            ) : key === 'clear' ? (
              t('keypad.clear')
            ) : (
              key
            )}
          </button>
        )}
      </For>
    </div>
  );
}
