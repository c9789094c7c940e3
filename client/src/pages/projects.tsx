/** / — project picker. Enters the only project directly (consultants); managers get their links. */
import { For, Match, Show, Switch, createEffect, type JSX } from 'solid-js';
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { isManagerRole, isPermitted, type ProjectSummary, type UserInfo } from '@kaipan/shared';
import { api } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { describeError, locale, t } from '../lib/i18n';
import { isAdmin } from '../stores/session';
import { rememberProjectRoles } from '../stores/project-roles';
import { AppHeader } from '../components/app-header';
import { EmptyState, ErrorState, LoadingState } from '../components/ui';
import './projects.css';

export default function ProjectsPage(props: { user: UserInfo }): JSX.Element {
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const projects = createLoad(() => api.projects());

  createEffect(() => {
    const list = projects.loading() ? undefined : projects.value();
    if (list) rememberProjectRoles(list);
    const only = list?.length === 1 ? list[0] : undefined;
    if (only && search.pick === undefined && !isManagerRole(only.myRole)) {
      navigate(`/p/${only.id}`, { replace: true });
    }
  });

  const name = (p: ProjectSummary): string => (locale() === 'en' ? p.nameEn || p.name : p.name);
  const altName = (p: ProjectSummary): string => (locale() === 'en' ? p.name : p.nameEn);

  return (
    <div class="page">
      <AppHeader title={t('projects.title')} subtitle={props.user.displayName} />
      <main class="page__main page__main--narrow">
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
          <Match when={projects.value()?.length === 0}>
            <EmptyState title={t('projects.empty')} hint={t('projects.emptyHint')} />
          </Match>
          <Match when={projects.value()}>
            {(list) => (
              <ul class="project-list">
                <For each={list()}>
                  {(p) => (
                    <li class="project-card">
                      <A href={`/p/${p.id}`} class="project-card__main">
                        <div class="project-card__names">
                          <span class="project-card__name">{name(p)}</span>
                          <span class="project-card__alt">{altName(p)}</span>
                        </div>
                        <div class="project-card__meta">
                          <span>{p.city}</span>
                          <span>{t('projects.units', { n: p.unitCount })}</span>
                          <span class="pill" classList={{ 'pill--warn': p.salesPaused, 'pill--ok': !p.salesPaused }}>
                            {p.salesPaused ? t('projects.paused') : t('projects.selling')}
                          </span>
                        </div>
                        <span class="project-card__go" aria-hidden="true">
                          ›
                        </span>
                      </A>
                      <Show when={isManagerRole(p.myRole)}>
                        <div class="project-card__links">
                          <A href={`/p/${p.id}`} class="btn btn--secondary btn--sm">
                            {t('projects.open')}
                          </A>
                          <A href={`/manager/${p.id}`} class="btn btn--secondary btn--sm">
                            {t('projects.manage')}
                          </A>
                          <A href={`/manager/${p.id}/dashboard`} class="btn btn--secondary btn--sm">
                            {t('dash.link')}
                          </A>
                          <A href={`/setup/${p.id}/members`} class="btn btn--secondary btn--sm">
                            {t('members.menu')}
                          </A>
                          <A href={`/setup/${p.id}`} class="btn btn--secondary btn--sm">
                            {t('setup.link')}
                          </A>
                        </div>
                      </Show>
                      {/* Finance and viewers read the dashboard too (the managers' link is above). */}
                      <Show
                        when={
                          !isManagerRole(p.myRole) &&
                          p.myRole &&
                          isPermitted('readDashboard', { kind: 'user', role: p.myRole })
                        }
                      >
                        <div class="project-card__links">
                          <A href={`/manager/${p.id}/dashboard`} class="btn btn--secondary btn--sm">
                            {t('dash.link')}
                          </A>
                        </div>
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
            )}
          </Match>
        </Switch>
        <Show when={isAdmin(props.user) || projects.value()?.some((p) => isManagerRole(p.myRole))}>
          <A href="/setup" class="btn btn--secondary projects__admin">
            {t('setup.projectsTitle')}
          </A>
        </Show>
        <Show when={isAdmin(props.user)}>
          <A href="/admin/security" class="btn btn--secondary projects__admin">
            {t('account.admin')}
          </A>
        </Show>
      </main>
    </div>
  );
}
