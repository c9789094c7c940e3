/**
 * A panel that slides in at the right edge of the window (a sheet from the bottom on a phone), over
 * the page, wherever the user had scrolled: what a click opened is where the eye is. It is not modal
 * — the grid behind stays usable, a click on another unit shows that one — so it does not hold the
 * keyboard; it takes the focus when it opens (its title) and Escape or its close button shut it.
 */
import { Show, createEffect, on, type JSX } from 'solid-js';
import { t } from '../lib/i18n';
import './side-drawer.css';

export function SideDrawer(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  /** Changes when the content changes (another unit): the focus goes to the title again. */
  subject?: string | null;
  testId?: string;
  children: JSX.Element;
}): JSX.Element {
  let heading: HTMLHeadingElement | undefined;
  createEffect(
    on([() => props.open, () => props.subject], ([open]) => {
      if (open) queueMicrotask(() => heading?.focus({ preventScroll: true }));
    }),
  );
  return (
    <Show when={props.open}>
      <aside
        class="side-drawer"
        role="dialog"
        aria-modal="false"
        aria-labelledby="side-drawer-title"
        data-testid={props.testId}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            props.onClose();
          }
        }}
      >
        <div class="side-drawer__head">
          <h2 id="side-drawer-title" class="side-drawer__title" tabindex="-1" ref={heading}>
            {props.title}
          </h2>
          <button type="button" class="icon-btn" aria-label={t('common.close')} onClick={() => props.onClose()}>
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
              <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />
            </svg>
          </button>
        </div>
        <div class="side-drawer__body">{props.children}</div>
      </aside>
    </Show>
  );
}
