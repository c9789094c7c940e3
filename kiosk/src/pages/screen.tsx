/**
 * /queue/screen — the calling screen 叫号屏 for the TV at the hall entrance (1920×1080, no
 * keyboard): per queue category the number called last (huge), the others being served, the next
 * numbers and how many wait. Live over the hub (device key → project:join → queue:changed); the
 * state is read again over HTTP on every (re)connect. A newly called number chimes and is announced
 * by voice (zh-CN and/or en; switchable, off where the browser cannot speak). Bilingual always.
 */
import { For, Show, createMemo, createSignal, onCleanup, type JSX } from 'solid-js';
import { formatClock, handshakeErrorCode, type QueueCategoryState, type QueueState } from '@kaipan/shared';
import type { KioskDevice } from '../lib/kiosk-device';
import { newlyCalled, announcementText, VOICE_MODES, type CalledNumber, type VoiceMode } from '../lib/announce';
import { setVoiceMode, setVoiceOn, voiceMode, voiceOn } from '../lib/device';
import { connectHub, joinProject } from '../lib/hub';
import { tIn, type MessageKey, type MessageParams } from '../lib/i18n';
import { RehearsalBand } from '@kaipan/web/components/rehearsal-band';
import { announce, clearAnnouncements, probeSound, soundBlocked, speechSupported, unlockSound } from '../lib/speech';
import { BrandMark } from '../components/ui';
import './screen.css';

type Conn = 'connecting' | 'online' | 'offline';
const RETRY_MAX_MS = 30_000;
/** How long a newly called number flashes. */
const FLASH_MS = 8_000;
const RECENT_SHOWN = 4;

/** 中文 + English, the English smaller. */
function Bi(props: { k: MessageKey; params?: MessageParams }): JSX.Element {
  return (
    <>
      <span class="bi__zh">{tIn('zh-CN', props.k, props.params)}</span>
      <span class="bi__en">{tIn('en', props.k, props.params)}</span>
    </>
  );
}

