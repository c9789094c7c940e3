/**
 * What a screen without a key shows (board, kiosk, calling screen): "pair this screen" with a QR
 * code for the manager's phone and the short code to type, in Chinese and English at once (a hall
 * screen has no language switch). After a revocation it says so first: "this screen was removed".
 */
import { Show, type JSX } from 'solid-js';
import { DEVICE_KIND_LABELS, formatPairingCode, type PairableKind } from '@kaipan/shared';
import { BrandMark } from '../components/icons';
import { QrSvg } from '../components/qr';
import { entryText, type Entry } from '../i18n/entry';
import { ERROR_TEXT } from '../i18n/errors';
import { createScreenPairing, pairingUrl, type PairedDevice } from './pairing';
import './pairing-screen.css';

const TEXT = {
  title: ['配对此屏幕', 'Pair this screen'],
  steps: [
    '请项目经理用已登录的手机扫描二维码，选择项目和名称后批准。',
    'A project manager scans the QR code with their signed-in phone, picks the project and a name, and approves.',
  ],
  orType: ['或在设置页“设备 → 配对屏幕”中输入配对码：', 'Or type the code under Setup → Devices → Pair a screen:'],
  waiting: ['等待批准…', 'Waiting for approval…'],
  expires: ['配对码 10 分钟内有效，过期自动更新。', 'The code is valid for 10 minutes and renews by itself.'],
  starting: ['正在获取配对码…', 'Getting a pairing code…'],
} satisfies Record<string, Entry>;

function Both(props: { entry: Entry }): JSX.Element {
  return (
    <>
      <span class="kp-pair__zh">{entryText(props.entry, 'zh-CN')}</span>
      <span class="kp-pair__en">{entryText(props.entry, 'en')}</span>
    </>
  );
}

export function PairingScreen(props: {
  kind: PairableKind;
  onPaired: (device: PairedDevice) => void;
  /** Why the screen is here again: its key was revoked. */
  revoked?: boolean;
  /** Below the code: e.g. the kiosk's "type a key instead". */
  children?: JSX.Element;
}): JSX.Element {
  const pairing = createScreenPairing(props.kind, (device) => props.onPaired(device));
  return (
    <div class="kp-pair" data-testid="pairing-screen">
      <div class="kp-pair__card">
        <div class="kp-pair__brand">
          <BrandMark size={56} />
          <span class="kp-pair__kind">
            <Both entry={[DEVICE_KIND_LABELS[props.kind].zh, DEVICE_KIND_LABELS[props.kind].en]} />
          </span>
        </div>
        <Show when={props.revoked}>
          <p class="kp-pair__revoked" role="alert" data-testid="pairing-revoked">
            <Both entry={ERROR_TEXT.DEVICE_REVOKED} />
          </p>
        </Show>
        <h1 class="kp-pair__title">
          <Both entry={TEXT.title} />
        </h1>
        <Show
          when={pairing.pending()}
          keyed
          fallback={
            <p class="kp-pair__status">
              <Both entry={TEXT.starting} />
            </p>
          }
        >
          {(p) => (
            <div class="kp-pair__body">
              <QrSvg class="kp-pair__qr" text={pairingUrl(p.code)} label={formatPairingCode(p.code)} />
              <div class="kp-pair__side">
                <p class="kp-pair__steps">
                  <Both entry={TEXT.steps} />
                </p>
                <p class="kp-pair__or">
                  <Both entry={TEXT.orType} />
                </p>
                <p class="kp-pair__code" data-testid="pairing-code">
                  {formatPairingCode(p.code)}
                </p>
                <p class="kp-pair__status" role="status">
                  <span class="kp-pair__dot" aria-hidden="true" />
                  <Both entry={TEXT.waiting} />
                </p>
                <p class="kp-pair__fine">
                  <Both entry={TEXT.expires} />
                </p>
              </div>
            </div>
          )}
        </Show>
        <Show when={pairing.problem()}>
          {(err) => (
            <p class="kp-pair__problem" role="alert">
              <Both entry={ERROR_TEXT[err().code] ?? ERROR_TEXT.INTERNAL} />
            </p>
          )}
        </Show>
        <Show when={props.children}>
          <div class="kp-pair__extra">{props.children}</div>
        </Show>
      </div>
    </div>
  );
}
