/**
 * The "deactivate / activate" button of a user row (the accounts list, /setup/users, and sign-in
 * security, /admin/security): deactivate for an active account (never one's own), activate for a
 * deactivated one. The page confirms and calls the API.
 */
import { Show, type JSX } from 'solid-js';
import type { UserAccountInfo } from '@kaipan/shared';
import { t } from '../lib/i18n';
import './user-active-button.css';

export function UserActiveButton(props: {
  user: UserAccountInfo;
  /** The signed-in administrator: may not deactivate themself. */
  selfId: string;
  onChoose: (kind: 'deactivate' | 'activate') => void;
}): JSX.Element {
  return (
    <Show
      when={props.user.active}
      fallback={
        <button type="button" class="btn btn--secondary btn--sm" onClick={() => props.onChoose('activate')}>
          {t('users.activate')}
        </button>
      }
    >
      <button
        type="button"
        class="btn btn--secondary btn--sm user-active__deactivate"
        disabled={props.user.id === props.selfId}
        onClick={() => props.onChoose('deactivate')}
      >
        {t('users.deactivate')}
      </button>
    </Show>
  );
}
