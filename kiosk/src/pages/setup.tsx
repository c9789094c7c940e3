/**
 * /queue/setup — once per device: the kiosk key (checked against the server, remembered on the
 * device), the project it belongs to, and what this device is: the take-a-number kiosk or the
 * calling screen. Staff reach it from the kiosk by holding the logo for three seconds.
 */
import { Show, createSignal, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import { createKioskApi } from '../lib/api';
import { createLoader } from '../lib/loader';
import { autoPrint, deviceKey, online, setAutoPrint, setDeviceKey } from '../lib/device';
import { describeError, locale, t } from '../lib/i18n';
import { BrandMark, LangToggle, OfflineBanner, Spinner } from '../components/ui';

export default function SetupPage(props: { next: 'kiosk' | 'screen'; problem?: string }): JSX.Element {
  const [draft, setDraft] = createSignal(deviceKey() ?? '');
  const [checking, setChecking] = createSignal(false);
  const [error, setError] = createSignal<string | null>(props.problem ?? null);
  // The project of the saved key (when it works).
  const project = createLoader(
    () => (props.problem ? null : deviceKey()),
    async (key) => (await createKioskApi(key).projects())[0] ?? null,
  );
  const shownError = (): string | null => {
    const err = project.error();
    return error() ?? (err ? describeError(err) : null);
  };

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const key = draft().trim();
    if (!key || checking()) return;
    setChecking(true);
    setError(null);
    try {
      const projects = await createKioskApi(key).projects();
      if (projects.length === 0) throw new Error('no project');
      setDeviceKey(key);
      void project.reload();
    } catch (err) {
      setError(err instanceof Error && err.message === 'no project' ? t('setup.badKey') : describeError(err));
    } finally {
      setChecking(false);
    }
  };

  const projectName = (): string => {
    const p = project.data();
    if (!p) return '';
    return locale() === 'en' ? p.nameEn || p.name : p.name;
  };

  return (
    <div class="k-page k-setup">
      <OfflineBanner />
      <header class="k-top">
        <div class="k-top__brand">
          <BrandMark size={48} />
          <span class="k-top__title">{t('setup.title')}</span>
        </div>
        <LangToggle />
      </header>
      <main class="k-setup__main">
        <Show
          when={!shownError() && project.data()}
          fallback={
            <form class="k-card k-setup__form" onSubmit={(e) => void submit(e)}>
              <p class="k-setup__body">{t('setup.body')}</p>
              <label class="k-field">
                <span>{t('setup.key')}</span>
                <input
                  name="device-key"
                  type="text"
                  autocomplete="off"
                  autocapitalize="off"
                  spellcheck={false}
                  placeholder={t('setup.keyPlaceholder')}
                  value={draft()}
                  onInput={(e) => setDraft(e.currentTarget.value)}
                />
              </label>
              <Show when={shownError()}>
                <p class="k-error" role="alert">
                  {shownError()}
                </p>
              </Show>
              <Show when={project.loading()}>
                <Spinner />
              </Show>
              <button type="submit" class="k-btn k-btn--primary k-btn--wide" disabled={checking() || !online() || draft().trim() === ''}>
                <Show when={checking()}>
                  <Spinner light />
                </Show>
                {checking() ? t('setup.checking') : t('setup.check')}
              </button>
            </form>
          }
        >
          <section class="k-card k-setup__ready">
            <p class="k-setup__label">{t('setup.ready')}</p>
            <h1 class="k-setup__project">{projectName()}</h1>
            <h2 class="k-setup__label">{t('setup.modeTitle')}</h2>
            <div class="k-setup__modes">
              <A href="/queue" class="k-mode" classList={{ 'k-mode--suggested': props.next === 'kiosk' }}>
                <strong>{t('setup.modeKiosk')}</strong>
                <span>{t('setup.modeKioskHint')}</span>
              </A>
              <A href="/queue/screen" class="k-mode" classList={{ 'k-mode--suggested': props.next === 'screen' }}>
                <strong>{t('setup.modeScreen')}</strong>
                <span>{t('setup.modeScreenHint')}</span>
              </A>
            </div>
            <label class="k-check">
              <input type="checkbox" checked={autoPrint()} onChange={(e) => setAutoPrint(e.currentTarget.checked)} />
              <span>{t('setup.autoPrint')}</span>
            </label>
            <button
              type="button"
              class="k-btn k-btn--ghost"
              onClick={() => {
                setDeviceKey(null);
                setDraft('');
              }}
            >
              {t('setup.forget')}
            </button>
          </section>
        </Show>
      </main>
    </div>
  );
}
