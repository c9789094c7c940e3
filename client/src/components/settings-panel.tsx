/**
 * Project settings on the manager page: the lock window and limit, the entitlement 机会数 of new
 * registrations, the selection rules (a lock must name a registered buyer; only called buyers,
 * within their selection window) and the no-show rule 过号. Saved together (PATCH, audited);
 * nothing is sent when nothing changed. Below them, the kiosk PIN that opens the queue kiosks'
 * setup screen (set on its own: PUT, stored hashed, never shown again).
 */
import { Show, createEffect, createSignal, on, type JSX } from 'solid-js';
import { kioskPinSchema, projectSettingsSchema, type ProjectSettingsBody, type ProjectSummary } from '@kaipan/shared';
import { api } from '../lib/api';
import { describeError, t } from '../lib/i18n';
import { showToast } from '../stores/toasts';
import { ErrorAlert, Spinner } from './ui';
import './settings-panel.css';

type Draft = Required<ProjectSettingsBody>;

function draftOf(p: ProjectSummary): Draft {
  return {
    lockTtlSeconds: p.lockTtlSeconds,
    maxLocksPerConsultant: p.maxLocksPerConsultant,
    entitlementPerRegistration: p.entitlementPerRegistration,
    requireRegistration: p.requireRegistration,
    requireCalled: p.requireCalled,
    selectionMinutes: p.selectionMinutes,
    noShowRule: p.noShowRule,
    noShowRequeueAfter: p.noShowRequeueAfter,
  };
}

