/**
 * The manager console's selection, withheld 保留 or put back on sale in one action with one reason
 * (POST …/units/withhold | unwithhold). The server steps each unit through the selling code and
 * refuses the ones that cannot step by themselves; those are listed here with why. One idempotency
 * key per attempt, kept until it succeeds: a retry after a lost answer is not done twice.
 */
import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import { ApiError, type BulkWithholdResult, type UnitStatus, type WithholdChannel } from '@kaipan/shared';
import { api } from '../lib/api';
import { createBusy } from '../lib/busy';
import { describeError, t } from '../lib/i18n';
import { showToast } from '../stores/toasts';
import { ErrorAlert, Spinner } from './ui';
import { WithholdFields } from './withhold-fields';
import './bulk-withhold.css';

export function BulkWithhold(props: {
  projectId: string;
  selection: ReadonlySet<string>;
  statusOf: (unitId: string) => UnitStatus;
  onDone: (changed: string[]) => void;
}): JSX.Element {
  const [reason, setReason] = createSignal('');
  const [channel, setChannel] = createSignal<WithholdChannel | ''>('');
  const [reasonMissing, setReasonMissing] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [refused, setRefused] = createSignal<BulkWithholdResult['refused']>([]);
  const action = createBusy();
  /** The key of the attempt under way (same request again = same key); a new one after success. */
  let key: { for: string; value: string } | null = null;
  const keyFor = (what: string): string => {
    if (key?.for !== what) key = { for: what, value: crypto.randomUUID() };
    return key.value;
  };
  const ids = (status: UnitStatus): string[] => [...props.selection].filter((id) => props.statusOf(id) === status);
  const available = createMemo(() => ids('AVAILABLE'));
  const withheld = createMemo(() => ids('WITHHELD'));

  const send = (kind: 'withhold' | 'unwithhold'): Promise<void> =>
    action.run(async () => {
      setError(null);
      setRefused([]);
      const why = reason().trim();
      if (kind === 'withhold' && !why) {
        setReasonMissing(true);
        return;
      }
      setReasonMissing(false);
      const unitIds = kind === 'withhold' ? available() : withheld();
      if (unitIds.length === 0) return;
      const request = JSON.stringify([kind, unitIds, why, channel()]);
      try {
        const idempotencyKey = keyFor(request);
        const result =
          kind === 'withhold'
            ? await api.withholdMany(props.projectId, {
                unitIds,
                reason: why,
                ...(channel() ? { channel: channel() as WithholdChannel } : {}),
                idempotencyKey,
              })
            : await api.unwithholdMany(props.projectId, { unitIds, idempotencyKey });
        key = null;
        if (result.done.length > 0) {
          showToast(
            'success',
            t(kind === 'withhold' ? 'manager.bulkWithheld' : 'manager.bulkUnwithheld', { n: result.done.length }),
          );
        }
        setRefused(result.refused);
        if (kind === 'withhold' && result.refused.length === 0) setReason('');
        props.onDone(result.done.map((d) => d.unitId));
      } catch (err) {
        setError(describeError(err));
      }
    });

  return (
    <section class="panel bulk-withhold" data-testid="bulk-withhold">
      <h2 class="panel__title">{t('manager.bulkTitle')}</h2>
      <p class="panel__note">
        {t('manager.bulkCounts', { available: available().length, withheld: withheld().length })}
      </p>
      <ErrorAlert message={error()} />
      <Show when={refused().length > 0}>
        <div class="alert alert--error bulk-withhold__refused" role="status">
          {t('manager.bulkRefused', { n: refused().length })}
          <ul>
            <For each={refused()}>
              {(r) => (
                <li>
                  <strong>{r.code ?? '—'}</strong> {describeError(new ApiError(r.error.code, r.error.message))}
                </li>
              )}
            </For>
          </ul>
        </div>
      </Show>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void send('withhold');
        }}
      >
        <WithholdFields
          name="bulk-reason"
          reason={reason()}
          onReason={setReason}
          reasonMissing={reasonMissing()}
          channel={channel()}
          onChannel={setChannel}
          disabled={action.busy()}
        />
        <div class="panel__actions">
          <button
            type="submit"
            class="btn btn--secondary"
            data-testid="bulk-withhold-submit"
            disabled={action.busy() || available().length === 0}
          >
            <Show when={action.busy()}>
              <Spinner size="sm" />
            </Show>
            {t('manager.bulkWithhold', { n: available().length })}
          </button>
          <button
            type="button"
            class="btn btn--go"
            data-testid="bulk-unwithhold-submit"
            disabled={action.busy() || withheld().length === 0}
            onClick={() => void send('unwithhold')}
          >
            {t('manager.bulkUnwithhold', { n: withheld().length })}
          </button>
        </div>
      </form>
    </section>
  );
}
