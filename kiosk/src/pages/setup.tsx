/**
 * /queue/setup — the kiosk key (checked against the server, remembered on the device), the project
 * it belongs to, and what this device is: the take-a-number kiosk or the calling screen; whether
 * tickets print by themselves; forget the key. Staff reach it from the kiosk by holding the logo for
 * three seconds — so can any buyer, hence the kiosk PIN (shared/src/kiosk-setup.ts):
 *
 * - A device that has a working key opens on a PIN pad. The server checks the PIN for this device
 *   (throttled, audited); each change made afterwards is sent with it and applied only once the
 *   server accepted it. The PIN is kept in memory only, and forgotten after a minute and a half of
 *   no touch or when the page is left.
 * - The first setup (no key yet, or a key the server no longer accepts) needs no PIN: typing a
 *   working device key is itself the secret, and the settings open right after it.
 */
import { Match, Show, Switch, createEffect, createSignal, onCleanup, type JSX } from 'solid-js';
import { useNavigate } from '@solidjs/router';
import type { KioskSetupAction } from '@kaipan/shared';
import { ApiError, createKioskApi } from '../lib/api';
import { createLoader } from '../lib/loader';
import { autoPrint, deviceKey, online, setAutoPrint, setDeviceKey } from '../lib/device';
import { describeError, locale, t } from '../lib/i18n';
import { pressKey, type KeypadKey } from '../lib/keypad';
import { PIN_MAX_DIGITS, PIN_MIN_DIGITS, readPinRefusal } from '../lib/setup-pin';
import { Keypad } from '../components/keypad';
import { BrandMark, LangToggle, OfflineBanner, Spinner } from '../components/ui';
import './setup.css';
import './take.css';

/** An unlocked setup locks itself again after this long without a touch (a PIN left open on a public screen). */
const RELOCK_IDLE_MS = 90_000;
/** Server answers that mean the stored key itself is not (or no longer) a working kiosk key. */
const KEY_REFUSED = new Set(['UNAUTHENTICATED', 'NOT_FOUND']);

/** How the settings were opened: by typing the device key (first setup), or with the PIN. */
type Unlock = { via: 'key' } | { via: 'pin'; pin: string };

export default function SetupPage(props: { next: 'kiosk' | 'screen'; problem?: string }): JSX.Element {
  const [unlock, setUnlock] = createSignal<Unlock | null>(null);
  // The project of the saved key (when it works).
  const project = createLoader(
    () => (props.problem ? null : deviceKey()),
    async (key) => {
      const found = (await createKioskApi(key).projects())[0];
      if (!found) throw new ApiError('NOT_FOUND', 'This key has no project.');
      return found;
    },
  );
  /** No usable key on this device: the first setup (the key form, no PIN). */
  const firstSetup = (): boolean => {
    if (!deviceKey() || props.problem) return true;
    const err = project.error();
    return err !== null && KEY_REFUSED.has(err.code);
  };

  // Forget the PIN after a while without a touch: the next person meets the PIN pad again.
  createEffect(() => {
    const u = unlock();
    if (!u || u.via !== 'pin') return;
    let timer = setTimeout(() => setUnlock(null), RELOCK_IDLE_MS);
    const touched = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => setUnlock(null), RELOCK_IDLE_MS);
    };
    window.addEventListener('pointerdown', touched);
    window.addEventListener('keydown', touched);
    onCleanup(() => {
      clearTimeout(timer);
      window.removeEventListener('pointerdown', touched);
      window.removeEventListener('keydown', touched);
    });
  });

  const projectName = (): string => {
    const p = project.data();
    if (!p) return '';
    return locale() === 'en' ? p.nameEn || p.name : p.name;
  };

  return (
    <div class="k-page k-setup">
      <OfflineBanner />
      <header class="k-top">
        <div class="k-top__brand">
          <BrandMark size={48} />
          <span class="k-top__title">{t('setup.title')}</span>
        </div>
        <LangToggle />
      </header>
      <main class="k-setup__main">
        <Switch>
          <Match when={firstSetup()}>
            <KeyForm
              problem={props.problem ?? (project.error() ? describeError(project.error()) : null)}
              onSaved={(key) => {
                // Typing a working key is the secret: its settings open without the PIN. (Shown
                // from inside the kiosk, the kiosk itself takes over as soon as the key is kept.)
                setDeviceKey(key);
                setUnlock({ via: 'key' });
              }}
            />
          </Match>
          <Match when={unlock() && project.data()}>
            <Ready
              unlock={unlock()!}
              projectName={projectName()}
              next={props.next}
              onLocked={() => setUnlock(null)}
              onForgotten={() => setUnlock(null)}
            />
          </Match>
          <Match when={project.error()}>
            {(err) => (
              <section class="k-card k-setup__form" role="alert">
                <p class="k-error">{describeError(err())}</p>
                <button type="button" class="k-btn k-btn--primary k-btn--wide" onClick={() => void project.reload()}>
                  {t('common.retry')}
                </button>
              </section>
            )}
          </Match>
          <Match when={!project.data()}>
            <section class="k-card k-setup__form">
              <Spinner />
            </section>
          </Match>
          <Match when={true}>
            <PinPad
              projectName={projectName()}
              next={props.next}
              onUnlocked={(pin) => setUnlock({ via: 'pin', pin })}
            />
          </Match>
        </Switch>
      </main>
    </div>
  );
}

