/**
 * One audit event, readable: the time in the project's zone, a sentence ("王经理 锁定了房源 1-1802"),
 * who from which device, and what changed field by field (money as ¥, statuses translated). The
 * wording is shared/src/audit-log.ts — the XLSX export and the dispute pack say the same.
 */
import { For, Show, type JSX } from 'solid-js';
import {
  auditDeviceLabel,
  auditFieldChanges,
  auditSentence,
  formatProjectDateTime,
  type AuditLogEntry,
} from '@kaipan/shared';
import { locale, t } from '../lib/i18n';
import './audit-event.css';

export function AuditEvent(props: {
  entry: AuditLogEntry;
  timeZone: string;
  /** Open the unit's timeline (shown when the event concerns a unit). */
  onOpenUnit?: (unitId: string) => void;
  /** Dates shown (a log spans days; a timeline too) — false: time of day only. */
  withDate?: boolean;
}): JSX.Element {
  const changes = () => auditFieldChanges(props.entry, locale(), props.timeZone);
  const when = () => {
    const full = formatProjectDateTime(props.entry.at, props.timeZone);
    return props.withDate === false ? full.slice(11) : full;
  };
  return (
    <li class={`audit-event audit-event--${props.entry.topic}`}>
      <time class="audit-event__time num" datetime={props.entry.at}>
        {when()}
      </time>
      <div class="audit-event__body">
        <p class="audit-event__sentence">
          {auditSentence(props.entry, locale())}
          <Show when={props.onOpenUnit && props.entry.unitId}>
            {(unitId) => (
              <button
                type="button"
                class="audit-event__unit"
                onClick={() => props.onOpenUnit?.(unitId())}
                title={t('audit.timeline')}
              >
                {t('audit.timeline')}
              </button>
            )}
          </Show>
        </p>
        <p class="audit-event__who muted" title={props.entry.device ?? undefined}>
          {props.entry.actor.name}
          {/* The server itself and the CLI act from no device: no "unknown device" for them. */}
          <Show when={props.entry.device || (props.entry.actor.kind !== 'system' && props.entry.actor.kind !== 'cli')}>
            {' '}
            · {t('audit.device')} {auditDeviceLabel(props.entry.device) ?? t('audit.unknownDevice')}
          </Show>{' '}
          · #{props.entry.id}
        </p>
        <Show when={changes().length > 0}>
          <ul class="audit-event__changes">
            <For each={changes()}>
              {(c) => (
                <li>
                  <span class="audit-event__field">{c.label}</span>
                  <Show when={c.before !== null && c.after !== null} fallback={<span>{c.after ?? c.before}</span>}>
                    <span class="audit-event__before">{c.before}</span>
                    <span aria-hidden="true"> → </span>
                    <span class="audit-event__after">{c.after}</span>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </div>
    </li>
  );
}
