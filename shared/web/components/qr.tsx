/** A QR code drawn in the browser (SVG from the `qrcode` package): pairing screens, device links. */
import { createEffect, createSignal, onCleanup, type JSX } from 'solid-js';
import QRCode from 'qrcode';

export function QrSvg(props: { text: string; label: string; class?: string }): JSX.Element {
  const [svg, setSvg] = createSignal('');
  createEffect(() => {
    let current = true;
    QRCode.toString(props.text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      .then((markup) => current && setSvg(markup))
      .catch(() => current && setSvg(''));
    onCleanup(() => {
      current = false;
    });
  });
  // The markup comes from the qrcode library (paths only), never from user input.
  return <div class={props.class} role="img" aria-label={props.label} innerHTML={svg()} />;
}
