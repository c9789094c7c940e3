/**
 * The launch replay's controls 开盘回放 (docs/replay.md), shared by the manager's board and the sales
 * dashboard: the replay clock in the project's time zone labelled 回放 REPLAY, and the control bar —
 * play/pause, 1×/5×/15×/60×, the time slider, the window and "back to live". Violet everywhere, so a
 * replayed screen is never taken for live. The state comes from stores/replay.ts.
 */
import { For, Match, Switch, type JSX } from 'solid-js';
import { REPLAY_SPEEDS, formatZonedDateTime, wallClock } from '@kaipan/shared';
import { describeError, t, tIn } from '../lib/i18n';
import { REPLAY_WINDOWS_H, type ReplayStore } from '../stores/replay';
import { Spinner } from './ui';
import './replay-controls.css';

/** "09:30:05" in the project's zone. */
export function clockIn(at: number, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${w.hour}:${w.minute}:${w.second}`;
}

/** 回放 REPLAY, both languages at once (a wall screen is read by everyone). */
function TagText(): JSX.Element {
  return (
    <>
      <span class="bi__zh">{tIn('zh-CN', 'replay.tag')}</span>
      <span class="bi__en">{tIn('en', 'replay.tag')}</span>
    </>
  );
}

/** The violet 回放 REPLAY label. */
export function ReplayTag(): JSX.Element {
  return (
    <span class="replay-tag">
      <TagText />
    </span>
  );
}

/**
 * The replay clock, in place of the live clock: the replay time and date, labelled so nobody takes
 * it for live. `classes` sizes it like the screen's own clock.
 */
export function ReplayClock(props: {
  replay: ReplayStore;
  timeZone: string;
  classes: { clock: string; time: string; date: string };
}): JSX.Element {
  const at = () => props.replay.cursor() || Date.now();
  return (
    <div class={`${props.classes.clock} replay-clock`} role="timer" data-testid="replay-clock">
      <span class={`${props.classes.time} replay-clock__time`}>{clockIn(at(), props.timeZone)}</span>
      <span class={props.classes.date}>
        <ReplayTag /> {formatZonedDateTime(at(), props.timeZone).slice(0, 10)}
      </span>
    </div>
  );
}

/** Play/pause, speeds, the slider and the window: the replay's controls. */
export function ReplayBar(props: { replay: ReplayStore; timeZone: string; onClose: () => void }): JSX.Element {
  const r = props.replay;
  return (
    <div class="replay-bar" role="region" aria-label={t('replay.open')}>
      <span class="replay-bar__tag" aria-hidden="true">
        <TagText />
      </span>
      <Switch>
        <Match when={r.data.error() && !r.data.value()}>
          <span class="replay-bar__error" role="alert">
            {describeError(r.data.error())}
          </span>
          <button type="button" class="replay-bar__btn" onClick={() => void r.data.refetch()}>
            {t('common.retry')}
          </button>
        </Match>
        <Match when={!r.range()}>
          <Spinner />
          <span>{t('common.loading')}</span>
        </Match>
        <Match when={r.range()}>
          {(range) => (
            <>
              <button
                type="button"
                class="replay-bar__btn replay-bar__play"
                onClick={() => r.toggle()}
                aria-pressed={r.playing()}
                data-testid="replay-play"
              >
                {r.playing() ? t('replay.pause') : t('replay.play')}
              </button>
              <span class="replay-bar__speeds" role="group" aria-label={t('replay.speed')}>
                <For each={REPLAY_SPEEDS}>
                  {(s) => (
                    <button
                      type="button"
                      class="replay-bar__btn replay-bar__speed"
                      aria-pressed={r.speed() === s}
                      onClick={() => r.setSpeed(s)}
                    >
                      {s}×
                    </button>
                  )}
                </For>
              </span>
              <span class="replay-bar__edge">{clockIn(range().start, props.timeZone).slice(0, 5)}</span>
              <input
                class="replay-bar__slider"
                type="range"
                min={range().start}
                max={range().to}
                step={1000}
                value={r.cursor()}
                onInput={(e) => r.seek(Number(e.currentTarget.value))}
                aria-label={t('replay.slider')}
                aria-valuetext={formatZonedDateTime(r.cursor(), props.timeZone, { seconds: true })}
                data-testid="replay-slider"
              />
              <span class="replay-bar__edge">{clockIn(range().to, props.timeZone).slice(0, 5)}</span>
              <label class="replay-bar__window">
                <span>{t('replay.window')}</span>
                <select value={r.hours()} onChange={(e) => r.setHours(Number(e.currentTarget.value))}>
                  <For each={REPLAY_WINDOWS_H}>{(h) => <option value={h}>{t('replay.hours', { n: h })}</option>}</For>
                </select>
              </label>
            </>
          )}
        </Match>
      </Switch>
      <button
        type="button"
        class="replay-bar__btn replay-bar__live"
        onClick={() => props.onClose()}
        data-testid="replay-close"
      >
        {t('replay.backToLive')}
      </button>
    </div>
  );
}
