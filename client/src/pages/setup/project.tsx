/** Setup section "Project": the project's name, code, city and time zone. */
import type { JSX } from 'solid-js';
import { t } from '../../lib/i18n';
import type { SetupSectionProps } from './sections';

export default function ProjectSection(props: SetupSectionProps): JSX.Element {
  return (
    <section class="panel setup-section">
      <h2 class="panel__title">{t('setup.section.project')}</h2>
      <dl class="setup-facts">
        <dt>{t('setup.project.name')}</dt>
        <dd>{props.project.name}</dd>
        <dt>{t('setup.project.nameEn')}</dt>
        <dd>{props.project.nameEn || '—'}</dd>
        <dt>{t('setup.project.code')}</dt>
        <dd class="code">{props.project.code}</dd>
        <dt>{t('setup.project.city')}</dt>
        <dd>{props.project.city || '—'}</dd>
        <dt>{t('setup.project.timezone')}</dt>
        <dd>{props.project.timezone}</dd>
      </dl>
    </section>
  );
}