export default function ScreenPage(props: { device: KioskDevice }): JSX.Element {
  const projectId = props.device.project.id;
  const timeZone = props.device.project.timezone || 'Asia/Shanghai';
  const [state, setState] = createSignal<QueueState | undefined>(undefined);
  const [conn, setConn] = createSignal<Conn>('connecting');
  const [loadFailed, setLoadFailed] = createSignal(false);
  const [flash, setFlash] = createSignal<Set<string>>(new Set());
  const [lastCall, setLastCall] = createSignal<CalledNumber | null>(null);
  const [clock, setClock] = createSignal(Date.now());
  const clockTimer = setInterval(() => setClock(Date.now()), 1_000);
  let shownAt = 0;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  /** A newer state: show it, and announce what it newly called. Older answers are ignored. */
  function accept(next: QueueState): void {
    const at = Date.parse(next.serverTime);
    if (Number.isFinite(at) && at < shownAt) return;
    if (Number.isFinite(at)) shownAt = at;
    const fresh = newlyCalled(state(), next);
    setState(next);
    if (fresh.length === 0) return;
    setLastCall(fresh[fresh.length - 1] ?? null);
    setFlash((old) => new Set([...old, ...fresh.map((f) => f.ticketId)]));
    setTimeout(() => {
      if (!disposed) setFlash((old) => new Set([...old].filter((id) => !fresh.some((f) => f.ticketId === id))));
    }, FLASH_MS);
    for (const f of fresh) announce(f.label, { voice: voiceOn(), mode: voiceMode() });
  }

  async function load(): Promise<void> {
    clearTimeout(retryTimer);
    try {
      const next = await props.device.api.queueState(projectId);
      if (disposed) return;
      attempt = 0;
      setLoadFailed(false);
      accept(next);
    } catch {
      if (disposed) return;
      setLoadFailed(true);
      // Nobody will press retry on a TV: back off and try again.
      const delay = Math.min(RETRY_MAX_MS, 1_000 * 2 ** attempt) * (0.5 + Math.random());
      attempt += 1;
      retryTimer = setTimeout(() => void load(), delay);
    }
  }

  const socket = connectHub(props.device.deviceKey);
  socket.on('connect', () => {
    setConn('online');
    // The room is per connection; broadcasts missed while away are gone: join and read again.
    joinProject(socket, projectId).catch(() => undefined);
    void load();
  });
  socket.on('disconnect', () => setConn('offline'));
  socket.on('connect_error', (err) => {
    setConn('offline');
    // A refused handshake is not retried by socket.io itself: try again later (the key may be re-enabled).
    if (handshakeErrorCode(err) && !socket.active) setTimeout(() => !disposed && socket.connect(), RETRY_MAX_MS);
  });
  socket.on('queue:changed', (next) => {
    if (next.projectId === projectId) accept(next);
  });
  void load();

  document.documentElement.classList.add('is-screen');
  // Browsers start audio only after a gesture: the first tap anywhere unlocks it.
  const unlock = (): void => void unlockSound();
  window.addEventListener('pointerdown', unlock);
  probeSound();
  onCleanup(() => {
    disposed = true;
    clearTimeout(retryTimer);
    clearInterval(clockTimer);
    socket.disconnect();
    window.removeEventListener('pointerdown', unlock);
    document.documentElement.classList.remove('is-screen');
    clearAnnouncements();
  });

  const categories = createMemo(() => state()?.categories ?? []);
  const canSpeak = speechSupported();
  const cycleMode = (): void => {
    const i = VOICE_MODES.indexOf(voiceMode());
    setVoiceMode(VOICE_MODES[(i + 1) % VOICE_MODES.length] as VoiceMode);
  };
  const modeLabel = (m: VoiceMode): string =>
    m === 'both' ? tIn('zh-CN', 'screen.voiceBoth') : m === 'zh-CN' ? '中文' : 'EN';

  return (
    <div class="s-screen">
      {/* The calling screen speaks both languages; the band's mark is both, its sentence Chinese. */}
      <RehearsalBand project={props.device.project} locale="zh-CN" size="screen" />
      <header class="s-head">
        <div class="s-head__project">
          <BrandMark size={60} />
          <div>
            <h1 class="s-head__name">{props.device.project.name}</h1>
            <div class="s-head__en">{props.device.project.nameEn}</div>
          </div>
        </div>
        <div class="s-head__title">
          <Bi k="screen.nowServing" />
        </div>
        <div class="s-head__side">
          <div class="s-controls">
            <Show when={canSpeak} fallback={<span class="s-note">{tIn('zh-CN', 'screen.voiceUnsupported')}</span>}>
              <button
                type="button"
                class="s-toggle"
                classList={{ 's-toggle--on': voiceOn() }}
                aria-pressed={voiceOn()}
                onClick={() => {
                  setVoiceOn(!voiceOn());
                  if (!voiceOn()) clearAnnouncements();
                }}
              >
                {voiceOn() ? tIn('zh-CN', 'screen.voiceOn') : tIn('zh-CN', 'screen.voiceOff')}
                <span class="bi__en">{voiceOn() ? tIn('en', 'screen.voiceOn') : tIn('en', 'screen.voiceOff')}</span>
              </button>
              <button
                type="button"
                class="s-toggle s-toggle--on"
                disabled={!voiceOn()}
                onClick={cycleMode}
                title={tIn('en', 'screen.voiceLang')}
              >
                {modeLabel(voiceMode())}
              </button>
            </Show>
          </div>
          <div class="s-clock">{formatClock(clock(), timeZone)}</div>
          <div class={`s-conn s-conn--${conn()}`} role="status">
            <span class="s-conn__dot" aria-hidden="true" />
            <Bi
              k={
                conn() === 'online'
                  ? 'common.online'
                  : conn() === 'offline'
                    ? 'common.offlineShort'
                    : 'common.connecting'
              }
            />
          </div>
        </div>
      </header>

      <Show when={soundBlocked()}>
        <div class="s-banner">
          {tIn('zh-CN', 'screen.enableSound')} · {tIn('en', 'screen.enableSound')}
        </div>
      </Show>
      <Show when={loadFailed() && !state()}>
        <div class="s-banner s-banner--bad">
          {tIn('zh-CN', 'screen.loadError')} · {tIn('en', 'screen.loadError')}
        </div>
      </Show>

      <main class="s-body">
        <Show
          when={categories().length > 0}
          fallback={
            <div class="s-empty">
              <Show when={state()} fallback={<span class="s-spinner" role="status" aria-label="loading" />}>
                <Bi k="screen.noCategories" />
              </Show>
            </div>
          }
        >
          <div class="s-cols" style={{ '--cols': String(Math.min(3, categories().length)) }}>
            <For each={categories().slice(0, 3)}>{(c) => <CategoryColumn category={c} flash={flash()} />}</For>
          </div>
        </Show>
      </main>

      <footer class="s-foot">
        <Show
          when={lastCall()}
          fallback={
            <span class="s-foot__hint">
              <Bi k="screen.scanHint" />
            </span>
          }
        >
          {(call) => (
            <div class="s-foot__call" aria-live="assertive">
              <span class="s-foot__zh">{announcementText(call().label, 'zh-CN')}</span>
              <span class="s-foot__en">{announcementText(call().label, 'en')}</span>
            </div>
          )}
        </Show>
      </footer>
    </div>
  );
}

function CategoryColumn(props: { category: QueueCategoryState; flash: Set<string> }): JSX.Element {
  const latest = () => props.category.nowServing[0];
  const recent = () => props.category.nowServing.slice(1, 1 + RECENT_SHOWN);
  return (
    <section class="s-col" data-category={props.category.code}>
      <header class="s-col__head">
        <span class="s-col__prefix">{props.category.prefix}</span>
        <span class="s-col__name">{props.category.name}</span>
        <span class="s-col__en">{props.category.nameEn}</span>
        <span class="s-col__waiting">
          <Bi k="screen.waiting" params={{ n: props.category.waitingCount }} />
        </span>
      </header>
      <div class="s-latest" classList={{ 's-latest--flash': !!latest() && props.flash.has(latest()?.id ?? '') }}>
        <span class="s-latest__label">
          <Bi k="screen.latest" />
        </span>
        <Show
          when={latest()}
          fallback={
            <span class="s-latest__none">
              <Bi k="screen.noCalls" />
            </span>
          }
        >
          {(tk) => (
            <span class="s-latest__number" data-testid="latest-number">
              {tk().label}
            </span>
          )}
        </Show>
      </div>
      <div class="s-lists">
        <div class="s-list">
          <h2>
            <Bi k="screen.recent" />
          </h2>
          <ol>
            <For each={recent()} fallback={<li class="s-list__none">—</li>}>
              {(tk) => <li classList={{ 's-list__flash': props.flash.has(tk.id) }}>{tk.label}</li>}
            </For>
          </ol>
        </div>
        <div class="s-list s-list--next">
          <h2>
            <Bi k="screen.next" />
          </h2>
          <ol>
            <For each={props.category.next} fallback={<li class="s-list__none">—</li>}>
              {(tk) => <li>{tk.label}</li>}
            </For>
          </ol>
        </div>
      </div>
    </section>
  );
}
