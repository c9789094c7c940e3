/**
 * The fields naming a new account (first run, an administrator creating a user): a username —
 * typed in lower case, with the rule under it — and a display name.
 */
import type { JSX } from 'solid-js';
import { t } from '../lib/i18n';

export function AccountNameFields(props: {
  usernameLabel: string;
  username: string;
  onUsername: (value: string) => void;
  displayNameLabel: string;
  displayName: string;
  onDisplayName: (value: string) => void;
  /** `own`: the person is naming their own account (the browser may fill it in); `other`: someone else's. */
  autocomplete: 'own' | 'other';
  disabled?: boolean;
}): JSX.Element {
  return (
    <>
      <label class="field">
        <span class="field__label">{props.usernameLabel}</span>
        <input
          class="input"
          name="username"
          autocomplete={props.autocomplete === 'own' ? 'username' : 'off'}
          autocapitalize="none"
          spellcheck={false}
          value={props.username}
          onInput={(e) => props.onUsername(e.currentTarget.value.toLowerCase())}
          disabled={props.disabled}
        />
        <span class="field__hint">{t('username.rule')}</span>
      </label>
      <label class="field">
        <span class="field__label">{props.displayNameLabel}</span>
        <input
          class="input"
          name="display-name"
          autocomplete={props.autocomplete === 'own' ? 'name' : 'off'}
          value={props.displayName}
          onInput={(e) => props.onDisplayName(e.currentTarget.value)}
          disabled={props.disabled}
        />
      </label>
    </>
  );
}
