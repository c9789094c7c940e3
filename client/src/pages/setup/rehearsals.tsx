/**
 * /setup/:projectId/rehearsal — rehearsals 演练 (docs/setup.md "Rehearsal"). On a real project: what a
 * rehearsal copies, create one (administrators), the list with links, reset (confirmed) and archive.
 * On a rehearsal: which project it practises, and its reset.
 */
import { For, Match, Show, Switch, createSignal, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import type { RehearsalInfo } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../../lib/api';
import { formatLocalDateTime } from '../../lib/display';
import { describeError, locale, t } from '../../lib/i18n';
import { refreshProjectRoles } from '../../stores/project-roles';
import { showToast } from '../../stores/toasts';
import { ConfirmDialog, ErrorState, LoadingState } from '../../components/ui';
import type { SetupSectionProps } from './section-props';
import './rehearsals.css';

/** A rehearsal to reset or archive, waiting for the confirmation. */
type Pending = { kind: 'reset' | 'archive'; id: string; code: string };

export default function RehearsalSection(props: SetupSectionProps): JSX.Element {
  const [busy, setBusy] = createSignal(false);
  const [pending, setPending] = createSignal<Pending | null>(null);

  const confirm = async (): Promise<void> => {
    const target = pending();
    if (!target) return;
    setBusy(true);
    try {
      if (target.kind === 'reset') {
        await api.resetRehearsal(target.id);
        showToast('success', t('rehearsal.resetDone', { code: target.code }));
      } else {
        await api.archiveProject(target.id);
        showToast('success', t('rehearsal.archivedDone', { code: target.code }));
        void refreshProjectRoles();
      }
      setPending(null);
      if (!props.project.rehearsal) void rehearsals.refetch();
    } catch (error) {
      showToast('error', describeError(error));
    } finally {
      setBusy(false);
    }
  };

  const rehearsals = createLoad(
    () => (props.project.rehearsal ? undefined : props.projectId),
    (projectId) => api.rehearsals(projectId),
  );

  const create = async (): Promise<void> => {
    setBusy(true);
    try {
      const created = await api.createRehearsal(props.projectId);
      showToast('success', t('rehearsal.created', { code: created.code }));
      void rehearsals.refetch();
      void refreshProjectRoles();
    } catch (error) {
      showToast('error', describeError(error));
    } finally {
      setBusy(false);
    }
  };

  const when = (iso: string | null): string => (iso ? formatLocalDateTime(iso, locale()) : t('rehearsal.never'));
  const sourceName = (): string => {
    const of = props.project.rehearsalOf;
    return of ? (locale() === 'en' ? of.nameEn || of.name : of.name) : '';
  };

  return (
    <div class="rehearsals">
      <p class="rehearsals__hint">{t('rehearsal.hint')}</p>

      <Show
        when={!props.project.rehearsal}
        fallback={
          <section class="panel rehearsals__self" data-testid="rehearsal-self">
            <p class="rehearsals__source">{t('rehearsal.thisIs', { source: sourceName() })}</p>
            <div class="rehearsals__actions">
              <Show when={props.project.rehearsalOf}>
                {(of) => (
                  <A class="btn btn--secondary btn--sm" href={`/setup/${of().id}/rehearsal`}>
                    {t('rehearsal.openSource')}
                  </A>
                )}
              </Show>
              <button
                type="button"
                class="btn btn--danger btn--sm"
                disabled={busy() || props.project.archived}
                onClick={() => setPending({ kind: 'reset', id: props.projectId, code: props.project.code })}
              >
                {t('rehearsal.resetThis')}
              </button>
            </div>
          </section>
        }
      >
        <section class="panel rehearsals__section" data-testid="rehearsal-list">
          <div class="panel__head">
            <h2 class="panel__title">{t('rehearsal.listTitle')}</h2>
            <div class="rehearsals__actions">
              <button type="button" class="btn btn--secondary btn--sm" onClick={() => void rehearsals.refetch()}>
                {t('rehearsal.refresh')}
              </button>
              <Show when={props.user.admin}>
                <button
                  type="button"
                  class="btn btn--primary btn--sm"
                  disabled={busy() || props.project.archived}
                  onClick={() => void create()}
                  data-testid="rehearsal-create"
                >
                  {busy() ? t('rehearsal.creating') : t('rehearsal.create')}
                </button>
              </Show>
            </div>
          </div>
          <Show when={!props.user.admin}>
            <p class="rehearsals__note">{t('rehearsal.adminOnly')}</p>
          </Show>
          <Switch>
            <Match when={rehearsals.error()}>
              <ErrorState
                title={t('grid.errorTitle')}
                message={describeError(rehearsals.error())}
                onRetry={() => void rehearsals.refetch()}
              />
            </Match>
            <Match when={rehearsals.value() === undefined}>
              <LoadingState />
            </Match>
            <Match when={rehearsals.value()?.length === 0}>
              <p class="panel__empty">{t('rehearsal.empty')}</p>
            </Match>
            <Match when={rehearsals.value()}>
              {(list) => (
                <div class="table-wrap">
                  <table class="table rehearsals-table">
                    <thead>
                      <tr>
                        <th>{t('rehearsal.col.code')}</th>
                        <th>{t('rehearsal.col.created')}</th>
                        <th>{t('rehearsal.col.reset')}</th>
                        <th>{t('rehearsal.col.activity')}</th>
                        <th />
                      </tr>
                    </thead>
                    <tbody>
                      <For each={list()}>
                        {(r) => (
                          <Row rehearsal={r} when={when} busy={busy()} onAsk={setPending} admin={props.user.admin} />
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              )}
            </Match>
          </Switch>
        </section>
      </Show>

      <ConfirmDialog
        open={pending() !== null}
        title={t(pending()?.kind === 'archive' ? 'rehearsal.archiveTitle' : 'rehearsal.resetTitle', {
          code: pending()?.code ?? '',
        })}
        body={t(pending()?.kind === 'archive' ? 'rehearsal.archiveBody' : 'rehearsal.resetBody')}
        confirmLabel={t(pending()?.kind === 'archive' ? 'rehearsal.archive' : 'rehearsal.reset')}
        danger
        busy={busy()}
        onConfirm={() => void confirm()}
        onCancel={() => setPending(null)}
      />
    </div>
  );
}

function Row(props: {
  rehearsal: RehearsalInfo;
  when: (iso: string | null) => string;
  busy: boolean;
  admin: boolean;
  onAsk: (pending: Pending) => void;
}): JSX.Element {
  const r = (): RehearsalInfo => props.rehearsal;
  return (
    <tr data-testid="rehearsal-row" classList={{ 'rehearsals-table__archived': r().archived }}>
      <td data-label={t('rehearsal.col.code')}>
        <strong>{r().code}</strong>
        <div class="rehearsals-table__name">{locale() === 'en' ? r().nameEn || r().name : r().name}</div>
        <Show when={r().archived}>
          <span class="pill">{t('rehearsal.archived')}</span>
        </Show>
      </td>
      <td data-label={t('rehearsal.col.created')}>{props.when(r().createdAt)}</td>
      <td data-label={t('rehearsal.col.reset')}>{props.when(r().resetAt)}</td>
      <td data-label={t('rehearsal.col.activity')}>
        {t('rehearsal.activity', { deals: r().deals, payments: r().payments, tickets: r().queueTickets })}
      </td>
      <td class="rehearsals-table__actions">
        <A class="btn btn--ghost btn--sm" href={`/manager/${r().id}`}>
          {t('rehearsal.open')}
        </A>
        <A class="btn btn--ghost btn--sm" href={`/setup/${r().id}/project`}>
          {t('rehearsal.setup')}
        </A>
        <Show when={!r().archived}>
          <button
            type="button"
            class="btn btn--danger btn--sm"
            disabled={props.busy}
            onClick={() => props.onAsk({ kind: 'reset', id: r().id, code: r().code })}
          >
            {t('rehearsal.reset')}
          </button>
          <Show when={props.admin}>
            <button
              type="button"
              class="btn btn--ghost btn--sm"
              disabled={props.busy}
              onClick={() => props.onAsk({ kind: 'archive', id: r().id, code: r().code })}
            >
              {t('rehearsal.archive')}
            </button>
          </Show>
        </Show>
      </td>
    </tr>
  );
}
