/**
 * /pair/:code — opened on a manager's signed-in phone from a waiting screen's QR code: pick the
 * project, the kind and a name, approve. The screen then claims its key by itself (the phone never
 * sees the key). Expired or used codes answer their coded errors (with the way out: a new code).
 */
import { For, Match, Show, Switch, createEffect, createSignal, type JSX } from 'solid-js';
import { A, useSearchParams } from '@solidjs/router';
import {
  PAIRABLE_KINDS,
  formatPairingCode,
  isManagerRole,
  type DeviceInfo,
  type PairableKind,
  type UserInfo,
} from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../lib/api';
import { describeError, t } from '../lib/i18n';
import { AppHeader } from '../components/app-header';
import { ErrorState, LoadingState } from '../components/ui';
import { kindLabel } from './setup/devices';
import './pair.css';

export default function PairPage(props: { code: string; user: UserInfo }): JSX.Element {
  const [search] = useSearchParams<{ project?: string }>();
  const pairing = createLoad(
    () => props.code,
    (code) => api.pairing(code),
  );
  const loaded = createLoad(() => api.projects());
  /** A screen is paired into a project the user manages (their role there; administrators: every one). */
  const projects = {
    value: () => loaded.value()?.filter((p) => isManagerRole(p.myRole)),
  };
  const [projectId, setProjectId] = createSignal('');
  const [kind, setKind] = createSignal<PairableKind>('BOARD');
  const [name, setName] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [done, setDone] = createSignal<DeviceInfo | null>(null);

  // Defaults once known: the project from the link (setup area) or the first; the kind the screen asked as.
  createEffect(() => {
    const list = projects.value();
    if (list && !projectId()) setProjectId(list.find((p) => p.id === search.project)?.id ?? list[0]?.id ?? '');
  });
  createEffect(() => {
    const p = pairing.value();
    if (p) {
      setKind(p.kind);
      if (!name()) setName(`${kindLabel(p.kind)} ${p.code.slice(0, 4)}`);
    }
  });

  const approve = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setDone(await api.approvePairing(props.code, { projectId: projectId(), kind: kind(), name: name().trim() }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page">
      <AppHeader title={t('pair.title')} subtitle={props.user.displayName} backHref="/" />
      <main class="page__main page__main--narrow pair">
        <Show
          when={props.user.admin || loaded.value() === undefined || (projects.value()?.length ?? 0) > 0}
          fallback={<ErrorState title={t('pair.title')} message={describeError({ code: 'FORBIDDEN' })} />}
        >
          <Switch>
            <Match when={done()} keyed>
              {(device) => (
                <section class="panel pair__done" data-testid="pair-done" role="status">
                  <div class="pair__check" aria-hidden="true">
                    ✓
                  </div>
                  <h2 class="panel__title">{t('pair.done', { name: device.name })}</h2>
                  <p>{t('pair.doneBody')}</p>
                  <A class="btn btn--secondary" href={`/setup/${device.projectId}/devices`}>
                    {t('pair.toDevices')}
                  </A>
                </section>
              )}
            </Match>
            <Match when={pairing.error()}>
              <ErrorState
                title={t('pair.code', { code: formatPairingCode(props.code.toUpperCase()) })}
                message={describeError(pairing.error())}
                onRetry={() => void pairing.refetch()}
              />
            </Match>
            <Match when={pairing.value() === undefined || loaded.value() === undefined}>
              <LoadingState />
            </Match>
            <Match when={projects.value()?.length === 0}>
              <p class="panel__empty">{t('pair.noProjects')}</p>
            </Match>
            <Match when={pairing.value()}>
              {(p) => (
                <form class="panel pair__form" onSubmit={(e) => void approve(e)} data-testid="pair-form">
                  <p class="pair__code">{formatPairingCode(p().code)}</p>
                  <label class="field">
                    <span class="field__label">{t('pair.project')}</span>
                    <select
                      class="input"
                      name="project"
                      value={projectId()}
                      onChange={(e) => setProjectId(e.currentTarget.value)}
                    >
                      <For each={projects.value()}>
                        {(project) => <option value={project.id}>{project.name}</option>}
                      </For>
                    </select>
                  </label>
                  <fieldset class="pair__kinds">
                    <legend class="field__label">{t('pair.kind')}</legend>
                    <For each={PAIRABLE_KINDS}>
                      {(k) => (
                        <label class="pair__kind" classList={{ 'is-selected': kind() === k }}>
                          <input
                            type="radio"
                            name="kind"
                            value={k}
                            checked={kind() === k}
                            onChange={() => setKind(k)}
                          />
                          {kindLabel(k)}
                        </label>
                      )}
                    </For>
                  </fieldset>
                  <label class="field">
                    <span class="field__label">{t('pair.name')}</span>
                    <input
                      class="input"
                      name="name"
                      value={name()}
                      maxLength={60}
                      onInput={(e) => setName(e.currentTarget.value)}
                    />
                  </label>
                  <Show when={error()}>
                    <p class="pair__error" role="alert">
                      {describeError(error())}
                    </p>
                  </Show>
                  <button
                    type="submit"
                    class="btn btn--primary btn--lg btn--block"
                    disabled={busy() || !name().trim() || !projectId()}
                  >
                    {busy() ? t('pair.approving') : t('pair.approve')}
                  </button>
                </form>
              )}
            </Match>
          </Switch>
        </Show>
      </main>
    </div>
  );
}
