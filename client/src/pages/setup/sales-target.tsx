/**
 * Setup, "Sales rules & settings": the sales target 销售目标 the live dashboard measures against
 * (docs/dashboard.md) — units, gross area (m²) and amount (typed in yuan, sent in fen); an empty
 * field is no target for that figure. Managers save it; the server audits the change.
 */
import { Show, createEffect, createSignal, on, type JSX } from 'solid-js';
import { formatBigMoney } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../../lib/api';
import { describeError, locale, t } from '../../lib/i18n';
import { showToast } from '../../stores/toasts';
import { ErrorAlert, Loaded } from '../../components/ui';
import { fenOfYuanText, yuanTextOfFen } from './money';
import { targetOfTexts } from './sales-target-input';

export function SalesTargetForm(props: { projectId: string; archived: boolean }): JSX.Element {
  const saved = createLoad(
    () => props.projectId,
    (id) => api.salesTarget(id),
  );
  const [units, setUnits] = createSignal('');
  const [area, setArea] = createSignal('');
  const [amount, setAmount] = createSignal('');
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  createEffect(
    on(saved.value, (s) => {
      if (!s) return;
      setUnits(s.units === null ? '' : String(s.units));
      setArea(s.area === null ? '' : String(s.area));
      setAmount(s.amountFen === null ? '' : yuanTextOfFen(s.amountFen));
    }),
  );
  const dirty = (): boolean => {
    const s = saved.value();
    const now = targetOfTexts(units(), area(), amount());
    return !!s && (now === undefined || now.units !== s.units || now.area !== s.area || now.amountFen !== s.amountFen);
  };

  const save = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const target = targetOfTexts(units(), area(), amount());
    if (!target) {
      setError(t('dash.target.invalid'));
      return;
    }
    setError(null);
    setSaving(true);
    try {
      saved.mutate(await api.updateSalesTarget(props.projectId, target));
      showToast('success', t('dash.target.saved'));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  const amountHint = (): string => {
    const fen = fenOfYuanText(amount());
    return fen ? formatBigMoney(fen, locale()) : '';
  };

  return (
    <section class="panel setup-section" data-testid="sales-target">
      <h2 class="panel__title">{t('dash.target.title')}</h2>
      <p class="setup-hint">{t('dash.target.hint')}</p>
      <Loaded load={saved} errorTitle={t('grid.errorTitle')}>
        <form class="setup-form" onSubmit={(e) => void save(e)} novalidate>
          <div class="setup-grid">
            <label class="field">
              <span class="field__label">{t('dash.target.units')}</span>
              <div class="setup-pair setup-pair--unit">
                <input
                  class="input"
                  inputmode="numeric"
                  name="targetUnits"
                  value={units()}
                  disabled={saving() || props.archived}
                  onInput={(e) => setUnits(e.currentTarget.value)}
                />
                <span class="setup-unit">{t('dash.target.unitsSuffix')}</span>
              </div>
            </label>
            <label class="field">
              <span class="field__label">{t('dash.target.area')}</span>
              <div class="setup-pair setup-pair--unit">
                <input
                  class="input"
                  inputmode="decimal"
                  name="targetArea"
                  value={area()}
                  disabled={saving() || props.archived}
                  onInput={(e) => setArea(e.currentTarget.value)}
                />
                <span class="setup-unit">m²</span>
              </div>
            </label>
            <label class="field">
              <span class="field__label">{t('dash.target.amount')}</span>
              <div class="setup-pair setup-pair--unit">
                <input
                  class="input"
                  inputmode="decimal"
                  name="targetAmount"
                  value={amount()}
                  disabled={saving() || props.archived}
                  onInput={(e) => setAmount(e.currentTarget.value)}
                />
                <span class="setup-unit">{t('setup.yuan')}</span>
              </div>
              <Show when={amountHint()}>
                <span class="setup-hint">{amountHint()}</span>
              </Show>
            </label>
          </div>
          <ErrorAlert message={error()} />
          <div class="setup-actions">
            <span class="setup-actions__spacer" />
            <button type="submit" class="btn btn--primary" disabled={saving() || props.archived || !dirty()}>
              {saving() ? t('settings.saving') : t('settings.save')}
            </button>
          </div>
        </form>
      </Loaded>
    </section>
  );
}
