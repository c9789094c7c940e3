/** Live-connection indicator: a dot, a word and the time of the last update (project time zone). */
import { Show, type JSX } from 'solid-js';
import { formatClock } from '@kaipan/shared';
import { t, type MessageKey } from '../lib/i18n';
import type { ConnectionState } from '../stores/units';
import './connection.css';

const LABEL: Record<ConnectionState, MessageKey> = {
  connecting: 'conn.connecting',
  online: 'conn.online',
  offline: 'conn.offline',
  resyncing: 'conn.resyncing',
};

export function ConnectionIndicator(props: {
  state: ConnectionState;
  lastUpdate: number | null;
  timeZone: string;
  variant?: 'light' | 'dark';
  /** Hide the last-update time (very narrow headers). */
  compact?: boolean;
}): JSX.Element {
  return (
    <div class={`conn conn--${props.state} conn--${props.variant ?? 'light'}`} role="status" aria-live="polite">
      <span class="conn__dot" aria-hidden="true" />
      <span class="conn__label">{t(LABEL[props.state])}</span>
      <Show when={!props.compact}>
        <span class="conn__time">
          {props.lastUpdate === null
            ? t('conn.never')
            : t('conn.lastUpdate', { time: formatClock(props.lastUpdate, props.timeZone) })}
        </span>
      </Show>
    </div>
  );
}