export function SettingsPanel(props: {
  project: ProjectSummary | undefined;
  onSaved: (p: ProjectSummary) => void;
}): JSX.Element {
  const [draft, setDraft] = createSignal<Draft | null>(null);
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  createEffect(
    on(
      () => props.project,
      (p) => p && setDraft(draftOf(p)),
    ),
  );

  const set = <K extends keyof Draft>(key: K, value: Draft[K]): void => {
    const d = draft();
    if (d) setDraft({ ...d, [key]: value });
  };
  const changes = (): ProjectSettingsBody => {
    const d = draft();
    const p = props.project;
    if (!d || !p) return {};
    const base = draftOf(p);
    return Object.fromEntries(
      Object.entries(d).filter(([k, v]) => base[k as keyof Draft] !== v),
    ) as ProjectSettingsBody;
  };
  const dirty = (): boolean => Object.keys(changes()).length > 0;

  const save = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const p = props.project;
    if (!p || !dirty()) return;
    const parsed = projectSettingsSchema.safeParse(changes());
    if (!parsed.success) {
      setError(t('settings.invalid'));
      return;
    }
    setError(null);
    setSaving(true);
    try {
      const saved = await api.updateSettings(p.id, parsed.data);
      props.onSaved(saved);
      showToast('success', t('settings.saved'));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  const num = (
    key:
      | 'lockTtlSeconds'
      | 'maxLocksPerConsultant'
      | 'entitlementPerRegistration'
      | 'selectionMinutes'
      | 'noShowRequeueAfter',
    min: number,
    max: number,
  ) => (
    <input
      class="input input--sm settings__num"
      type="number"
      inputmode="numeric"
      min={min}
      max={max}
      value={draft()?.[key] ?? ''}
      onInput={(e) => set(key, Number(e.currentTarget.value))}
      disabled={saving()}
    />
  );
  const toggle = (key: 'requireRegistration' | 'requireCalled', label: string) => (
    <button
      type="button"
      role="switch"
      class="switch"
      aria-checked={draft()?.[key] ?? false}
      aria-label={label}
      disabled={saving()}
      onClick={() => set(key, !(draft()?.[key] ?? false))}
    >
      <span class="switch__knob" />
    </button>
  );

  return (
    <section class="panel settings">
      <h2 class="panel__title">{t('settings.title')}</h2>
      <Show when={draft()} fallback={<Spinner />}>
        {(d) => (
          <form class="settings__form" onSubmit={(e) => void save(e)} novalidate>
            <label class="settings__row">
              <span class="settings__label">{t('settings.lockTtl')}</span>
              {num('lockTtlSeconds', 30, 1800)}
              <span class="settings__unit">{t('settings.seconds')}</span>
            </label>
            <label class="settings__row">
              <span class="settings__label">{t('settings.maxLocks')}</span>
              {num('maxLocksPerConsultant', 1, 20)}
              <span class="settings__unit" />
            </label>
            <label class="settings__row">
              <span class="settings__label">{t('settings.entitlement')}</span>
              {num('entitlementPerRegistration', 1, 20)}
              <span class="settings__unit">{t('settings.unitsEach')}</span>
            </label>
            <div class="settings__row">
              <span class="settings__label">{t('settings.requireRegistration')}</span>
              <span class="settings__switch">{toggle('requireRegistration', t('settings.requireRegistration'))}</span>
            </div>
            <div class="settings__row">
              <span class="settings__label">{t('settings.requireCalled')}</span>
              <span class="settings__switch">{toggle('requireCalled', t('settings.requireCalled'))}</span>
            </div>
            <label class="settings__row">
              <span class="settings__label">{t('settings.selectionMinutes')}</span>
              {num('selectionMinutes', 1, 240)}
              <span class="settings__unit">{t('settings.minutes')}</span>
            </label>
            <label class="settings__row">
              <span class="settings__label">{t('settings.noShow')}</span>
              <select
                class="input input--sm settings__select"
                value={d().noShowRule}
                onChange={(e) => set('noShowRule', e.currentTarget.value === 'DROP' ? 'DROP' : 'REQUEUE')}
                disabled={saving()}
              >
                <option value="REQUEUE">{t('settings.noShowRequeue')}</option>
                <option value="DROP">{t('settings.noShowDrop')}</option>
              </select>
            </label>
            <Show when={d().noShowRule === 'REQUEUE'}>
              <label class="settings__row">
                <span class="settings__label">{t('settings.requeueAfter')}</span>
                {num('noShowRequeueAfter', 1, 100)}
                <span class="settings__unit">{t('settings.numbers')}</span>
              </label>
            </Show>
            <ErrorAlert message={error()} />
            <div class="panel__actions">
              <button
                type="button"
                class="btn btn--secondary"
                disabled={!dirty() || saving()}
                onClick={() => props.project && setDraft(draftOf(props.project))}
              >
                {t('settings.reset')}
              </button>
              <button type="submit" class="btn btn--primary" disabled={!dirty() || saving()}>
                {saving() ? t('settings.saving') : t('settings.save')}
              </button>
            </div>
          </form>
        )}
      </Show>
      <Show when={props.project}>{(p) => <KioskPinForm project={p()} onSaved={props.onSaved} />}</Show>
    </section>
  );
}

/**
 * The kiosk PIN 排号机设置密码: staff type it on a kiosk (hold the logo 3 s) to open its setup —
 * without it a buyer cannot switch printing off or change the device. Shown only as set / not set.
 */
function KioskPinForm(props: { project: ProjectSummary; onSaved: (p: ProjectSummary) => void }): JSX.Element {
  const [pin, setPin] = createSignal('');
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  createEffect(
    on(
      () => props.project.id,
      () => setPin(''),
    ),
  );

  const save = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    if (saving()) return;
    if (!kioskPinSchema.safeParse(pin()).success) {
      setError(t('settings.kioskPinInvalid'));
      return;
    }
    setError(null);
    setSaving(true);
    try {
      props.onSaved(await api.setKioskPin(props.project.id, pin()));
      setPin('');
      showToast('success', t('settings.kioskPinSaved'));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form class="settings__form settings__pin" onSubmit={(e) => void save(e)} novalidate data-testid="kiosk-pin">
      <div class="settings__row">
        <span class="settings__label">
          {t('settings.kioskPin')}
          <span class="settings__hint">{t('settings.kioskPinHint')}</span>
        </span>
        <span class="settings__pin-state" classList={{ 'settings__pin-state--none': !props.project.kioskPinSet }}>
          {props.project.kioskPinSet ? t('settings.kioskPinSet') : t('settings.kioskPinNone')}
        </span>
      </div>
      <div class="settings__row">
        <input
          class="input input--sm settings__pin-input"
          type="password"
          inputmode="numeric"
          autocomplete="new-password"
          name="kiosk-pin"
          maxLength={8}
          placeholder={t('settings.kioskPinPlaceholder')}
          value={pin()}
          onInput={(e) => setPin(e.currentTarget.value.replace(/\D/g, ''))}
          disabled={saving()}
          aria-label={t('settings.kioskPin')}
        />
        <button type="submit" class="btn btn--secondary btn--sm" disabled={saving() || pin().length === 0}>
          {saving()
            ? t('settings.saving')
            : props.project.kioskPinSet
              ? t('settings.kioskPinChange')
              : t('settings.kioskPinSetButton')}
        </button>
      </div>
      <ErrorAlert message={error()} />
    </form>
  );
}
