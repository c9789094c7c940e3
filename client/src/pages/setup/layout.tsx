/**
 * /setup/:projectId/:section — a project's setup area: the section menu (SETUP_SECTIONS, in
 * sections.ts) beside the chosen section's page; a section renders only its content, inside this
 * frame. On a phone the menu is a horizontal strip above it, scrolled to the open section.
 * Managers of the project and administrators (others see a refusal, not the menu); the server
 * checks every call on its own.
 */
import { For, Match, Show, Switch, createEffect, createSignal, type JSX } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { A } from '@solidjs/router';
import type { ProjectSummary, UserInfo } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../../lib/api';
import { describeError, locale, t } from '../../lib/i18n';
import { knownNotManager } from '../../stores/project-roles';
import { AppHeader } from '../../components/app-header';
import { EmptyState, ErrorState, LoadingState } from '../../components/ui';
import { SETUP_SECTIONS, sectionOf } from './sections';
import './setup.css';

export default function SetupLayout(props: { projectId: string; section?: string; user: UserInfo }): JSX.Element {
  const projects = createLoad(() => api.projects(true));
  const [changed, setChanged] = createSignal<ProjectSummary | undefined>(undefined);
  const project = (): ProjectSummary | undefined =>
    changed() ?? projects.value()?.find((p) => p.id === props.projectId);
  const section = () => sectionOf(props.section);
  const name = (): string => {
    const p = project();
    if (!p) return '';
    return locale() === 'en' ? p.nameEn || p.name : p.name;
  };

  return (
    <div class="page page--setup">
      <AppHeader
        backHref="/setup"
        title={
          <>
            {name()} <span class="app-header__tag">{t('setup.title')}</span>
          </>
        }
        subtitle={props.user.displayName}
        links={
          !knownNotManager(props.user, props.projectId)
            ? [{ href: `/manager/${props.projectId}`, label: t('setup.toManager') }]
            : []
        }
      />
      <Show
        when={!knownNotManager(props.user, props.projectId)}
        fallback={
          <main class="page__main page__main--narrow">
            <EmptyState title={t('setup.forbidden')}>
              <A href="/" class="btn btn--primary">
                {t('projects.title')}
              </A>
            </EmptyState>
          </main>
        }
      >
        <div class="setup">
          <nav class="setup__menu" aria-label={t('setup.menu')}>
            <For each={SETUP_SECTIONS}>
              {(s) => (
                <A
                  href={`/setup/${props.projectId}/${s.path}`}
                  class="setup__menu-item"
                  classList={{ 'setup__menu-item--active': s === section() }}
                  aria-current={s === section() ? 'page' : undefined}
                  ref={(el) =>
                    createEffect(() => s === section() && el.scrollIntoView?.({ block: 'nearest', inline: 'nearest' }))
                  }
                >
                  {t(s.label)}
                </A>
              )}
            </For>
          </nav>
          <main class="setup__main">
            <Switch>
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
              <Match when={!project()}>
                <EmptyState title={t('setup.noProject')}>
                  <A href="/setup" class="btn btn--primary">
                    {t('setup.allProjects')}
                  </A>
                </EmptyState>
              </Match>
              <Match when={project()}>
                {(p) => (
                  <Dynamic
                    component={section().page}
                    projectId={props.projectId}
                    user={props.user}
                    project={p()}
                    onProjectChanged={setChanged}
                  />
                )}
              </Match>
            </Switch>
          </main>
        </div>
      </Show>
    </div>
  );
}
