/** mm:ss until a local deadline, red in the last 30 seconds. */
import type { JSX } from 'solid-js';
import { formatMmSs, secondsLeft } from '../lib/clock';
import './countdown.css';

export const URGENT_SECONDS = 30;

export function Countdown(props: { deadline: number; class?: string }): JSX.Element {
  const left = (): number => secondsLeft(props.deadline);
  return (
    <span
      class={`countdown ${props.class ?? ''}`}
      classList={{ 'countdown--urgent': left() < URGENT_SECONDS, 'countdown--over': left() === 0 }}
      role="timer"
    >
      {formatMmSs(left())}
    </span>
  );
}