/** The first setup: type the device key; it is checked with the server before it is kept. */
function KeyForm(props: { problem: string | null; onSaved: (key: string) => void }): JSX.Element {
  const [draft, setDraft] = createSignal('');
  const [checking, setChecking] = createSignal(false);
  const [error, setError] = createSignal<string | null>(props.problem);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const key = draft().trim();
    if (!key || checking()) return;
    setChecking(true);
    setError(null);
    try {
      const projects = await createKioskApi(key).projects();
      if (projects.length === 0) throw new Error('no project');
      props.onSaved(key);
    } catch (err) {
      setError(err instanceof Error && err.message === 'no project' ? t('setup.badKey') : describeError(err));
    } finally {
      setChecking(false);
    }
  };

  return (
    <form class="k-card k-setup__form" onSubmit={(e) => void submit(e)} data-testid="setup-key">
      <p class="k-setup__body">{t('setup.body')}</p>
      <label class="k-field">
        <span>{t('setup.key')}</span>
        <input
          name="device-key"
          type="text"
          autocomplete="off"
          autocapitalize="off"
          spellcheck={false}
          placeholder={t('setup.keyPlaceholder')}
          value={draft()}
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
      </label>
      <Show when={error()}>
        <p class="k-error" role="alert">
          {error()}
        </p>
      </Show>
      <button
        type="submit"
        class="k-btn k-btn--primary k-btn--wide"
        disabled={checking() || !online() || draft().trim() === ''}
      >
        <Show when={checking()}>
          <Spinner light />
        </Show>
        {checking() ? t('setup.checking') : t('setup.check')}
      </button>
    </form>
  );
}

