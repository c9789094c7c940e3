/**
 * The frame of the buildings-and-units setup pages (/setup/:projectId/buildings | units | layouts | prices):
 * header, the managers-only gate and the section tabs. When the setup area's own frame
 * (client/src/pages/setup/, the projects part of issue 14) lands, these sections join its menu.
 */
import { For, Show, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import type { UserInfo } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../../lib/api';
import { locale, t, type MessageKey } from '../../lib/i18n';
import { knownNotManager } from '../../stores/project-roles';
import { AppHeader } from '../../components/app-header';
import { ErrorState } from '../../components/ui';
import './setup-buildings.css';

export type SetupSection = 'buildings' | 'units' | 'layouts' | 'prices';

const SECTIONS: { id: SetupSection; label: MessageKey }[] = [
  { id: 'buildings', label: 'setupB.tab.buildings' },
  { id: 'units', label: 'setupB.tab.units' },
  { id: 'layouts', label: 'setupB.tab.layouts' },
  { id: 'prices', label: 'setupB.tab.prices' },
];

export function SetupBuildingsFrame(props: {
  projectId: string;
  user: UserInfo;
  section: SetupSection;
  children: JSX.Element;
}): JSX.Element {
  const projects = createLoad(() => api.projects());
  const projectName = (): string => {
    const p = projects.value()?.find((x) => x.id === props.projectId);
    if (!p) return '';
    return locale() === 'en' ? p.nameEn || p.name : p.name;
  };
  return (
    <div class="page sb-page">
      <AppHeader
        backHref={`/manager/${props.projectId}`}
        title={
          <>
            {t('setupB.title')}
            <Show when={projectName()}>
              <span class="app-header__tag">{projectName()}</span>
            </Show>
          </>
        }
        subtitle={props.user.displayName}
      />
      <nav class="sb-tabs" aria-label={t('setupB.title')}>
        <For each={SECTIONS}>
          {(s) => (
            <A
              href={`/setup/${props.projectId}/${s.id}`}
              class="sb-tabs__tab"
              classList={{ 'sb-tabs__tab--on': props.section === s.id }}
              aria-current={props.section === s.id ? 'page' : undefined}
            >
              {t(s.label)}
            </A>
          )}
        </For>
      </nav>
      <main class="page__main sb">
        <Show
          when={!knownNotManager(props.user, props.projectId)}
          fallback={<ErrorState title={t('manager.forbiddenTitle')} message={t('setupB.forbidden')} />}
        >
          {props.children}
        </Show>
      </main>
    </div>
  );
}
