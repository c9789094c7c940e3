/**
 * The frame of the signed-out pages (sign-in, first run, change password): the language switch,
 * then a card headed by the brand. Its styles are pages/login.css, which each page imports.
 */
import type { JSX } from 'solid-js';
import { t } from '../lib/i18n';
import { BrandMark } from './app-header';
import { LanguageSwitch } from './ui';

export function LoginCard(props: {
  /** The page's own class next to `login`, e.g. `first-run`. */
  class?: string;
  brandSize: number;
  /** Instead of the app's name and tagline. */
  name?: JSX.Element;
  tagline?: JSX.Element;
  children: JSX.Element;
}): JSX.Element {
  return (
    <main class={props.class ? `login ${props.class}` : 'login'}>
      <div class="login__top">
        <LanguageSwitch />
      </div>
      <div class="login__card">
        <div class="login__brand">
          <BrandMark size={props.brandSize} />
          <div>
            <div class="login__name">
              {props.name ?? (
                <>
                  {t('app.name')} <span class="login__name-alt">{t('app.nameEn')}</span>
                </>
              )}
            </div>
            <div class="login__tagline">{props.tagline ?? t('app.tagline')}</div>
          </div>
        </div>
        {props.children}
      </div>
    </main>
  );
}
