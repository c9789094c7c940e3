/** Sales-paused, system-fault and connection banners shown above live screens. */
import { Show, type JSX } from 'solid-js';
import type { Dependency } from '@kaipan/shared';
import { t } from '../lib/i18n';
import type { ConnectionState } from '../stores/units';

export function StatusBanners(props: {
  paused: boolean;
  connection: ConnectionState;
  loaded: boolean;
  /** The server's dependency that is down (selling paused until it is back), or null. */
  blockedBy?: Dependency | null;
}): JSX.Element {
  return (
    <div class="banners">
      <Show when={props.connection !== 'offline' && props.blockedBy}>
        {(dependency) => (
          <div class="banner banner--system" role="alert">
            <span class="spinner spinner--sm spinner--light" aria-hidden="true" />
            <div>
              <strong>{t(dependency() === 'postgres' ? 'banner.systemPostgres' : 'banner.systemRedis')}</strong>
              <span class="banner__body">
                {t(dependency() === 'postgres' ? 'banner.systemBodyPostgres' : 'banner.systemBodyRedis')}
              </span>
            </div>
          </div>
        )}
      </Show>
      <Show when={props.paused}>
        <div class="banner banner--paused" role="alert">
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <rect x="6" y="5" width="4" height="14" rx="1" fill="currentColor" />
            <rect x="14" y="5" width="4" height="14" rx="1" fill="currentColor" />
          </svg>
          <div>
            <strong>{t('banner.paused')}</strong>
            <span class="banner__body">{t('banner.pausedBody')}</span>
          </div>
        </div>
      </Show>
      <Show when={props.connection === 'offline'}>
        <div class="banner banner--offline" role="status">
          <span class="banner__pulse" aria-hidden="true" />
          <span>{t('banner.offline')}</span>
        </div>
      </Show>
      <Show when={props.connection === 'resyncing' && props.loaded}>
        <div class="banner banner--sync" role="status">
          <span class="spinner spinner--sm" aria-hidden="true" />
          <span>{t('banner.resyncing')}</span>
        </div>
      </Show>
    </div>
  );
}
