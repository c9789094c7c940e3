/** Marks both apps draw the same way: the Kaipan brand mark and the language globe. */
import type { JSX } from 'solid-js';

/** The Kaipan mark (four units of a sales grid), `size` px square. */
export function BrandMark(props: { size: number }): JSX.Element {
  return (
    <svg class="brand-mark" viewBox="0 0 32 32" width={props.size} height={props.size} aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#0f172a" />
      <rect x="7" y="7" width="8" height="8" rx="2" fill="#1f9d55" />
      <rect x="17" y="7" width="8" height="8" rx="2" fill="#f2a900" />
      <rect x="7" y="17" width="8" height="8" rx="2" fill="#d64545" />
      <rect x="17" y="17" width="8" height="8" rx="2" fill="#1f9d55" />
    </svg>
  );
}

/** The globe on every language switch, `size` px square, in the text colour. */
export function GlobeIcon(props: { size: number }): JSX.Element {
  return (
    <svg viewBox="0 0 24 24" width={props.size} height={props.size} aria-hidden="true">
      <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="1.8" />
      <path
        d="M3 12h18M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3z"
        fill="none"
        stroke="currentColor"
        stroke-width="1.8"
      />
    </svg>
  );
}
