/**
 * The 演练 / REHEARSAL band every screen of a rehearsal shows (docs/setup.md "Rehearsal"): the manager,
 * consultant and cashier screens, the board, the queue kiosk, the calling screen, the cashier desk and
 * the buyer page. Nothing is rendered for a real project. Both languages' label always shows (a board
 * is read from across the room by both); the sentence follows the screen's language.
 */
import { Show, type JSX } from 'solid-js';
import './rehearsal-band.css';

/** What the band needs of a project (ProjectSummary has both). */
export interface RehearsalMarked {
  rehearsal: boolean;
  rehearsalOf: { name: string; nameEn: string } | null;
}

export function RehearsalBand(props: {
  project: RehearsalMarked | null | undefined;
  locale: 'zh-CN' | 'en';
  /** `screen`: the big band of a board, kiosk or calling screen; `bar` (default): a thin strip. */
  size?: 'bar' | 'screen';
}): JSX.Element {
  const source = (): string => {
    const of = props.project?.rehearsalOf;
    if (!of) return '';
    return props.locale === 'en' ? of.nameEn || of.name : of.name;
  };
  return (
    <Show when={props.project?.rehearsal}>
      <div
        class="rehearsal-band"
        classList={{ 'rehearsal-band--screen': props.size === 'screen' }}
        role="status"
        data-testid="rehearsal-band"
      >
        <strong class="rehearsal-band__mark">
          <span lang="zh-CN">演练</span> <span lang="en">REHEARSAL</span>
        </strong>
        <span class="rehearsal-band__text">
          {props.locale === 'en'
            ? `Practice only — nothing here counts for ${source() || 'the real project'}.`
            : `仅供演练 — 此处数据不计入${source() ? `「${source()}」` : '正式项目'}。`}
        </span>
      </div>
    </Show>
  );
}
