/**
 * The 中文 / English switch of both apps: the globe and the name of the language it switches to (in that language,
 * hence `lang`). The look is the caller's (`class`, `iconSize`): a ghost button in the header of client/ and on the
 * cashier desk, the big toggle of the queue kiosk.
 */
import type { JSX } from 'solid-js';
import type { LocaleStore } from '../i18n/runtime';
import { GlobeIcon } from './icons';

export function LanguageSwitch(props: {
  language: Pick<LocaleStore, 'locale' | 'toggleLocale'>;
  class: string;
  iconSize: number;
  /** The name of the other language ("English" / "中文"). */
  label: string;
  /** What the button does, for a screen reader. */
  ariaLabel: string;
}): JSX.Element {
  return (
    <button
      type="button"
      class={props.class}
      onClick={() => props.language.toggleLocale()}
      aria-label={props.ariaLabel}
      lang={props.language.locale() === 'zh-CN' ? 'en' : 'zh-CN'}
    >
      <GlobeIcon size={props.iconSize} />
      <span>{props.label}</span>
    </button>
  );
}
