/**
 * Setup section "Project": names, city, address, time zone, price rounding 精度 and the payee company
 * 收款单位 printed on receipts and the 认购书 (PATCH, only what changed; audited). Administrators
 * archive and unarchive here; an archived project is shown read-only.
 */
import { For, Match, Show, Switch, createEffect, createSignal, on, type JSX } from 'solid-js';
import { ROUNDING_MODES, ROUNDING_UNITS, type ProjectDetails } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../../lib/api';
import { describeError, t, type MessageKey } from '../../lib/i18n';
import { isAdmin } from '../../stores/session';
import { showToast } from '../../stores/toasts';
import { ConfirmDialog, ErrorAlert, ErrorState, LoadingState } from '../../components/ui';
import { COMMON_TIME_ZONES, changesOf, draftOf, type ProjectDraft } from './project-form';
import type { SetupSectionProps } from './section-props';
import { describeSetupError } from './errors';

const UNIT_LABEL: Record<(typeof ROUNDING_UNITS)[number], MessageKey> = {
  FEN: 'setup.rounding.FEN',
  YUAN: 'setup.rounding.YUAN',
  HUNDRED_YUAN: 'setup.rounding.HUNDRED_YUAN',
};
const MODE_LABEL: Record<(typeof ROUNDING_MODES)[number], MessageKey> = {
  HALF_UP: 'setup.rounding.HALF_UP',
  DOWN: 'setup.rounding.DOWN',
};

export default function ProjectSection(props: SetupSectionProps): JSX.Element {
  const details = createLoad(() => api.projectDetails(props.projectId));
  return (
    <Switch>
      <Match when={details.error()}>
        <ErrorState
          title={t('grid.errorTitle')}
          message={describeError(details.error())}
          onRetry={() => void details.refetch()}
        />
      </Match>
      <Match when={details.value()}>
        {(p) => (
          <ProjectForm
            {...props}
            details={p()}
            onSaved={(saved) => {
              details.mutate(saved);
              props.onProjectChanged(saved);
            }}
          />
        )}
      </Match>
      <Match when={details.loading()}>
        <LoadingState />
      </Match>
    </Switch>
  );
}

