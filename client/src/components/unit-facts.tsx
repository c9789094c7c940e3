/** The static facts of a unit (layout, areas, orientation, prices) as a definition list. */
import { Show, type JSX } from 'solid-js';
import { formatArea, formatYuan, orientationLabel, type CatalogUnit } from '@kaipan/shared';
import { layoutName } from '../lib/display';
import { locale, t } from '../lib/i18n';

export function UnitFacts(props: { unit: CatalogUnit; dealPrice?: number; compact?: boolean }): JSX.Element {
  return (
    <dl class="facts" classList={{ 'facts--compact': props.compact }}>
      <div class="facts__item facts__item--wide">
        <dt>{t('sheet.layout')}</dt>
        <dd>
          {layoutName(props.unit, locale())}
          <Show when={props.unit.layout && props.unit.layout !== layoutName(props.unit, locale())}>
            <span class="facts__muted"> · {props.unit.layout}</span>
          </Show>
        </dd>
      </div>
      <div class="facts__item">
        <dt>{t('sheet.grossArea')}</dt>
        <dd>{formatArea(props.unit.grossArea, locale())}</dd>
      </div>
      <div class="facts__item">
        <dt>{t('sheet.netArea')}</dt>
        <dd>{formatArea(props.unit.netArea, locale())}</dd>
      </div>
      <div class="facts__item">
        <dt>{t('sheet.orientation')}</dt>
        <dd>{orientationLabel(props.unit.orientation, locale()) || t('common.dash')}</dd>
      </div>
      <div class="facts__item">
        <dt>{t('sheet.unitPrice')}</dt>
        <dd>
          {formatYuan(props.unit.unitPrice, locale())}
          <span class="facts__muted">{t('sheet.perM2')}</span>
        </dd>
      </div>
      <div class="facts__item facts__item--wide facts__item--price">
        <dt>{t('sheet.listPrice')}</dt>
        <dd>{formatYuan(props.unit.listPrice, locale())}</dd>
      </div>
      <Show when={props.dealPrice !== undefined}>
        <div class="facts__item facts__item--wide facts__item--price">
          <dt>{t('sheet.dealPrice')}</dt>
          <dd>{formatYuan(props.dealPrice ?? 0, locale())}</dd>
        </div>
      </Show>
    </dl>
  );
}
