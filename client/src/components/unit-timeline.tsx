/**
 * A unit's timeline 房源履历, as a drawer: every lock, release, expiry, confirm, change, payment and
 * document of the unit with who, when (project time) and from which device, oldest first
 * (GET /api/projects/:projectId/units/:unitId/timeline). Opened from the manager console's unit
 * detail, the audit log and the deals views.
 */
import { For, Match, Show, Switch, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import { UNIT_TIMELINE_MAX } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../lib/api';
import { useModal } from '../lib/modal';
import { describeError, statusLabel, t } from '../lib/i18n';
import { AuditEvent } from './audit-event';
import { DocumentButton } from './document-button';
import { ErrorState, LoadingState } from './ui';
import './unit-timeline.css';

export function UnitTimelineDrawer(props: {
  projectId: string;
  unitId: string | null;
  onClose: () => void;
  /** The reader may print the unit's dispute pack (managers: it names every buyer in full). */
  canPrint?: boolean;
}): JSX.Element {
  useModal({ open: () => props.unitId !== null, onClose: () => props.onClose() });
  const timeline = createLoad(
    () => (props.unitId ? ([props.projectId, props.unitId] as const) : null),
    ([projectId, unitId]) => api.unitTimeline(projectId, unitId),
  );
  return (
    <Show when={props.unitId}>
      <div class="timeline-backdrop" onClick={() => props.onClose()} />
      <aside class="timeline-drawer" role="dialog" aria-modal="true" aria-labelledby="timeline-title">
        <header class="timeline-drawer__head">
          <div>
            <h2 id="timeline-title" class="timeline-drawer__title">
              {timeline.value() ? t('audit.timelineOf', { code: timeline.value()!.unit.code }) : t('audit.timeline')}
            </h2>
            <p class="muted timeline-drawer__hint">{t('audit.timelineHint')}</p>
          </div>
          <button type="button" class="btn btn--ghost btn--sm" onClick={() => props.onClose()}>
            {t('audit.close')}
          </button>
        </header>
        <Switch>
          <Match when={timeline.error() && !timeline.value()}>
            <ErrorState
              title={t('audit.timeline')}
              message={describeError(timeline.error())}
              onRetry={() => void timeline.refetch()}
            />
          </Match>
          <Match when={timeline.value()}>
            {(tl) => (
              <>
                <p class="timeline-drawer__status">
                  {t('audit.currentStatus')}: <strong>{statusLabel(tl().unit.status)}</strong>
                  <A
                    class="timeline-drawer__log"
                    href={`/manager/${props.projectId}/audit?unit=${encodeURIComponent(tl().unit.code)}`}
                  >
                    {t('audit.openLog')}
                  </A>
                </p>
                <Show when={props.canPrint}>
                  <DocumentButton
                    request={{ kind: 'DISPUTE_PACK', entityId: tl().unit.id }}
                    label={t('audit.disputePack')}
                    testId="dispute-pack"
                  />
                </Show>
                <Show when={tl().truncated}>
                  <p class="alert alert--warn">{t('audit.timelineTruncated', { n: UNIT_TIMELINE_MAX })}</p>
                </Show>
                <ol class="audit-events timeline-drawer__events">
                  <For each={tl().entries}>{(e) => <AuditEvent entry={e} timeZone={tl().timeZone} />}</For>
                </ol>
              </>
            )}
          </Match>
          <Match when={timeline.loading()}>
            <LoadingState />
          </Match>
        </Switch>
      </aside>
    </Show>
  );
}
