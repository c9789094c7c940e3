/**
 * /setup/:projectId/devices — the setup section of the project's devices (shared/src/devices.ts): list with last seen,
 * add one (its key and screen link shown once, with a QR code to open it on the screen), rename,
 * remove (confirmed; the screen is cut at once), and "pair a screen" by its code.
 */
import { For, Match, Show, Switch, createSignal, type JSX } from 'solid-js';
import { useNavigate } from '@solidjs/router';
import {
  DEVICE_KINDS,
  devicePath,
  formatPairingCode,
  pairingCodeSchema,
  type CreatedDevice,
  type DeviceInfo,
  type DeviceKind,
  DEVICE_KIND_LABELS,
} from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { QrSvg } from '@kaipan/web/components/qr';
import { api } from '../../lib/api';
import { formatLocalDateTime } from '../../lib/display';
import { describeError, locale, t, type MessageKey, label } from '../../lib/i18n';
import { showToast } from '../../stores/toasts';
import { ConfirmDialog, ErrorState, LoadingState } from '../../components/ui';
import type { SetupSectionProps } from './section-props';
import './devices.css';

export const kindLabel = (kind: DeviceKind): string => label(DEVICE_KIND_LABELS, kind);

/** The address that opens a device's screen with its key (the screen stores it and drops it from the URL). */
function screenLink(device: CreatedDevice): string {
  return `${location.origin}${devicePath(device.kind, device.projectId)}?key=${encodeURIComponent(device.key)}`;
}