/** The PIN pad of a set-up device: the server checks the PIN (and makes a guesser wait). */
function PinPad(props: {
  projectName: string;
  next: 'kiosk' | 'screen';
  onUnlocked: (pin: string) => void;
}): JSX.Element {
  const navigate = useNavigate();
  const [digits, setDigits] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal<string | null>(null);
  const [noPin, setNoPin] = createSignal(false);
  const [waitUntil, setWaitUntil] = createSignal(0);
  const [now, setNow] = createSignal(Date.now());
  const tick = setInterval(() => setNow(Date.now()), 500);
  onCleanup(() => clearInterval(tick));
  const waitLeft = (): number => Math.max(0, Math.ceil((waitUntil() - now()) / 1000));
  const blocked = (): boolean => busy() || waitLeft() > 0 || noPin();
  /** Wait `seconds` from now (the clock read now too: a tick up to 500 ms old would show one second more). */
  const waitFor = (seconds: number): void => {
    const at = Date.now();
    setNow(at);
    setWaitUntil(at + seconds * 1000);
  };

  const onKey = (key: KeypadKey): void => {
    if (blocked()) return;
    setMessage(null);
    setDigits((d) => pressKey(d, key, PIN_MAX_DIGITS));
  };

  const submit = async (): Promise<void> => {
    const pin = digits();
    const key = deviceKey();
    if (!key || pin.length < PIN_MIN_DIGITS || blocked()) return;
    setBusy(true);
    setMessage(null);
    try {
      await createKioskApi(key).kioskSetup({ pin, action: 'unlock' });
      props.onUnlocked(pin);
    } catch (err) {
      setDigits('');
      const refusal = readPinRefusal(err);
      switch (refusal.kind) {
        case 'wrong':
          setMessage(
            refusal.attemptsLeft > 0 ? t('setup.pinWrongLeft', { n: refusal.attemptsLeft }) : t('setup.pinWrong'),
          );
          if (refusal.waitSeconds > 0) waitFor(refusal.waitSeconds);
          break;
        case 'wait':
          setMessage(t('setup.pinWrong'));
          waitFor(refusal.waitSeconds);
          break;
        case 'no-pin':
          setNoPin(true);
          break;
        case 'other':
          setMessage(describeError(refusal.error));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="k-entry k-setup__pin" data-testid="setup-pin">
      <div class="k-entry__side">
        <div class="k-stephead">
          <h1 class="k-stephead__title">{t('setup.pinTitle')}</h1>
        </div>
        <p class="k-setup__body">
          {props.projectName} · {t('setup.pinBody')}
        </p>
        <Show
          when={!noPin()}
          fallback={
            <p class="k-entry__hint k-entry__hint--bad" role="alert" data-testid="setup-no-pin">
              {t('setup.noPin')}
            </p>
          }
        >
          <div class="k-display" classList={{ 'k-display--bad': message() !== null }} aria-live="polite">
            <Show
              when={digits().length > 0}
              fallback={<span class="k-display__placeholder">{t('setup.pinPlaceholder')}</span>}
            >
              <span class="k-display__value k-display__value--pin" data-testid="pin-display">
                {'●'.repeat(digits().length)}
              </span>
            </Show>
          </div>
          <p
            class="k-entry__hint"
            classList={{ 'k-entry__hint--bad': message() !== null || waitLeft() > 0 }}
            role={message() ? 'alert' : undefined}
          >
            <Show when={waitLeft() > 0} fallback={message() ?? t('setup.pinHint')}>
              {message() ? `${message()} ` : ''}
              <span data-testid="pin-wait">{t('setup.pinWait', { n: waitLeft() })}</span>
            </Show>
          </p>
        </Show>
        <div class="k-entry__actions">
          <Show when={!noPin()}>
            <button
              type="button"
              class="k-btn k-btn--primary k-btn--huge"
              data-testid="pin-submit"
              disabled={digits().length < PIN_MIN_DIGITS || blocked() || !online()}
              onClick={() => void submit()}
            >
              <Show when={busy()}>
                <Spinner light />
              </Show>
              {busy() ? t('setup.checking') : t('setup.pinOpen')}
            </button>
          </Show>
          <button
            type="button"
            class="k-btn k-btn--secondary k-btn--wide"
            onClick={() => navigate(props.next === 'screen' ? '/queue/screen' : '/queue')}
          >
            {t('setup.pinLeave')}
          </button>
        </div>
      </div>
      <Keypad onKey={onKey} disabled={blocked()} />
    </section>
  );
}

/** The settings, once unlocked. With the PIN, every change is confirmed by the server first. */
function Ready(props: {
  unlock: Unlock;
  projectName: string;
  next: 'kiosk' | 'screen';
  onLocked: () => void;
  onForgotten: () => void;
}): JSX.Element {
  const navigate = useNavigate();
  const [busy, setBusy] = createSignal<KioskSetupAction | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  /** Carry out `apply` once the server accepted the PIN for `action` (at once on a first setup). */
  const act = async (action: KioskSetupAction, apply: () => void): Promise<boolean> => {
    const u = props.unlock;
    const key = deviceKey();
    if (busy()) return false;
    setError(null);
    if (u.via === 'pin') {
      if (!key) return false;
      setBusy(action);
      try {
        await createKioskApi(key).kioskSetup({ pin: u.pin, action });
      } catch (err) {
        const refusal = readPinRefusal(err);
        // The PIN was changed meanwhile (or guessing made the device wait): back to the PIN pad.
        if (refusal.kind !== 'other') props.onLocked();
        else setError(describeError(refusal.error));
        return false;
      } finally {
        setBusy(null);
      }
    }
    apply();
    return true;
  };

  return (
    <section class="k-card k-setup__ready" data-testid="setup-ready">
      <p class="k-setup__label">{t('setup.ready')}</p>
      <h1 class="k-setup__project">{props.projectName}</h1>
      <h2 class="k-setup__label">{t('setup.modeTitle')}</h2>
      <div class="k-setup__modes">
        <button
          type="button"
          class="k-mode"
          classList={{ 'k-mode--suggested': props.next === 'kiosk' }}
          disabled={busy() !== null}
          onClick={() => void act('mode-kiosk', () => navigate('/queue'))}
        >
          <strong>{t('setup.modeKiosk')}</strong>
          <span>{t('setup.modeKioskHint')}</span>
        </button>
        <button
          type="button"
          class="k-mode"
          classList={{ 'k-mode--suggested': props.next === 'screen' }}
          disabled={busy() !== null}
          onClick={() => void act('mode-screen', () => navigate('/queue/screen'))}
        >
          <strong>{t('setup.modeScreen')}</strong>
          <span>{t('setup.modeScreenHint')}</span>
        </button>
      </div>
      <label class="k-check">
        <input
          type="checkbox"
          name="auto-print"
          checked={autoPrint()}
          disabled={busy() !== null}
          onChange={(e) => {
            const input = e.currentTarget;
            const on = input.checked;
            input.checked = autoPrint(); // shown as it is until the server agreed
            void act(on ? 'print-on' : 'print-off', () => setAutoPrint(on));
          }}
        />
        <span>{t('setup.autoPrint')}</span>
      </label>
      <Show when={error()}>
        <p class="k-error" role="alert">
          {error()}
        </p>
      </Show>
      <div class="k-setup__foot">
        <button
          type="button"
          class="k-btn k-btn--ghost"
          disabled={busy() !== null}
          onClick={() =>
            void act('forget-key', () => {
              setDeviceKey(null);
              props.onForgotten();
            })
          }
        >
          {t('setup.forget')}
        </button>
        <Show when={props.unlock.via === 'pin'}>
          <button type="button" class="k-btn k-btn--ghost" onClick={() => props.onLocked()}>
            {t('setup.lock')}
          </button>
        </Show>
      </div>
    </section>
  );
}
