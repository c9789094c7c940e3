/**
 * This device's setup, remembered in localStorage: the kiosk key (set once per device, or passed
 * once as ?key=… — then removed from the address bar so it is not left on screen or in history),
 * whether tickets print automatically, and the calling screen's voice settings. Plus the browser's
 * online/offline state as a signal.
 */
import { createRoot, createSignal } from 'solid-js';
import { readStored as read, writeStored as write } from '@kaipan/web/storage';
import { VOICE_MODES, type VoiceMode } from './announce';

const KEY_STORAGE = 'kaipan.kiosk.key';
const AUTOPRINT_STORAGE = 'kaipan.kiosk.autoprint';
const VOICE_STORAGE = 'kaipan.kiosk.voice';
const VOICE_MODE_STORAGE = 'kaipan.kiosk.voiceMode';

/** A ?key=… in the address bar wins (and is saved); it is then removed from the URL. */
function keyFromUrl(): string | null {
  // /cashier?key=… is the cashier desk's key (desk-key.ts), not this kiosk's.
  if (typeof location === 'undefined' || location.pathname.startsWith('/cashier')) return null;
  const url = new URL(location.href);
  const key = url.searchParams.get('key')?.trim();
  if (!key) return null;
  url.searchParams.delete('key');
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return key;
}

const store = createRoot(() => {
  const fromUrl = keyFromUrl();
  if (fromUrl) write(KEY_STORAGE, fromUrl);
  const [deviceKey, setDeviceKeySignal] = createSignal<string | null>(fromUrl ?? read(KEY_STORAGE));
  const [autoPrint, setAutoPrintSignal] = createSignal(read(AUTOPRINT_STORAGE) !== '0');
  const [voiceOn, setVoiceOnSignal] = createSignal(read(VOICE_STORAGE) !== '0');
  const savedMode = read(VOICE_MODE_STORAGE);
  const [voiceMode, setVoiceModeSignal] = createSignal<VoiceMode>(
    (VOICE_MODES as readonly string[]).includes(savedMode ?? '') ? (savedMode as VoiceMode) : 'both',
  );
  const [revoked, setRevokedSignal] = createSignal(false);
  const [online, setOnline] = createSignal(typeof navigator === 'undefined' ? true : navigator.onLine !== false);
  if (typeof window !== 'undefined') {
    window.addEventListener('online', () => setOnline(true));
    window.addEventListener('offline', () => setOnline(false));
  }
  return {
    deviceKey,
    setDeviceKeySignal,
    autoPrint,
    setAutoPrintSignal,
    voiceOn,
    setVoiceOnSignal,
    voiceMode,
    setVoiceModeSignal,
    online,
    revoked,
    setRevokedSignal,
  };
});

/** The kiosk key of this device, or null until it is set up. */
export const deviceKey = store.deviceKey;
export function setDeviceKey(key: string | null): void {
  write(KEY_STORAGE, key);
  store.setDeviceKeySignal(key);
}

/** A manager revoked this device's key (DEVICE_REVOKED, or `device:revoked` on the hub): the pairing screen says so. */
export const revoked = store.revoked;
export function setRevoked(value: boolean): void {
  store.setRevokedSignal(value);
}
/** The key was revoked: forget it (the app falls back to the pairing screen, which says why). */
export function forgetRevokedKey(): void {
  store.setRevokedSignal(true);
  setDeviceKey(null);
}

/** Print the ticket as soon as a new number is issued (default on). */
export const autoPrint = store.autoPrint;
export function setAutoPrint(on: boolean): void {
  write(AUTOPRINT_STORAGE, on ? '1' : '0');
  store.setAutoPrintSignal(on);
}

/** Calling screen: speak called numbers (default on), and in which language(s). */
export const voiceOn = store.voiceOn;
export function setVoiceOn(on: boolean): void {
  write(VOICE_STORAGE, on ? '1' : '0');
  store.setVoiceOnSignal(on);
}
export const voiceMode = store.voiceMode;
export function setVoiceMode(mode: VoiceMode): void {
  write(VOICE_MODE_STORAGE, mode);
  store.setVoiceModeSignal(mode);
}

/** The browser believes it has a network (navigator.onLine, updated by online/offline events). */
export const online = store.online;
