/**
 * Keyboard shortcuts of a desk screen, for both apps (the cashier desk's F2 and /, the manager
 * console's keys and its "?" list). A key typed into a field is the user's text, never a command:
 * only keys marked `inFields` (function keys such as F2) act there. While a modal dialog is open
 * (`[aria-modal=true]`, the desk's `.c-modal`) no shortcut acts — the dialog owns the keyboard.
 */
import { onCleanup, onMount } from 'solid-js';

export interface Shortcut {
  /** `KeyboardEvent.key` values that trigger it: `'/'`, `'F2'`, `'?'`, `'w'` (letters match either case). */
  keys: readonly string[];
  run: () => void;
  /** Also while typing in an input, select or text area (for function keys only). Default false. */
  inFields?: boolean;
}

/** Where a plain key is text: inputs, selects, text areas, editable content. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) || target.isContentEditable;
}

/** Whether a modal dialog is open (it owns the keyboard). */
function modalOpen(): boolean {
  return document.querySelector('[aria-modal="true"], .c-modal') !== null;
}

/** The shortcut `e` triggers, if any (pure apart from reading the document's open dialogs). */
export function matchShortcut(e: KeyboardEvent, shortcuts: readonly Shortcut[]): Shortcut | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing || e.defaultPrevented) return undefined;
  if (modalOpen()) return undefined;
  const typing = isTypingTarget(e.target);
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  return shortcuts.find(
    (s) => (s.inFields || !typing) && s.keys.some((k) => (k.length === 1 ? k.toLowerCase() : k) === key),
  );
}

/** Listen for `shortcuts()` on the document while the calling component lives. */
export function useShortcuts(shortcuts: () => readonly Shortcut[]): void {
  const onKey = (e: KeyboardEvent): void => {
    const hit = matchShortcut(e, shortcuts());
    if (!hit) return;
    e.preventDefault();
    hit.run();
  };
  onMount(() => document.addEventListener('keydown', onKey));
  onCleanup(() => document.removeEventListener('keydown', onKey));
}
