/**
 * /manager/:projectId/agreement — the 认购书 terms of a project (ADMIN/MANAGER): the 认购须知 text
 * printed on every subscription agreement (empty = the default text, shown beside it) and the signing
 * period (days from the subscription to the purchase-contract deadline). Saved with PATCH (the
 * server audits `project.agreement`); the page shows saved / unsaved / saving, the server's coded
 * validation errors per field, and previews a SAMPLE 认购书 of the form as it stands (saved or not):
 * POST …/agreement/preview renders it stamped 样本 SAMPLE and stores nothing.
 * docs/documents.md "Agreement terms".
 */
import { Match, Show, Switch, createEffect, createMemo, createSignal, on, onCleanup, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import { MAX_AGREEMENT_TERMS, agreementSettingsSchema, type AgreementSettings, type UserInfo } from '@kaipan/shared';
import { api, toApiError } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { describeError, locale, t } from '../lib/i18n';
import { createCatalog } from '../stores/catalog';
import { isManager } from '../stores/project-roles';
import { showToast } from '../stores/toasts';
import { AppHeader } from '../components/app-header';
import { DocumentButton } from '../components/document-button';
import type { AgreementSampleRequest } from '../lib/documents';
import { ErrorAlert, ErrorState, LoadingState, Spinner } from '../components/ui';
import './agreement.css';

export default function AgreementPage(props: { projectId: string; user: UserInfo }): JSX.Element {
  return (
    <Show
      when={isManager(props.user, props.projectId)}
      fallback={
        <div class="page">
          <AppHeader title={t('agreement.title')} backHref={`/p/${props.projectId}`} />
          <main class="page__main page__main--narrow">
            <ErrorState title={t('manager.forbiddenTitle')} message={t('agreement.forbidden')} />
          </main>
        </div>
      }
    >
      <AgreementTerms projectId={props.projectId} user={props.user} />
    </Show>
  );
}

interface FieldErrors {
  terms?: string;
  signingDays?: string;
}

/** Which field a server VALIDATION_FAILED names (details: [{path, message}]). */
function fieldsOf(details: unknown): Array<keyof FieldErrors> {
  if (!Array.isArray(details)) return [];
  const out = new Set<keyof FieldErrors>();
  for (const d of details) {
    const path = typeof d === 'object' && d !== null ? String((d as { path?: unknown }).path ?? '') : '';
    if (path.startsWith('terms')) out.add('terms');
    if (path.startsWith('signingDays')) out.add('signingDays');
  }
  return [...out];
}

const DAYS_PATTERN = /^\d{1,3}$/;

function AgreementTerms(props: { projectId: string; user: UserInfo }): JSX.Element {
  const catalog = createCatalog(props.projectId, api);
  const settings = createLoad(
    () => props.projectId,
    (id) => api.agreementSettings(id),
  );
  const [terms, setTerms] = createSignal('');
  const [days, setDays] = createSignal('');
  const [saving, setSaving] = createSignal(false);
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [formError, setFormError] = createSignal<string | null>(null);
  const [savedAt, setSavedAt] = createSignal<Date | null>(null);
  const [online, setOnline] = createSignal(typeof navigator === 'undefined' || navigator.onLine !== false);

  const load = (s: AgreementSettings): void => {
    setTerms(s.terms);
    setDays(String(s.signingDays));
    setErrors({});
    setFormError(null);
  };
  createEffect(
    on(
      () => settings.value(),
      (s) => s && load(s),
    ),
  );

  const saved = (): AgreementSettings | undefined => settings.value();
  const dirty = (): boolean => {
    const s = saved();
    return !!s && (terms().trim() !== s.terms.trim() || days().trim() !== String(s.signingDays));
  };
  const usesDefault = (): boolean => terms().trim() === '';
  const length = (): number => terms().length;

  // Leaving with unsaved text asks first.
  const beforeUnload = (e: BeforeUnloadEvent): void => {
    if (dirty()) e.preventDefault();
  };
  window.addEventListener('beforeunload', beforeUnload);
  onCleanup(() => window.removeEventListener('beforeunload', beforeUnload));
  const goOnline = (): void => void setOnline(true);
  const goOffline = (): void => void setOnline(false);
  window.addEventListener('online', goOnline);
  window.addEventListener('offline', goOffline);
  onCleanup(() => {
    window.removeEventListener('online', goOnline);
    window.removeEventListener('offline', goOffline);
  });

  const projectName = (): string => {
    const p = catalog.ready()?.project;
    if (!p) return '';
    return locale() === 'en' ? p.nameEn || p.name : p.name;
  };

  const check = (): FieldErrors => {
    const e: FieldErrors = {};
    if (terms().length > MAX_AGREEMENT_TERMS)
      e.terms = t('agreement.termsTooLong', { max: MAX_AGREEMENT_TERMS.toLocaleString() });
    const d = days().trim();
    const n = Number(d);
    if (!DAYS_PATTERN.test(d) || n < 1 || n > 90) e.signingDays = t('agreement.daysInvalid');
    return e;
  };

  const save = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    if (!dirty() || saving()) return;
    const local = check();
    setErrors(local);
    setFormError(null);
    if (local.terms || local.signingDays) return;
    const parsed = agreementSettingsSchema.safeParse({ terms: terms(), signingDays: Number(days().trim()) });
    if (!parsed.success) {
      setFormError(t('agreement.invalid'));
      return;
    }
    setSaving(true);
    try {
      const next = await api.updateAgreementSettings(props.projectId, parsed.data);
      settings.mutate(next);
      load(next);
      setSavedAt(new Date());
      showToast('success', t('agreement.saved'));
    } catch (err) {
      const apiErr = toApiError(err);
      if (apiErr.code === 'VALIDATION_FAILED') {
        const fields = fieldsOf(apiErr.details);
        const fe: FieldErrors = {};
        if (fields.includes('terms'))
          fe.terms = t('agreement.termsTooLong', { max: MAX_AGREEMENT_TERMS.toLocaleString() });
        if (fields.includes('signingDays')) fe.signingDays = t('agreement.daysInvalid');
        setErrors(fe);
        if (fields.length === 0) setFormError(describeError(apiErr));
      } else {
        setFormError(describeError(apiErr));
      }
    } finally {
      setSaving(false);
    }
  };

  const stateText = (): { cls: string; text: string } => {
    if (saving()) return { cls: 'agr-state--saving', text: t('agreement.saving') };
    if (dirty()) return { cls: 'agr-state--dirty', text: t('agreement.unsaved') };
    const at = savedAt();
    if (at) {
      const time = at.toLocaleTimeString(locale(), {
        hour: '2-digit',
        minute: '2-digit',
        timeZone: catalog.timeZone(),
      });
      return { cls: 'agr-state--saved', text: t('agreement.savedAt', { time }) };
    }
    return { cls: 'agr-state--saved', text: t('agreement.upToDate') };
  };

  // The sample previews the form as it stands, saved or not — but only values the server accepts.
  const sample = createMemo((): AgreementSampleRequest | undefined => {
    const local = check();
    if (local.terms || local.signingDays) return undefined;
    const parsed = agreementSettingsSchema.safeParse({ terms: terms(), signingDays: Number(days().trim()) });
    return parsed.success ? { kind: 'AGREEMENT_SAMPLE', projectId: props.projectId, body: parsed.data } : undefined;
  });
  const sampleHint = (): string | null =>
    !online() ? t('doc.offline') : sample() ? null : t('agreement.previewInvalid');

  return (
    <div class="page agr-page">
      <AppHeader
        backHref={`/manager/${props.projectId}`}
        title={
          <>
            {t('agreement.title')} <span class="app-header__tag">{projectName()}</span>
          </>
        }
        subtitle={props.user.displayName}
        actions={
          <A href={`/manager/${props.projectId}`} class="btn btn--ghost btn--sm hide-phone">
            {t('prices.backToManager')}
          </A>
        }
      />
      <main class="page__main agr">
        <Switch>
          <Match when={settings.error() && !settings.value()}>
            <ErrorState
              title={t('agreement.loadError')}
              message={describeError(settings.error())}
              onRetry={() => void settings.refetch()}
            />
          </Match>
          <Match when={!settings.value()}>
            <LoadingState />
          </Match>
          <Match when={settings.value()}>
            {(s) => (
              <div class="agr__grid">
                <form class="panel agr__form" onSubmit={(e) => void save(e)} novalidate data-testid="agreement-form">
                  <h2 class="panel__title">{t('agreement.formTitle')}</h2>
                  <p class="agr__intro">{t('agreement.intro')}</p>

                  <label class="field agr__days">
                    <span class="field__label">{t('agreement.signingDays')}</span>
                    <span class="agr__days-row">
                      <input
                        class="input input--sm agr__days-input"
                        name="signing-days"
                        type="number"
                        inputmode="numeric"
                        min="1"
                        max="90"
                        value={days()}
                        onInput={(e) => setDays(e.currentTarget.value)}
                        aria-invalid={errors().signingDays !== undefined}
                        disabled={saving()}
                      />
                      <span class="agr__unit">{t('agreement.days')}</span>
                    </span>
                    <span class="agr__hint">{t('agreement.signingDaysHint')}</span>
                    <Show when={errors().signingDays}>{(m) => <span class="field__error">{m()}</span>}</Show>
                  </label>

                  <label class="field">
                    <span class="field__label agr__terms-label">
                      {t('agreement.terms')}
                      <Show
                        when={usesDefault()}
                        fallback={<span class="pill pill--ok">{t('agreement.customBadge')}</span>}
                      >
                        <span class="pill pill--warn" data-testid="agreement-default-badge">
                          {t('agreement.defaultBadge')}
                        </span>
                      </Show>
                    </span>
                    <textarea
                      class="input agr__textarea"
                      name="agreement-terms"
                      rows="16"
                      placeholder={t('agreement.termsPlaceholder')}
                      value={terms()}
                      onInput={(e) => setTerms(e.currentTarget.value)}
                      aria-invalid={errors().terms !== undefined}
                      disabled={saving()}
                    />
                    <span class="agr__below">
                      <button
                        type="button"
                        class="btn btn--ghost btn--sm"
                        disabled={saving() || usesDefault()}
                        onClick={() => setTerms('')}
                        data-testid="agreement-use-default"
                      >
                        {t('agreement.useDefault')}
                      </button>
                      <span class="agr__count" classList={{ 'agr__count--over': length() > MAX_AGREEMENT_TERMS }}>
                        {t('agreement.count', {
                          n: length().toLocaleString(),
                          max: MAX_AGREEMENT_TERMS.toLocaleString(),
                        })}
                      </span>
                    </span>
                    <Show when={errors().terms}>{(m) => <span class="field__error">{m()}</span>}</Show>
                  </label>

                  <ErrorAlert message={formError()} />

                  <div class="panel__actions agr__actions">
                    <span class={`agr-state ${stateText().cls}`} role="status" data-testid="agreement-state">
                      <Show when={saving()}>
                        <Spinner size="sm" />
                      </Show>
                      {stateText().text}
                    </span>
                    <span class="agr__spacer" />
                    <button
                      type="button"
                      class="btn btn--secondary"
                      disabled={!dirty() || saving()}
                      onClick={() => load(s())}
                    >
                      {t('agreement.discard')}
                    </button>
                    <button
                      type="submit"
                      class="btn btn--primary"
                      disabled={!dirty() || saving()}
                      data-testid="agreement-save"
                    >
                      {saving() ? t('agreement.saving') : t('agreement.save')}
                    </button>
                  </div>
                </form>

                <div class="agr__side">
                  <section
                    class="panel agr__default"
                    classList={{ 'agr__default--active': usesDefault() }}
                    aria-label={t('agreement.defaultTitle')}
                  >
                    <div class="agr__head">
                      <h2 class="panel__title">{t('agreement.defaultTitle')}</h2>
                      <span class="pill" classList={{ 'pill--warn': usesDefault() }}>
                        {usesDefault() ? t('agreement.defaultInUse') : t('agreement.defaultNotInUse')}
                      </span>
                    </div>
                    <pre class="agr__default-text" data-testid="agreement-default-text">
                      {s().defaultTerms}
                    </pre>
                    <button
                      type="button"
                      class="btn btn--ghost btn--sm"
                      disabled={saving()}
                      onClick={() => setTerms(s().defaultTerms)}
                    >
                      {t('agreement.copyDefault')}
                    </button>
                  </section>

                  <section class="panel agr__preview" aria-label={t('agreement.previewTitle')}>
                    <h2 class="panel__title">{t('agreement.previewTitle')}</h2>
                    <p class="agr__hint">{t('agreement.previewHint')}</p>
                    <DocumentButton
                      request={sample()}
                      label={t('agreement.previewButton')}
                      disabledHint={sampleHint()}
                      preview
                      testId="agreement-sample"
                    />
                  </section>
                </div>
              </div>
            )}
          </Match>
        </Switch>
      </main>
    </div>
  );
}
