/** A password input with a show/hide toggle, as on the sign-in page; used by every form that sets a password. */
import { Show, createSignal, type JSX } from 'solid-js';
import { t } from '../lib/i18n';

export function PasswordField(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  autocomplete: 'current-password' | 'new-password';
  disabled?: boolean;
  invalid?: boolean;
  hint?: string;
  name?: string;
}): JSX.Element {
  const [shown, setShown] = createSignal(false);
  return (
    <label class="field">
      <span class="field__label">{props.label}</span>
      <div class="input-group">
        <input
          class="input"
          name={props.name}
          type={shown() ? 'text' : 'password'}
          autocomplete={props.autocomplete}
          autocapitalize="none"
          spellcheck={false}
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
          disabled={props.disabled}
          aria-invalid={props.invalid}
        />
        <button
          type="button"
          class="input-group__btn"
          onClick={() => setShown(!shown())}
          aria-label={shown() ? t('login.hidePassword') : t('login.showPassword')}
          aria-pressed={shown()}
        >
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path
              d="M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z"
              fill="none"
              stroke="currentColor"
              stroke-width="1.8"
            />
            <circle cx="12" cy="12" r="3" fill="none" stroke="currentColor" stroke-width="1.8" />
            <Show when={shown()}>
              <path d="M4 4l16 16" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
            </Show>
          </svg>
        </button>
      </div>
      <Show when={props.hint}>
        <span class="field__hint">{props.hint}</span>
      </Show>
    </label>
  );
}