export default function DevicesSection(props: SetupSectionProps): JSX.Element {
  const navigate = useNavigate();
  const devices = createLoad(
    () => props.projectId,
    (projectId) => api.devices(projectId),
  );
  const [kind, setKind] = createSignal<DeviceKind>('BOARD');
  const [name, setName] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [created, setCreated] = createSignal<CreatedDevice | null>(null);
  const [editing, setEditing] = createSignal<{ id: string; name: string } | null>(null);
  const [revoking, setRevoking] = createSignal<DeviceInfo | null>(null);
  const [code, setCode] = createSignal('');
  const [codeError, setCodeError] = createSignal(false);

  const when = (iso: string | null): string => (iso ? formatLocalDateTime(iso, locale()) : t('devices.never'));

  const create = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!name().trim()) return;
    setBusy(true);
    try {
      setCreated(await api.createDevice(props.projectId, { kind: kind(), name: name().trim() }));
      setName('');
      void devices.refetch();
    } catch (error) {
      showToast('error', describeError(error));
    } finally {
      setBusy(false);
    }
  };

  const rename = async (event: Event): Promise<void> => {
    event.preventDefault();
    const target = editing();
    if (!target?.name.trim()) return;
    setBusy(true);
    try {
      const done = await api.renameDevice(target.id, target.name.trim());
      showToast('success', t('devices.renamed', { name: done.name }));
      setEditing(null);
      void devices.refetch();
    } catch (error) {
      showToast('error', describeError(error));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (): Promise<void> => {
    const target = revoking();
    if (!target) return;
    setBusy(true);
    try {
      await api.revokeDevice(target.id);
      showToast('success', t('devices.revoked', { name: target.name }));
      setRevoking(null);
      void devices.refetch();
    } catch (error) {
      showToast('error', describeError(error));
    } finally {
      setBusy(false);
    }
  };

  const pair = (event: Event): void => {
    event.preventDefault();
    const parsed = pairingCodeSchema.safeParse(code());
    setCodeError(!parsed.success);
    if (parsed.success) navigate(`/pair/${parsed.data}?project=${props.projectId}`);
  };

  const copy = (text: string): void => {
    void navigator.clipboard?.writeText(text).then(
      () => showToast('success', t('devices.copied')),
      () => undefined,
    );
  };

  return (
    <div class="devices">
      <p class="devices__hint">{t('devices.hint')}</p>

      <Show when={created()} keyed>
        {(device) => (
          <section class="panel devices__created" data-testid="device-created" aria-live="polite">
            <h2 class="panel__title">{t('devices.createdTitle', { name: device.name })}</h2>
            <p class="devices__once">{t('devices.keyOnce')}</p>
            <div class="devices__created-body">
              <QrSvg class="devices__qr" text={screenLink(device)} label={t('devices.openLink')} />
              <dl class="devices__secret">
                <dt>{t('devices.key')}</dt>
                <dd>
                  <code data-testid="device-key">{device.key}</code>
                </dd>
                <dt>{t('devices.openLink')}</dt>
                <dd>
                  <a href={screenLink(device)} target="_blank" rel="noopener" class="devices__link">
                    {screenLink(device)}
                  </a>
                </dd>
              </dl>
            </div>
            <div class="devices__actions">
              <button type="button" class="btn btn--secondary btn--sm" onClick={() => copy(screenLink(device))}>
                {t('devices.copy')}
              </button>
              <button type="button" class="btn btn--primary btn--sm" onClick={() => setCreated(null)}>
                {t('devices.done')}
              </button>
            </div>
          </section>
        )}
      </Show>

      <section class="panel devices__section" data-testid="device-list">
        <div class="panel__head">
          <h2 class="panel__title">{t('devices.title')}</h2>
          <button type="button" class="btn btn--secondary btn--sm" onClick={() => void devices.refetch()}>
            {t('devices.refresh')}
          </button>
        </div>
        <Switch>
          <Match when={devices.error()}>
            <ErrorState
              title={t('grid.errorTitle')}
              message={describeError(devices.error())}
              onRetry={() => void devices.refetch()}
            />
          </Match>
          <Match when={devices.value() === undefined}>
            <LoadingState />
          </Match>
          <Match when={devices.value()?.length === 0}>
            <p class="panel__empty">{t('devices.empty')}</p>
          </Match>
          <Match when={devices.value()}>
            {(list) => (
              <div class="table-wrap">
                <table class="table devices-table">
                  <thead>
                    <tr>
                      <th>{t('devices.col.name')}</th>
                      <th>{t('devices.col.kind')}</th>
                      <th>{t('devices.col.created')}</th>
                      <th>{t('devices.col.lastSeen')}</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    <For each={list()}>
                      {(d) => (
                        <tr data-testid="device-row">
                          <td class="devices-table__name" data-label={t('devices.col.name')}>
                            <Show when={editing()?.id === d.id} fallback={d.name}>
                              <form class="devices__rename" onSubmit={(e) => void rename(e)}>
                                <input
                                  class="input input--sm"
                                  value={editing()?.name ?? ''}
                                  maxLength={60}
                                  aria-label={t('devices.name')}
                                  onInput={(e) => setEditing({ id: d.id, name: e.currentTarget.value })}
                                />
                                <button type="submit" class="btn btn--primary btn--sm" disabled={busy()}>
                                  {t('devices.save')}
                                </button>
                                <button type="button" class="btn btn--ghost btn--sm" onClick={() => setEditing(null)}>
                                  {t('common.cancel')}
                                </button>
                              </form>
                            </Show>
                          </td>
                          <td data-label={t('devices.col.kind')}>
                            <span class={`pill devices__kind devices__kind--${d.kind}`}>{kindLabel(d.kind)}</span>
                          </td>
                          <td data-label={t('devices.col.created')}>{when(d.createdAt)}</td>
                          <td data-label={t('devices.col.lastSeen')} class="devices-table__seen">
                            {when(d.lastSeenAt)}
                          </td>
                          <td class="devices-table__actions">
                            <button
                              type="button"
                              class="btn btn--ghost btn--sm"
                              onClick={() => setEditing({ id: d.id, name: d.name })}
                            >
                              {t('devices.rename')}
                            </button>
                            <button type="button" class="btn btn--danger btn--sm" onClick={() => setRevoking(d)}>
                              {t('devices.revoke')}
                            </button>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            )}
          </Match>
        </Switch>
      </section>

      <div class="devices__forms">
        <section class="panel devices__section">
          <h2 class="panel__title">{t('devices.add')}</h2>
          <form class="devices__form" onSubmit={(e) => void create(e)}>
            <fieldset class="devices__kinds">
              <legend class="sr-only">{t('devices.col.kind')}</legend>
              <For each={DEVICE_KINDS}>
                {(k) => (
                  <label class="devices__kind-option" classList={{ 'is-selected': kind() === k }}>
                    <input type="radio" name="kind" value={k} checked={kind() === k} onChange={() => setKind(k)} />
                    <span class="devices__kind-name">{kindLabel(k)}</span>
                    <span class="devices__kind-hint">{t(`devices.kindHint.${k}` as MessageKey)}</span>
                  </label>
                )}
              </For>
            </fieldset>
            <label class="field">
              <span class="field__label">{t('devices.name')}</span>
              <input
                class="input"
                name="name"
                value={name()}
                maxLength={60}
                placeholder={t('devices.namePlaceholder')}
                onInput={(e) => setName(e.currentTarget.value)}
              />
            </label>
            <button type="submit" class="btn btn--primary" disabled={busy() || !name().trim()}>
              {busy() ? t('devices.creating') : t('devices.create')}
            </button>
          </form>
        </section>

        <section class="panel devices__section" data-testid="pair-entry">
          <h2 class="panel__title">{t('devices.pairTitle')}</h2>
          <p class="devices__hint">{t('devices.pairHint')}</p>
          <form class="devices__pair" onSubmit={pair}>
            <label class="field">
              <span class="field__label">{t('devices.pairCode')}</span>
              <input
                class="input devices__code"
                name="code"
                value={code()}
                placeholder={formatPairingCode('ABCD2345')}
                autocomplete="off"
                autocapitalize="characters"
                aria-invalid={codeError()}
                onInput={(e) => setCode(e.currentTarget.value)}
              />
            </label>
            <button type="submit" class="btn btn--secondary">
              {t('devices.pairGo')}
            </button>
          </form>
          <Show when={codeError()}>
            <p class="devices__error" role="alert">
              {t('devices.codeInvalid')}
            </p>
          </Show>
        </section>
      </div>
      <ConfirmDialog
        open={revoking() !== null}
        title={t('devices.revokeTitle', { name: revoking()?.name ?? '' })}
        body={t('devices.revokeBody')}
        confirmLabel={t('devices.revoke')}
        danger
        busy={busy()}
        onConfirm={() => void revoke()}
        onCancel={() => setRevoking(null)}
      />
    </div>
  );
}
