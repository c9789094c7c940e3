import type { JSX } from 'solid-js';
import { A } from '@solidjs/router';
import { t } from '../lib/i18n';
import { EmptyState, LanguageSwitch } from '../components/ui';
import './login.css';

export default function NotFoundPage(): JSX.Element {
  return (
    <main class="page page--center">
      <div class="login__top">
        <LanguageSwitch />
      </div>
      <EmptyState title={t('notFound.title')} hint={t('notFound.body')}>
        <A href="/" class="btn btn--primary">
          {t('notFound.home')}
        </A>
      </EmptyState>
    </main>
  );
}
