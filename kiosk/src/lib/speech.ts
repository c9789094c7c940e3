/**
 * Sound of the calling screen: a two-tone chime (WebAudio) and the spoken announcement
 * (speechSynthesis, zh-CN and/or en). Announcements queue up and play one after another; the screen
 * works silently where either API is missing. Browsers only play sound after a user gesture unless
 * started with --autoplay-policy=no-user-gesture-required (README "Queue kiosk and calling screen"):
 * `soundBlocked` says when a tap is needed.
 */
import { createRoot, createSignal } from 'solid-js';
import { announcementSpeech, voiceLanguages, type AnnounceLang, type VoiceMode } from './announce';

type AudioContextCtor = typeof AudioContext;

const store = createRoot(() => {
  const [soundBlocked, setSoundBlocked] = createSignal(false);
  return { soundBlocked, setSoundBlocked };
});

/** True when the browser refused to start audio and needs a tap on the screen. */
export const soundBlocked = store.soundBlocked;

let context: AudioContext | null = null;

function audioContext(): AudioContext | null {
  if (context) return context;
  const Ctor = (window.AudioContext ??
    (window as unknown as { webkitAudioContext?: AudioContextCtor }).webkitAudioContext) as
    | AudioContextCtor
    | undefined;
  if (!Ctor) return null;
  try {
    context = new Ctor();
  } catch {
    return null;
  }
  return context;
}

/** At start: can sound play without a tap? (Sets `soundBlocked` so the screen can ask for one.) */
export function probeSound(): void {
  const ctx = audioContext();
  if (!ctx) return;
  if (ctx.state === 'running') {
    store.setSoundBlocked(false);
    return;
  }
  ctx.resume().catch(() => undefined);
  // resume() without a gesture never settles in some browsers: look again shortly.
  setTimeout(() => store.setSoundBlocked(ctx.state !== 'running'), 500);
}

/** Try to start audio (call from a tap). */
export async function unlockSound(): Promise<void> {
  const ctx = audioContext();
  if (ctx && ctx.state === 'suspended') {
    try {
      await ctx.resume();
    } catch {
      // still blocked
    }
  }
  store.setSoundBlocked(ctx !== null && ctx.state !== 'running');
  // Chrome also wants a gesture before the first utterance: an empty one unlocks it.
  if (speechSupported()) window.speechSynthesis.speak(new SpeechSynthesisUtterance(''));
}

export function speechSupported(): boolean {
  return typeof window !== 'undefined' && 'speechSynthesis' in window && 'SpeechSynthesisUtterance' in window;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** 叮咚: two soft sine tones, ~1 s. Resolves when it has played (at once when audio is unavailable). */
async function chime(): Promise<void> {
  const ctx = audioContext();
  if (!ctx) return;
  if (ctx.state === 'suspended') {
    try {
      await Promise.race([ctx.resume(), sleep(300)]);
    } catch {
      // blocked
    }
  }
  if (ctx.state !== 'running') {
    store.setSoundBlocked(true);
    return;
  }
  store.setSoundBlocked(false);
  const tone = (freq: number, start: number, length: number): void => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    const t0 = ctx.currentTime + start;
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(0.5, t0 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + length);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0);
    osc.stop(t0 + length + 0.05);
  };
  tone(880, 0, 0.6);
  tone(660, 0.45, 0.8);
  await sleep(1_300);
}

function pickVoice(lang: AnnounceLang): SpeechSynthesisVoice | undefined {
  const voices = window.speechSynthesis.getVoices();
  const want = lang.toLowerCase();
  return (
    voices.find((v) => v.lang.toLowerCase() === want) ??
    voices.find((v) => v.lang.toLowerCase().startsWith(want.slice(0, 2))) ??
    undefined
  );
}

/** Speak one sentence; resolves when done (or after a timeout: some engines never fire `end`). */
function speak(text: string, lang: AnnounceLang): Promise<void> {
  return new Promise((resolve) => {
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = lang;
    const voice = pickVoice(lang);
    if (voice) utterance.voice = voice;
    utterance.rate = lang === 'zh-CN' ? 0.9 : 0.95;
    const timer = setTimeout(resolve, 12_000);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    utterance.onend = done;
    utterance.onerror = done;
    window.speechSynthesis.speak(utterance);
  });
}

export interface AnnounceOptions {
  voice: boolean;
  mode: VoiceMode;
}

const pending: { label: string; options: AnnounceOptions }[] = [];
let playing = false;

/** Queue the announcement of a called number: chime, then the sentence in each chosen language. */
export function announce(label: string, options: AnnounceOptions): void {
  pending.push({ label, options });
  if (!playing) void drain();
}

/** Drop announcements not yet played (voice switched off). */
export function clearAnnouncements(): void {
  pending.length = 0;
  if (speechSupported()) window.speechSynthesis.cancel();
}

async function drain(): Promise<void> {
  playing = true;
  try {
    for (let next = pending.shift(); next; next = pending.shift()) {
      await chime();
      if (next.options.voice && speechSupported()) {
        for (const lang of voiceLanguages(next.options.mode)) await speak(announcementSpeech(next.label, lang), lang);
      }
      await sleep(400);
    }
  } finally {
    playing = false;
  }
}