function ProjectForm(
  props: SetupSectionProps & { details: ProjectDetails; onSaved: (p: ProjectDetails) => void },
): JSX.Element {
  const [draft, setDraft] = createSignal<ProjectDraft>(draftOf(props.details));
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [archiveOpen, setArchiveOpen] = createSignal(false);
  createEffect(
    on(
      () => props.details,
      (d) => setDraft(draftOf(d)),
      { defer: true },
    ),
  );

  const archived = (): boolean => props.details.archived;
  const changes = () => changesOf(props.details, draft());
  const dirty = (): boolean => Object.keys(changes()).length > 0;
  const set = <K extends keyof ProjectDraft>(key: K, value: ProjectDraft[K]): void => {
    setDraft({ ...draft(), [key]: value });
  };

  const save = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    if (!dirty() || saving()) return;
    setError(null);
    setSaving(true);
    try {
      props.onSaved(await api.updateProject(props.projectId, changes()));
      showToast('success', t('setup.saved'));
    } catch (err) {
      setError(describeSetupError(err));
    } finally {
      setSaving(false);
    }
  };

  const toggleArchive = async (): Promise<void> => {
    setSaving(true);
    try {
      const saved = archived()
        ? await api.unarchiveProject(props.projectId)
        : await api.archiveProject(props.projectId);
      props.onSaved(saved);
      setArchiveOpen(false);
      showToast('success', saved.archived ? t('setup.project.archivedToast') : t('setup.project.unarchivedToast'));
    } catch (err) {
      showToast('error', describeError(err));
    } finally {
      setSaving(false);
    }
  };

  const text = (key: 'name' | 'nameEn' | 'city' | 'address', label: MessageKey, max: number) => (
    <label class="field">
      <span class="field__label">{t(label)}</span>
      <input
        class="input"
        name={key}
        value={draft()[key]}
        maxLength={max}
        disabled={archived() || saving()}
        onInput={(e) => set(key, e.currentTarget.value)}
      />
    </label>
  );
  const payee = (
    key: 'payeeName' | 'payeeCreditCode' | 'payeeBank' | 'payeeAccount',
    label: MessageKey,
    max: number,
    mono = false,
  ) => (
    <label class="field">
      <span class="field__label">{t(label)}</span>
      <input
        class="input"
        classList={{ 'setup-input--mono': mono }}
        name={key}
        value={draft()[key]}
        maxLength={max}
        autocomplete="off"
        disabled={archived() || saving()}
        onInput={(e) => set(key, e.currentTarget.value)}
      />
    </label>
  );

  return (
    <form class="setup-form" onSubmit={(e) => void save(e)} novalidate>
      <Show when={archived()}>
        <div class="setup-banner setup-banner--archived" role="status">
          {t('setup.project.archivedBanner')}
        </div>
      </Show>
      <section class="panel setup-section">
        <h2 class="panel__title">{t('setup.section.project')}</h2>
        <div class="setup-grid">
          {text('name', 'setup.project.name', 60)}
          {text('nameEn', 'setup.project.nameEn', 80)}
          <div class="field">
            <span class="field__label">{t('setup.project.code')}</span>
            <span class="setup-static code">{props.details.code}</span>
          </div>
          {text('city', 'setup.project.city', 40)}
          <div class="setup-grid__wide">{text('address', 'setup.project.address', 200)}</div>
          <label class="field">
            <span class="field__label">{t('setup.project.timezone')}</span>
            <input
              class="input"
              list="setup-time-zones"
              value={draft().timezone}
              disabled={archived() || saving()}
              onInput={(e) => set('timezone', e.currentTarget.value)}
            />
            <datalist id="setup-time-zones">
              <For each={COMMON_TIME_ZONES}>{(z) => <option value={z} />}</For>
            </datalist>
          </label>
          <div class="field">
            <span class="field__label">{t('setup.project.rounding')}</span>
            <div class="setup-pair">
              <select
                class="input"
                aria-label={t('setup.project.roundingUnit')}
                value={draft().rounding.unit}
                disabled={archived() || saving()}
                onChange={(e) =>
                  set('rounding', {
                    ...draft().rounding,
                    unit: e.currentTarget.value as ProjectDraft['rounding']['unit'],
                  })
                }
              >
                <For each={ROUNDING_UNITS}>{(u) => <option value={u}>{t(UNIT_LABEL[u])}</option>}</For>
              </select>
              <select
                class="input"
                aria-label={t('setup.project.roundingMode')}
                value={draft().rounding.mode}
                disabled={archived() || saving()}
                onChange={(e) =>
                  set('rounding', {
                    ...draft().rounding,
                    mode: e.currentTarget.value as ProjectDraft['rounding']['mode'],
                  })
                }
              >
                <For each={ROUNDING_MODES}>{(m) => <option value={m}>{t(MODE_LABEL[m])}</option>}</For>
              </select>
            </div>
            <span class="setup-hint">{t('setup.project.roundingHint')}</span>
          </div>
        </div>
      </section>

      <section class="panel setup-section">
        <h2 class="panel__title">{t('setup.payee.title')}</h2>
        <p class="setup-hint">{t('setup.payee.hint')}</p>
        <div class="setup-grid">
          <div class="setup-grid__wide">{payee('payeeName', 'setup.payee.name', 100)}</div>
          {payee('payeeCreditCode', 'setup.payee.creditCode', 18, true)}
          {payee('payeeBank', 'setup.payee.bank', 100)}
          {payee('payeeAccount', 'setup.payee.account', 40, true)}
        </div>
      </section>

      <ErrorAlert message={error()} />
      <div class="setup-actions">
        <Show when={isAdmin(props.user)}>
          <button
            type="button"
            class="btn"
            classList={{ 'btn--secondary': archived(), 'btn--ghost setup-actions__archive': !archived() }}
            disabled={saving()}
            onClick={() => setArchiveOpen(true)}
          >
            {archived() ? t('setup.project.unarchive') : t('setup.project.archive')}
          </button>
        </Show>
        <span class="setup-actions__spacer" />
        <Show when={!archived()}>
          <button
            type="button"
            class="btn btn--secondary"
            disabled={!dirty() || saving()}
            onClick={() => setDraft(draftOf(props.details))}
          >
            {t('settings.reset')}
          </button>
          <button type="submit" class="btn btn--primary" disabled={archived() || !dirty() || saving()}>
            {saving() ? t('settings.saving') : t('settings.save')}
          </button>
        </Show>
      </div>
      <ConfirmDialog
        open={archiveOpen()}
        title={archived() ? t('setup.project.unarchiveTitle') : t('setup.project.archiveTitle')}
        body={archived() ? t('setup.project.unarchiveBody') : t('setup.project.archiveBody')}
        confirmLabel={archived() ? t('setup.project.unarchive') : t('setup.project.archive')}
        danger={!archived()}
        busy={saving()}
        onConfirm={() => void toggleArchive()}
        onCancel={() => setArchiveOpen(false)}
      />
    </form>
  );
}
