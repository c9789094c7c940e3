/**
 * The building as it will be (the generator's live preview): storeys top first, named floors as one
 * labelled band, each unit a small cell coloured by kind, a duplex drawn over its two storeys.
 */
import { For, Index, Show, type JSX } from 'solid-js';
import { floorLabel, type BuildingPreview, UNIT_KIND_LABELS, UNIT_KINDS } from '@kaipan/shared';
import { locale, t, label } from '../../lib/i18n';

export function BuildingPreviewGrid(props: { preview: BuildingPreview }): JSX.Element {
  type Cell = BuildingPreview['units'][number];
  const at = (): Map<string, Cell> => new Map(props.preview.units.map((u) => [`${u.floor}|${u.position}`, u]));
  const positions = (): number[] => Array.from({ length: props.preview.columns }, (_, i) => i + 1);
  /** The storey below each storey (a duplex's upper half refers to it). */
  const below = (floor: number): number | undefined => {
    const floors = props.preview.floors;
    const i = floors.findIndex((f) => f.floor === floor);
    return floors[i + 1]?.floor;
  };
  const short = (code: string): string => code.split(/[-#/\s]+/).at(-1) ?? code;
  return (
    <div
      class="sb-grid"
      style={{ '--cols': String(props.preview.columns) }}
      role="group"
      aria-label={t('setupB.preview')}
    >
      <For each={props.preview.floors}>
        {(floor) => (
          <div class="sb-grid__row">
            <div class="sb-grid__floor">
              {floor.named ? floorLabel(floor.floor) : locale() === 'en' ? floor.labelEn : floor.label}
            </div>
            <Show
              when={!floor.named}
              fallback={<div class="sb-grid__named">{locale() === 'en' ? floor.labelEn : floor.label}</div>}
            >
              <Index each={positions()}>
                {(position) => {
                  const unit = (): Cell | undefined => at().get(`${floor.floor}|${position()}`);
                  const upper = (): Cell | undefined => {
                    if (!floor.duplexUpper.includes(position())) return undefined;
                    const b = below(floor.floor);
                    return b === undefined ? undefined : at().get(`${b}|${position()}`);
                  };
                  return (
                    <Show
                      when={unit()}
                      fallback={
                        <Show when={upper()} fallback={<div class="sb-grid__void" />}>
                          {(u) => (
                            <div
                              class={`sb-grid__cell sb-grid__cell--upper sb-kind--${u().kind.toLowerCase()}`}
                              title={`${u().code} · ${t('setupB.duplex')}`}
                            >
                              ↕
                            </div>
                          )}
                        </Show>
                      }
                    >
                      {(u) => (
                        <div
                          class={`sb-grid__cell sb-kind--${u().kind.toLowerCase()}`}
                          classList={{ 'sb-grid__cell--duplex': u().floorSpan === 2 }}
                          title={`${u().code} · ${label(UNIT_KIND_LABELS, u().kind)}${u().layoutCode ? ` · ${u().layoutCode}` : ''}`}
                        >
                          {short(u().code)}
                        </div>
                      )}
                    </Show>
                  );
                }}
              </Index>
            </Show>
          </div>
        )}
      </For>
    </div>
  );
}

/** The colour key of the preview. */
export function KindLegend(): JSX.Element {
  return (
    <ul class="sb-legend">
      <For each={UNIT_KINDS}>
        {(kind) => (
          <li>
            <span class={`sb-legend__swatch sb-kind--${kind.toLowerCase()}`} aria-hidden="true" />
            {label(UNIT_KIND_LABELS, kind)}
          </li>
        )}
      </For>
      <li>
        <span class="sb-legend__swatch sb-grid__cell--duplex" aria-hidden="true" />
        {t('setupB.duplex')}
      </li>
    </ul>
  );
}
