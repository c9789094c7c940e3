/**
 * The keyboard of a modal dialog, for both apps (client's ConfirmDialog, the cashier desk's Modal): Escape closes it
 * unless it is locked (money on its way, a decision being sent), Tab and Shift+Tab stay inside it, and when it closes
 * the focus goes back to what had it before. Where the focus starts is the caller's choice.
 */
const FOCUSABLE =
  'button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex="0"], a[href]';

/** Hold the keyboard inside `box()` until the returned function is called (from the dialog's cleanup). */
export function holdModalFocus(
  box: () => HTMLElement | undefined,
  options: { onEscape: () => void; locked: () => boolean },
): () => void {
  const previous = document.activeElement;
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && !options.locked()) {
      e.preventDefault();
      options.onEscape();
    }
    const el = box();
    if (e.key === 'Tab' && el) {
      const focusable = Array.from(el.querySelectorAll<HTMLElement>(FOCUSABLE));
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (!first || !last) return;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };
  document.addEventListener('keydown', onKey);
  return () => {
    document.removeEventListener('keydown', onKey);
    if (previous instanceof HTMLElement) previous.focus();
  };
}
