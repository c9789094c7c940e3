/**
 * Camera QR scanner for registration slips: the browser's BarcodeDetector on the camera stream.
 * Where either is missing (or the camera is refused) it says so and the buyer types the number on
 * the keypad instead. The camera is released when the scanner leaves the screen.
 */
import { Match, Switch, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import { t } from '../lib/i18n';

/** The part of the BarcodeDetector API used here (not in TypeScript's DOM library yet). */
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type BarcodeDetectorCtor = new (options: { formats: string[] }) => BarcodeDetectorLike;

const SCAN_INTERVAL_MS = 250;
/** The same code seen again within this time is the same slip still in front of the camera. */
const REPEAT_MS = 4_000;

export function scanningSupported(): boolean {
  return (
    typeof window !== 'undefined' &&
    'BarcodeDetector' in window &&
    typeof navigator.mediaDevices?.getUserMedia === 'function'
  );
}

export function Scanner(props: { onCode: (text: string) => void; paused?: boolean }): JSX.Element {
  const [state, setState] = createSignal<'unsupported' | 'starting' | 'scanning' | 'error'>(
    scanningSupported() ? 'starting' : 'unsupported',
  );
  let video: HTMLVideoElement | undefined;
  let stream: MediaStream | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopped = false;
  let last = { text: '', at: 0 };

  onMount(async () => {
    if (state() === 'unsupported') return;
    try {
      const Detector = (window as unknown as { BarcodeDetector: BarcodeDetectorCtor }).BarcodeDetector;
      const detector = new Detector({ formats: ['qr_code'] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user' }, audio: false });
      if (stopped || !video) {
        stream.getTracks().forEach((track) => track.stop());
        return;
      }
      video.srcObject = stream;
      await video.play();
      setState('scanning');
      let busy = false;
      timer = setInterval(() => {
        if (busy || props.paused || !video || video.readyState < 2) return;
        busy = true;
        detector
          .detect(video)
          .then((codes) => {
            const text = codes[0]?.rawValue;
            if (!text) return;
            const now = Date.now();
            if (text === last.text && now - last.at < REPEAT_MS) return;
            last = { text, at: now };
            props.onCode(text);
          })
          .catch(() => undefined)
          .finally(() => {
            busy = false;
          });
      }, SCAN_INTERVAL_MS);
    } catch {
      if (!stopped) setState('error');
    }
  });

  onCleanup(() => {
    stopped = true;
    clearInterval(timer);
    stream?.getTracks().forEach((track) => track.stop());
  });

  return (
    <div class="k-scanner" classList={{ 'k-scanner--live': state() === 'scanning' }} hidden={state() === 'unsupported'}>
      <Switch>
        <Match when={state() === 'error'}>
          <p class="k-scanner__note">{t('take.regCameraError')}</p>
        </Match>
      </Switch>
      <video
        ref={video}
        class="k-scanner__video"
        muted
        playsinline
        hidden={state() === 'unsupported' || state() === 'error'}
      />
      <div class="k-scanner__frame" aria-hidden="true" hidden={state() !== 'scanning'} />
    </div>
  );
}
