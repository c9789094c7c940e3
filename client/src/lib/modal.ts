/**
 * What every modal surface (bottom sheet, drawer, dialog) does while open: Escape closes it (unless
 * it is busy) and the page behind does not scroll.
 */
import { createEffect, onCleanup } from 'solid-js';

export function useModal(opts: { open: () => boolean; onClose: () => void; busy?: () => boolean }): void {
  createEffect(() => {
    if (!opts.open()) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape' && !opts.busy?.()) opts.onClose();
    };
    window.addEventListener('keydown', onKey);
    document.body.classList.add('no-scroll');
    onCleanup(() => {
      window.removeEventListener('keydown', onKey);
      document.body.classList.remove('no-scroll');
    });
  });
}
