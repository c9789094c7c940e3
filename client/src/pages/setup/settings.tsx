/**
 * Setup section "Sales rules & settings": every project setting in one place — the sales rules and
 * kiosk PIN (the manager page's settings panel, reused), the deposit rule 定金时限 and required
 * deposit (money typed in yuan, sent in fen), the sales target of the dashboard, the receipt books 收据本 of the cashiers, and the settings
 * that keep their own screens (认购书 terms and signing days, queue categories) with a link there.
 */
import { For, Show, createEffect, createSignal, on, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../../lib/api';
import { describeError, locale, t } from '../../lib/i18n';
import { showToast } from '../../stores/toasts';
import { SettingsPanel } from '../../components/settings-panel';
import { ErrorAlert, Loaded } from '../../components/ui';
import { fenOfYuanText, yuanTextOfFen } from './money';
import { ReceiptBooks } from './receipt-books';
import { SalesTargetForm } from './sales-target';
import type { SetupSectionProps } from './section-props';

export default function SettingsSection(props: SetupSectionProps): JSX.Element {
  return (
    <>
      <Show when={props.project.archived}>
        <div class="setup-banner setup-banner--archived" role="status">
          {t('setup.project.archivedBanner')}
        </div>
      </Show>
      <SettingsPanel project={props.project} onSaved={props.onProjectChanged} />
      <DepositRuleForm projectId={props.projectId} />
      <SalesTargetForm projectId={props.projectId} archived={props.project.archived} />
      <ReceiptBooks projectId={props.projectId} archived={props.project.archived} />
      <ElsewhereSettings projectId={props.projectId} />
    </>
  );
}

/** The deposit rule: a deadline in minutes after the subscription (empty = no rule) and the deposit required. */
function DepositRuleForm(props: { projectId: string }): JSX.Element {
  const settings = createLoad(() => api.cashierSettings(props.projectId));
  const [windowText, setWindowText] = createSignal('');
  const [depositText, setDepositText] = createSignal('');
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  createEffect(
    on(settings.value, (s) => {
      if (!s) return;
      setWindowText(s.depositWindowMinutes === null ? '' : String(s.depositWindowMinutes));
      setDepositText(yuanTextOfFen(s.requiredDepositFen));
    }),
  );

  const depositDirty = (): boolean => {
    const s = settings.value();
    if (!s) return false;
    const savedWindow = s.depositWindowMinutes === null ? '' : String(s.depositWindowMinutes);
    return windowText().trim() !== savedWindow || fenOfYuanText(depositText()) !== s.requiredDepositFen;
  };

  const save = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const current = settings.value();
    if (!current) return;
    const minutes = windowText().trim() === '' ? null : Number(windowText());
    const fen = fenOfYuanText(depositText());
    if (
      (minutes !== null && (!Number.isInteger(minutes) || minutes < 5 || minutes > 1440)) ||
      fen === null ||
      fen < 1
    ) {
      setError(t('settings.invalid'));
      return;
    }
    const body: { depositWindowMinutes?: number | null; requiredDepositFen?: number } = {};
    if (minutes !== current.depositWindowMinutes) body.depositWindowMinutes = minutes;
    if (fen !== current.requiredDepositFen) body.requiredDepositFen = fen;
    if (Object.keys(body).length === 0) return;
    setError(null);
    setSaving(true);
    try {
      settings.mutate(await api.updateCashierSettings(props.projectId, body));
      showToast('success', t('settings.saved'));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section class="panel setup-section">
      <h2 class="panel__title">{t('setup.deposit.title')}</h2>
      <p class="setup-hint">{t('setup.deposit.hint')}</p>
      <Loaded load={settings} errorTitle={t('grid.errorTitle')}>
        <form class="setup-form" onSubmit={(e) => void save(e)} novalidate>
          <div class="setup-grid">
            <label class="field">
              <span class="field__label">{t('setup.deposit.window')}</span>
              <div class="setup-pair setup-pair--unit">
                <input
                  class="input"
                  type="number"
                  inputmode="numeric"
                  min={5}
                  max={1440}
                  placeholder={t('setup.deposit.noRule')}
                  value={windowText()}
                  disabled={saving()}
                  onInput={(e) => setWindowText(e.currentTarget.value)}
                />
                <span class="setup-unit">{t('settings.minutes')}</span>
              </div>
            </label>
            <label class="field">
              <span class="field__label">{t('setup.deposit.required')}</span>
              <div class="setup-pair setup-pair--unit">
                <input
                  class="input"
                  inputmode="decimal"
                  value={depositText()}
                  disabled={saving()}
                  onInput={(e) => setDepositText(e.currentTarget.value)}
                />
                <span class="setup-unit">{t('setup.yuan')}</span>
              </div>
            </label>
          </div>
          <ErrorAlert message={error()} />
          <div class="setup-actions">
            <span class="setup-actions__spacer" />
            <button type="submit" class="btn btn--primary" disabled={saving() || !depositDirty()}>
              {saving() ? t('settings.saving') : t('settings.save')}
            </button>
          </div>
        </form>
      </Loaded>
    </section>
  );
}

/** Settings that keep their own screen: what they are now, and the way there. */
function ElsewhereSettings(props: { projectId: string }): JSX.Element {
  const agreement = createLoad(() => api.agreementSettings(props.projectId));
  const categories = createLoad(() => api.queueCategories(props.projectId));
  const name = (c: { name: string; nameEn: string }): string => (locale() === 'en' ? c.nameEn || c.name : c.name);
  return (
    <section class="panel setup-section">
      <h2 class="panel__title">{t('setup.elsewhere.title')}</h2>
      <ul class="setup-list">
        <li class="setup-list__item">
          <div class="setup-list__main">
            <span class="setup-list__title">{t('setup.elsewhere.agreement')}</span>
            <span class="setup-list__meta">
              <Show when={agreement.value()} fallback={agreement.error() ? describeError(agreement.error()) : '…'}>
                {/* In JSX, so the text follows a change of language (a callback's plain return would not). */}
                {(a) => <>{t('setup.elsewhere.signingDays', { n: a().signingDays })}</>}
              </Show>
            </span>
          </div>
          <A href={`/manager/${props.projectId}/agreement`} class="btn btn--secondary btn--sm">
            {t('setup.elsewhere.open')}
          </A>
        </li>
        <li class="setup-list__item">
          <div class="setup-list__main">
            <span class="setup-list__title">{t('setup.elsewhere.queue')}</span>
            <span class="setup-list__meta">
              <Show when={categories.value()} fallback={categories.error() ? describeError(categories.error()) : '…'}>
                {(list) => (
                  <Show when={list().length > 0} fallback={t('setup.elsewhere.none')}>
                    <For each={list()}>
                      {(c, i) => (
                        <>
                          {i() > 0 ? '、' : ''}
                          {name(c)}（{c.prefix}）
                        </>
                      )}
                    </For>
                  </Show>
                )}
              </Show>
            </span>
          </div>
          <A href={`/manager/${props.projectId}`} class="btn btn--secondary btn--sm">
            {t('setup.elsewhere.open')}
          </A>
        </li>
      </ul>
    </section>
  );
}
