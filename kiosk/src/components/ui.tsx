/** Small building blocks of the kiosk: brand, language toggle, offline banner, states, QR code. */
import { Show, createEffect, createSignal, onCleanup, type JSX } from 'solid-js';
import QRCode from 'qrcode';
import { online } from '../lib/device';
import { systemBlockedBy } from '../lib/system-status';
import { locale, t, toggleLocale } from '../lib/i18n';
import { LanguageSwitch } from '@kaipan/web/components/language-switch';
import { BrandMark as SharedBrandMark } from '@kaipan/web/components/icons';
import { StateView } from '@kaipan/web/components/state';

/** The brand mark at the kiosk's size (40 px) unless told. */
export function BrandMark(props: { size?: number }): JSX.Element {
  return <SharedBrandMark size={props.size ?? 40} />;
}

/** The big 中文 / English toggle (shows the language it switches to). */
export function LangToggle(): JSX.Element {
  return (
    <LanguageSwitch
      language={{ locale, toggleLocale }}
      class="k-lang"
      iconSize={28}
      label={t('common.language')}
      ariaLabel={t('common.languageLabel')}
    />
  );
}

export function OfflineBanner(): JSX.Element {
  return (
    <Show when={!online()}>
      <div class="k-offline" role="alert">
        <span class="k-offline__dot" aria-hidden="true" />
        {t('common.offline')}
      </div>
    </Show>
  );
}

/** The server lost its database or live service: taking numbers waits until it recovers by itself. */
export function SystemBanner(): JSX.Element {
  return (
    <Show when={online() && systemBlockedBy()}>
      <div class="k-offline k-offline--system" role="alert">
        <span class="k-offline__dot" aria-hidden="true" />
        {t('common.systemDown')}
      </div>
    </Show>
  );
}

export function Spinner(props: { light?: boolean }): JSX.Element {
  return (
    <span
      class="k-spinner"
      classList={{ 'k-spinner--light': props.light }}
      role="status"
      aria-label={t('common.loading')}
    />
  );
}

export function LoadingState(): JSX.Element {
  return <StateView skin="k-state" tone="loading" spinner={<Spinner />} message={t('common.loading')} />;
}

export function ErrorState(props: {
  title: string;
  message?: string;
  onRetry?: () => void;
  children?: JSX.Element;
}): JSX.Element {
  return (
    <StateView
      skin="k-state"
      tone="error"
      icon="error"
      title={props.title}
      message={props.message}
      retry={
        props.onRetry && {
          label: t('common.retry'),
          class: 'k-btn k-btn--primary',
          disabled: !online(),
          onRetry: props.onRetry,
        }
      }
    >
      {props.children}
    </StateView>
  );
}

/** A QR code drawn in the browser (SVG from the `qrcode` package), e.g. the buyer page's link. */
export function QrCode(props: { text: string; label: string; class?: string }): JSX.Element {
  const [svg, setSvg] = createSignal('');
  createEffect(() => {
    const text = props.text;
    let current = true;
    QRCode.toString(text, {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 2,
      color: { dark: '#0f172a', light: '#ffffff' },
    })
      .then((markup) => current && setSvg(markup))
      .catch(() => current && setSvg(''));
    onCleanup(() => {
      current = false;
    });
  });
  // The markup comes from the qrcode library (paths only), never from user input.
  return <div class={`k-qr ${props.class ?? ''}`} role="img" aria-label={props.label} innerHTML={svg()} />;
}
