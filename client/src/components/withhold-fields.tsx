/**
 * The fields of a withhold 保留: its reason (required) and the channel it is kept for. One definition
 * for the unit panel and the bulk withhold of the manager console.
 */
import { For, Show, type JSX } from 'solid-js';
import { withholdChannelSchema, type WithholdChannel, WITHHOLD_CHANNEL_LABELS } from '@kaipan/shared';
import { t, label } from '../lib/i18n';

export function WithholdFields(props: {
  reason: string;
  onReason: (reason: string) => void;
  /** The reason was asked for and is empty: say so. */
  reasonMissing: boolean;
  channel: WithholdChannel | '';
  onChannel: (channel: WithholdChannel | '') => void;
  disabled: boolean;
  /** The reason input's name (forms and tests find it by name). */
  name?: string;
}): JSX.Element {
  return (
    <>
      <label class="field">
        <span class="field__label">{t('manager.withholdReason')}</span>
        <input
          class="input input--sm"
          name={props.name}
          value={props.reason}
          maxLength={200}
          placeholder={t('manager.withholdReasonPlaceholder')}
          onInput={(e) => props.onReason(e.currentTarget.value)}
          aria-invalid={props.reasonMissing}
          disabled={props.disabled}
        />
        <Show when={props.reasonMissing}>
          <span class="field__error">{t('manager.withholdReasonRequired')}</span>
        </Show>
      </label>
      <label class="field">
        <span class="field__label">{t('manager.withholdChannel')}</span>
        <select
          class="input input--sm"
          value={props.channel}
          onChange={(e) => props.onChannel(e.currentTarget.value as WithholdChannel | '')}
          disabled={props.disabled}
        >
          <option value="">{t('manager.withholdChannelNone')}</option>
          <For each={withholdChannelSchema.options}>
            {(c) => <option value={c}>{label(WITHHOLD_CHANNEL_LABELS, c)}</option>}
          </For>
        </select>
      </label>
    </>
  );
}
