/**
 * /setup — the projects to set up (managers: theirs; administrators: all, archived ones marked),
 * each opening its setup area; administrators create a project here (name, English name, city,
 * time zone — the rest is set in its setup area) and reach the install-wide accounts (/setup/users).
 */
import { For, Match, Show, Switch, createSignal, type JSX } from 'solid-js';
import { A, useNavigate } from '@solidjs/router';
import type { ProjectSummary, UserInfo } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../../lib/api';
import { describeError, locale, t } from '../../lib/i18n';
import { isAdmin } from '../../stores/session';
import { managedProjects } from '../../stores/project-roles';
import { AppHeader } from '../../components/app-header';
import { EmptyState, ErrorAlert, ErrorState, LoadingState } from '../../components/ui';
import { COMMON_TIME_ZONES } from './project-form';
import { SETUP_SECTIONS } from './sections';
import { describeSetupError } from './errors';
import './setup.css';

export default function SetupProjectsPage(props: { user: UserInfo }): JSX.Element {
  const projects = createLoad(() => api.projects(true).then(managedProjects));
  const [creating, setCreating] = createSignal(false);
  const name = (p: ProjectSummary): string => (locale() === 'en' ? p.nameEn || p.name : p.name);
  const altName = (p: ProjectSummary): string => (locale() === 'en' ? p.name : p.nameEn);
  const firstSection = SETUP_SECTIONS[0]?.path ?? 'project';

  return (
    <div class="page page--setup">
      <AppHeader
        backHref="/?pick"
        title={t('setup.projectsTitle')}
        subtitle={props.user.displayName}
        actions={
          <Show when={isAdmin(props.user) && !creating()}>
            <button
              type="button"
              class="btn btn--primary btn--sm"
              data-testid="project-new"
              onClick={() => setCreating(true)}
            >
              {t('setup.new')}
            </button>
          </Show>
        }
      />
      <main class="page__main page__main--narrow setup-projects">
        <Show when={creating()}>
          <NewProjectForm onCancel={() => setCreating(false)} />
        </Show>
        <Switch>
          <Match when={!isAdmin(props.user) && projects.value()?.length === 0}>
            <EmptyState title={t('setup.forbidden')} />
          </Match>
          <Match when={projects.error()}>
            <ErrorState
              title={t('grid.errorTitle')}
              message={describeError(projects.error())}
              onRetry={() => void projects.refetch()}
            />
          </Match>
          <Match when={projects.loading() && !projects.value()}>
            <LoadingState />
          </Match>
          <Match when={projects.value()?.length === 0 && !creating()}>
            <EmptyState
              title={t('setup.noProjects')}
              hint={isAdmin(props.user) ? t('setup.noProjectsAdmin') : t('setup.noProjectsManager')}
            />
          </Match>
          <Match when={projects.value()}>
            {(list) => (
              <ul class="setup-projects__list">
                <For each={list()}>
                  {(p) => (
                    <li>
                      <A
                        href={`/setup/${p.id}/${firstSection}`}
                        class="setup-projects__item"
                        classList={{ 'setup-projects__item--archived': p.archived }}
                      >
                        <span class="setup-projects__names">
                          <span class="setup-projects__name">{name(p)}</span>
                          <Show when={altName(p)}>
                            <span class="setup-projects__alt">{altName(p)}</span>
                          </Show>
                        </span>
                        <span class="setup-projects__meta">
                          <span class="code">{p.code}</span>
                          <Show when={p.city}>
                            <span>{p.city}</span>
                          </Show>
                          <span>{t('projects.units', { n: p.unitCount })}</span>
                          <Show when={p.archived}>
                            <span class="pill pill--warn">{t('setup.archived')}</span>
                          </Show>
                        </span>
                        <span class="setup-projects__go" aria-hidden="true">
                          ›
                        </span>
                      </A>
                    </li>
                  )}
                </For>
              </ul>
            )}
          </Match>
        </Switch>
        <Show when={isAdmin(props.user)}>
          {/* Accounts are install-wide, not a project's: reached from here, beside the projects. */}
          <A href="/setup/users" class="setup-projects__accounts" data-testid="setup-accounts">
            <span class="setup-projects__name">{t('setup.accounts')}</span>
            <span class="setup-projects__meta">{t('setup.accountsHint')}</span>
            <span class="setup-projects__go" aria-hidden="true">
              ›
            </span>
          </A>
        </Show>
      </main>
    </div>
  );
}

/** A new project: the few facts needed to start; it opens in its setup area once created. */
function NewProjectForm(props: { onCancel: () => void }): JSX.Element {
  const navigate = useNavigate();
  const [name, setName] = createSignal('');
  const [nameEn, setNameEn] = createSignal('');
  const [city, setCity] = createSignal('');
  const [timezone, setTimezone] = createSignal('Asia/Shanghai');
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const save = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    if (!name().trim()) {
      setError(t('setup.new.nameRequired'));
      return;
    }
    setError(null);
    setSaving(true);
    try {
      const created = await api.createProject({
        name: name().trim(),
        nameEn: nameEn().trim(),
        city: city().trim(),
        timezone: timezone().trim(),
      });
      navigate(`/setup/${created.id}/project`);
    } catch (err) {
      setError(describeSetupError(err));
      setSaving(false);
    }
  };

  return (
    <form
      class="panel setup-section setup-form setup-new"
      data-testid="project-new-form"
      onSubmit={(e) => void save(e)}
      novalidate
    >
      <h2 class="panel__title">{t('setup.new')}</h2>
      <div class="setup-grid">
        <label class="field">
          <span class="field__label">{t('setup.project.name')}</span>
          <input
            class="input"
            name="name"
            value={name()}
            maxLength={60}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span class="field__label">{t('setup.project.nameEn')}</span>
          <input
            class="input"
            name="name-en"
            value={nameEn()}
            maxLength={80}
            onInput={(e) => setNameEn(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span class="field__label">{t('setup.project.city')}</span>
          <input
            class="input"
            name="city"
            value={city()}
            maxLength={40}
            onInput={(e) => setCity(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span class="field__label">{t('setup.project.timezone')}</span>
          <input
            class="input"
            list="setup-new-time-zones"
            value={timezone()}
            onInput={(e) => setTimezone(e.currentTarget.value)}
          />
          <datalist id="setup-new-time-zones">
            <For each={COMMON_TIME_ZONES}>{(z) => <option value={z} />}</For>
          </datalist>
        </label>
      </div>
      <p class="setup-hint">{t('setup.new.hint')}</p>
      <ErrorAlert message={error()} />
      <div class="setup-actions">
        <span class="setup-actions__spacer" />
        <button type="button" class="btn btn--secondary" disabled={saving()} onClick={() => props.onCancel()}>
          {t('common.cancel')}
        </button>
        <button type="submit" class="btn btn--primary" disabled={saving()}>
          {saving() ? t('setup.new.creating') : t('setup.new.create')}
        </button>
      </div>
    </form>
  );
}
