/** /setup — the projects to set up (managers: theirs; administrators: all), each opening its setup area. */
import { For, Match, Show, Switch, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import type { ProjectSummary, UserInfo } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../../lib/api';
import { describeError, locale, t } from '../../lib/i18n';
import { isManager } from '../../stores/session';
import { AppHeader } from '../../components/app-header';
import { EmptyState, ErrorState, LoadingState } from '../../components/ui';
import { SETUP_SECTIONS } from './sections';
import './setup.css';

export default function SetupProjectsPage(props: { user: UserInfo }): JSX.Element {
  const projects = createLoad(() => api.projects());
  const name = (p: ProjectSummary): string => (locale() === 'en' ? p.nameEn || p.name : p.name);
  const altName = (p: ProjectSummary): string => (locale() === 'en' ? p.name : p.nameEn);
  const firstSection = SETUP_SECTIONS[0]?.path ?? 'project';

  return (
    <div class="page page--setup">
      <AppHeader backHref="/?pick" title={t('setup.projectsTitle')} subtitle={props.user.displayName} />
      <main class="page__main page__main--narrow setup-projects">
        <Switch>
          <Match when={!isManager(props.user)}>
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
          <Match when={projects.value()?.length === 0}>
            <EmptyState title={t('setup.noProjects')} />
          </Match>
          <Match when={projects.value()}>
            {(list) => (
              <ul class="setup-projects__list">
                <For each={list()}>
                  {(p) => (
                    <li>
                      <A href={`/setup/${p.id}/${firstSection}`} class="setup-projects__item">
                        <span class="setup-projects__names">
                          <span class="setup-projects__name">{name(p)}</span>
                          <Show when={altName(p)}>
                            <span class="setup-projects__alt">{altName(p)}</span>
                          </Show>
                        </span>
                        <span class="setup-projects__meta">
                          <span class="code">{p.code}</span>
                          <span>{p.city}</span>
                          <span>{t('projects.units', { n: p.unitCount })}</span>
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
      </main>
    </div>
  );
}
