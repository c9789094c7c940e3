/**
 * The password parts of every form: an input with a show/hide toggle (sign-in, first run, change
 * password, users), the "new + repeat" pair, and the message for a password the rules refuse.
 */
import { Show, createSignal, type JSX } from 'solid-js';
import { passwordProblem } from '@kaipan/shared';
import { t, type MessageKey } from '../lib/i18n';

/**
 * Why a new password cannot be used (the shared rules, then the repeat when one is given), as a
 * message to show; null when it can.
 */
export function newPasswordError(password: string, username: string, repeat?: string): string | null {
  const rule = passwordProblem(password, username);
  if (rule) return t(`password.rule.${rule}` as MessageKey);
  if (repeat !== undefined && password !== repeat) return t('password.mismatch');
  return null;
}

export function PasswordField(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  autocomplete: 'current-password' | 'new-password';
  disabled?: boolean;
  invalid?: boolean;
  hint?: string;
  name?: string;
  placeholder?: string;
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
          placeholder={props.placeholder}
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

/** A new password (with the rules under it) and its repeat. */
export function NewPasswordFields(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  repeat: string;
  onRepeat: (value: string) => void;
  /** The new password's input name (the repeat's is `repeat-password`). */
  name: string;
  disabled?: boolean;
}): JSX.Element {
  return (
    <>
      <PasswordField
        label={props.label}
        name={props.name}
        autocomplete="new-password"
        value={props.value}
        onInput={props.onInput}
        disabled={props.disabled}
        hint={t('password.rules')}
      />
      <PasswordField
        label={t('password.repeat')}
        name="repeat-password"
        autocomplete="new-password"
        value={props.repeat}
        onInput={props.onRepeat}
        disabled={props.disabled}
      />
    </>
  );
}
