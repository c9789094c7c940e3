/**
 * /setup/:projectId/buildings — the project's buildings and the generator 生成房产: a form for the
 * pattern (stairwells 单元 with layouts, basement parking, ground-floor shops, skipped and named
 * floors, duplexes, the unit-code pattern), a live preview of the building as it will be (the
 * server's preview endpoint: what is shown is what is created), then one all-or-nothing creation.
 * Buildings none of whose units was ever on sale can be deleted. docs/buildings.md.
 */
import { For, Show, createEffect, createMemo, createSignal, on, onCleanup, type JSX } from 'solid-js';
import {
  DEFAULT_CODE_PATTERN,
  UNIT_KINDS,
  generateBuilding,
  type BuildingPatternInput,
  type BuildingPreview,
  type BuildingSummary,
  type PatternProblem,
  type UnitKind,
  UNIT_KIND_LABELS,
} from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api, toApiError } from '../../lib/api';
import { describeError, locale, t, label } from '../../lib/i18n';
import { showToast } from '../../stores/toasts';
import { ConfirmDialog, Spinner, Loaded } from '../../components/ui';
import { BuildingPreviewGrid, KindLegend } from './building-preview-grid';
import type { SetupSectionProps } from './section-props';
import { describePatternProblems } from './pattern-problems';
import './setup-buildings.css';

/** "4, 13 14" → [4, 13, 14]; B1 → -1. Invalid parts are dropped (the preview shows the result). */
export function parseFloorList(text: string): number[] {
  return text
    .split(/[\s,，、;；]+/)
    .filter(Boolean)
    .map((p) => (/^[bB]\d+$/.test(p) ? -Number(p.slice(1)) : Number(p)))
    .filter((n) => Number.isInteger(n) && n !== 0);
}

interface StairwellForm {
  units: number;
  layouts: string;
}

export default function BuildingsSection(props: SetupSectionProps): JSX.Element {
  const list = createLoad(
    () => props.projectId,
    (id) => api.buildings(id),
  );
  const [deleting, setDeleting] = createSignal<BuildingSummary | null>(null);
  const [busy, setBusy] = createSignal(false);

  const remove = async (): Promise<void> => {
    const b = deleting();
    if (!b) return;
    setBusy(true);
    try {
      const res = await api.deleteBuilding(b.id);
      showToast('success', t('setupB.deleted', { name: b.name, n: res.count }));
      setDeleting(null);
      void list.refetch();
    } catch (error) {
      showToast('error', describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="sb__cols">
      <section class="panel sb-list" aria-labelledby="sb-list-title">
        <h2 id="sb-list-title" class="panel__title">
          {t('setupB.buildings')}
        </h2>
        <Loaded load={list} errorTitle={t('setupB.loadFailed')}>
          {(buildings) => (
            <Show when={buildings().length > 0} fallback={<p class="panel__empty">{t('setupB.noBuildings')}</p>}>
              <ul class="sb-list__items">
                <For each={buildings()}>
                  {(b) => (
                    <li class="sb-list__item" data-testid="building-row" data-code={b.code}>
                      <div class="sb-list__main">
                        <span class="sb-list__name">{locale() === 'en' ? b.nameEn || b.name : b.name}</span>
                        <span class="sb-list__meta">
                          {t('setupB.buildingMeta', { code: b.code, units: b.unitCount, floors: b.floors })}
                        </span>
                        <span class="sb-list__kinds">
                          <For each={UNIT_KINDS.filter((k) => (b.kinds[k] ?? 0) > 0)}>
                            {(k) => (
                              <span class={`sb-chip sb-kind--${k.toLowerCase()}`}>
                                {label(UNIT_KIND_LABELS, k)} {b.kinds[k]}
                              </span>
                            )}
                          </For>
                        </span>
                      </div>
                      <Show
                        when={b.lockedOrSold === 0}
                        fallback={<span class="sb-list__lockedhint">{t('setupB.onSale', { n: b.lockedOrSold })}</span>}
                      >
                        <button type="button" class="btn btn--ghost btn--sm" onClick={() => setDeleting(b)}>
                          {t('setupB.delete')}
                        </button>
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          )}
        </Loaded>
      </section>
      <Generator projectId={props.projectId} onCreated={() => void list.refetch()} />
      <ConfirmDialog
        open={deleting() !== null}
        title={t('setupB.deleteTitle')}
        body={t('setupB.deleteBody', { name: deleting()?.name ?? '', n: deleting()?.unitCount ?? 0 })}
        confirmLabel={t('setupB.delete')}
        danger
        busy={busy()}
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(null)}
      />
    </div>
  );
}

function Generator(props: { projectId: string; onCreated: () => void }): JSX.Element {
  const [name, setName] = createSignal('');
  const [nameEn, setNameEn] = createSignal('');
  const [code, setCode] = createSignal('');
  const [floors, setFloors] = createSignal(18);
  const [wells, setWells] = createSignal<StairwellForm[]>([
    { units: 2, layouts: '' },
    { units: 2, layouts: '' },
  ]);
  const [skip, setSkip] = createSignal('4, 13, 14');
  const [named, setNamed] = createSignal('');
  const [namedLabel, setNamedLabel] = createSignal('架空层');
  const [basements, setBasements] = createSignal(0);
  const [spaces, setSpaces] = createSignal(20);
  const [parkingLayout, setParkingLayout] = createSignal('');
  const [shops, setShops] = createSignal(0);
  const [duplex, setDuplex] = createSignal('');
  const [pattern, setPattern] = createSignal(DEFAULT_CODE_PATTERN);
  const [kind, setKind] = createSignal<UnitKind>('RESIDENCE');

  const body = createMemo((): BuildingPatternInput => {
    const b = basements();
    const codes = (s: string): string[] => s.split(/[\s,，]+/).filter(Boolean);
    const namedFloors = parseFloorList(named()).map((floor) => ({ floor, label: namedLabel().trim() || '架空层' }));
    const floorRules: NonNullable<BuildingPatternInput['floorRules']> = [];
    if (b > 0) {
      floorRules.push({
        from: -b,
        to: -1,
        kind: 'PARKING',
        unitsPerFloor: spaces(),
        ...(parkingLayout().trim() ? { layoutCode: parkingLayout().trim() } : {}),
      });
    }
    if (shops() > 0) floorRules.push({ from: 1, to: 1, kind: 'SHOP', unitsPerFloor: shops() });
    return {
      name: name().trim() || '1号楼',
      ...(nameEn().trim() ? { nameEn: nameEn().trim() } : {}),
      ...(code().trim() ? { code: code().trim() } : {}),
      floors: floors() + b,
      startFloor: b > 0 ? -b : 1,
      stairwells: wells().map((w) => ({
        units: w.units,
        ...(codes(w.layouts).length ? { layoutCodes: codes(w.layouts) } : {}),
      })),
      skipFloors: parseFloorList(skip()),
      namedFloors,
      floorRules,
      duplexes: parseFloorList(duplex()).map((floor) => ({ floor })),
      codePattern: pattern().trim() || DEFAULT_CODE_PATTERN,
      kind: kind(),
    };
  });

  const [preview, setPreview] = createSignal<BuildingPreview | null>(null);
  const [problems, setProblems] = createSignal<string[]>([]);
  const [previewing, setPreviewing] = createSignal(false);
  const [creating, setCreating] = createSignal(false);
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  const runPreview = async (): Promise<void> => {
    const mine = ++seq;
    // The pattern's own rules are checked here first (the same pure rules the server runs), so every
    // problem is shown at once, translated; the server adds what only it knows (codes taken, layouts).
    const local = generateBuilding(body());
    if (!local.ok) {
      setPreview(null);
      setProblems(describePatternProblems(local.problems));
      setPreviewing(false);
      return;
    }
    setPreviewing(true);
    try {
      const got = await api.previewBuilding(props.projectId, body());
      if (mine !== seq) return;
      setPreview(got);
      setProblems([]);
    } catch (error) {
      if (mine !== seq) return;
      setPreview(null);
      setProblems(describeProblem(error));
    } finally {
      if (mine === seq) setPreviewing(false);
    }
  };
  // Live preview: 300 ms after the last change of the form.
  createEffect(
    on(
      () => JSON.stringify(body()),
      () => {
        clearTimeout(timer);
        timer = setTimeout(() => void runPreview(), 300);
      },
    ),
  );

  const counts = createMemo(() => {
    const p = preview();
    const by: Partial<Record<UnitKind, number>> = {};
    for (const u of p?.units ?? []) by[u.kind] = (by[u.kind] ?? 0) + 1;
    return by;
  });
  const canCreate = (): boolean => {
    const p = preview();
    return (
      !!p &&
      !creating() &&
      !previewing() &&
      p.takenCodes.length === 0 &&
      p.unknownLayouts.length === 0 &&
      name().trim() !== ''
    );
  };

  const create = async (): Promise<void> => {
    setCreating(true);
    try {
      const res = await api.createBuilding(props.projectId, body());
      showToast('success', t('setupB.created', { name: res.building.name, n: res.created }));
      props.onCreated();
      void runPreview();
    } catch (error) {
      showToast('error', describeProblem(error).join(' '));
    } finally {
      setCreating(false);
    }
  };

  const num = (set: (n: number) => void, min: number, max: number) => (e: { currentTarget: HTMLInputElement }) => {
    const n = Math.trunc(Number(e.currentTarget.value));
    if (Number.isFinite(n)) set(Math.min(max, Math.max(min, n)));
  };

  return (
    <section class="panel sb-gen" aria-labelledby="sb-gen-title">
      <h2 id="sb-gen-title" class="panel__title">
        {t('setupB.generate')}
      </h2>
      <div class="sb-gen__body">
        <form class="sb-form" onSubmit={(e) => e.preventDefault()}>
          <div class="sb-form__row">
            <label class="field">
              <span class="field__label">{t('setupB.f.name')}</span>
              <input
                class="input"
                name="name"
                value={name()}
                placeholder="3号楼"
                onInput={(e) => setName(e.currentTarget.value)}
              />
            </label>
            <label class="field">
              <span class="field__label">{t('setupB.f.nameEn')}</span>
              <input
                class="input"
                name="name-en"
                value={nameEn()}
                placeholder="Tower 3"
                onInput={(e) => setNameEn(e.currentTarget.value)}
              />
            </label>
            <label class="field sb-form__narrow">
              <span class="field__label">{t('setupB.f.code')}</span>
              <input
                class="input"
                name="code"
                value={code()}
                placeholder={preview()?.code ?? ''}
                onInput={(e) => setCode(e.currentTarget.value)}
              />
            </label>
          </div>
          <div class="sb-form__row">
            <label class="field sb-form__narrow">
              <span class="field__label">{t('setupB.f.floors')}</span>
              <input
                class="input"
                name="floors"
                type="number"
                min="1"
                max="120"
                value={floors()}
                onInput={num(setFloors, 1, 120)}
              />
            </label>
            <label class="field">
              <span class="field__label">{t('setupB.f.skip')}</span>
              <input
                class="input"
                name="skip"
                value={skip()}
                placeholder="4, 13, 14"
                onInput={(e) => setSkip(e.currentTarget.value)}
              />
            </label>
            <label class="field sb-form__narrow">
              <span class="field__label">{t('setupB.f.kind')}</span>
              <select
                class="input"
                name="kind"
                value={kind()}
                onChange={(e) => setKind(e.currentTarget.value as UnitKind)}
              >
                <For each={UNIT_KINDS}>{(k) => <option value={k}>{label(UNIT_KIND_LABELS, k)}</option>}</For>
              </select>
            </label>
          </div>
          <fieldset class="sb-form__set">
            <legend>{t('setupB.f.stairwells')}</legend>
            <For each={wells()}>
              {(w, i) => (
                <div class="sb-form__row sb-form__well">
                  <span class="sb-form__wellname">{t('setupB.f.stairwellN', { n: i() + 1 })}</span>
                  <label class="field sb-form__narrow">
                    <span class="field__label">{t('setupB.f.unitsPerFloor')}</span>
                    <input
                      class="input"
                      name={`units-${i() + 1}`}
                      type="number"
                      min="1"
                      max="60"
                      value={w.units}
                      onInput={num(
                        (n) => setWells((all) => all.map((x, j) => (j === i() ? { ...x, units: n } : x))),
                        1,
                        60,
                      )}
                    />
                  </label>
                  <label class="field">
                    <span class="field__label">{t('setupB.f.layouts')}</span>
                    <input
                      class="input"
                      name={`layouts-${i() + 1}`}
                      value={w.layouts}
                      placeholder="A89, B120"
                      onChange={(e) => {
                        const v = e.currentTarget.value;
                        setWells((all) => all.map((x, j) => (j === i() ? { ...x, layouts: v } : x)));
                      }}
                    />
                  </label>
                  <Show when={wells().length > 1}>
                    <button
                      type="button"
                      class="btn btn--ghost btn--sm"
                      aria-label={t('setupB.f.removeStairwell', { n: i() + 1 })}
                      onClick={() => setWells((all) => all.filter((_, j) => j !== i()))}
                    >
                      ×
                    </button>
                  </Show>
                </div>
              )}
            </For>
            <button
              type="button"
              class="btn btn--secondary btn--sm"
              disabled={wells().length >= 12}
              onClick={() => setWells((all) => [...all, { units: 2, layouts: '' }])}
            >
              {t('setupB.f.addStairwell')}
            </button>
          </fieldset>
          <fieldset class="sb-form__set">
            <legend>{t('setupB.f.special')}</legend>
            <div class="sb-form__row">
              <label class="field sb-form__narrow">
                <span class="field__label">{t('setupB.f.basements')}</span>
                <input
                  class="input"
                  type="number"
                  min="0"
                  max="10"
                  value={basements()}
                  onInput={num(setBasements, 0, 10)}
                />
              </label>
              <Show when={basements() > 0}>
                <label class="field sb-form__narrow">
                  <span class="field__label">{t('setupB.f.spaces')}</span>
                  <input
                    class="input"
                    type="number"
                    min="1"
                    max="60"
                    value={spaces()}
                    onInput={num(setSpaces, 1, 60)}
                  />
                </label>
                <label class="field sb-form__narrow">
                  <span class="field__label">{t('setupB.f.parkingLayout')}</span>
                  <input
                    class="input"
                    value={parkingLayout()}
                    placeholder="P"
                    onChange={(e) => setParkingLayout(e.currentTarget.value)}
                  />
                </label>
              </Show>
              <label class="field sb-form__narrow">
                <span class="field__label">{t('setupB.f.shops')}</span>
                <input class="input" type="number" min="0" max="60" value={shops()} onInput={num(setShops, 0, 60)} />
              </label>
            </div>
            <div class="sb-form__row">
              <label class="field">
                <span class="field__label">{t('setupB.f.named')}</span>
                <input
                  class="input"
                  name="named"
                  value={named()}
                  placeholder="2"
                  onInput={(e) => setNamed(e.currentTarget.value)}
                />
              </label>
              <label class="field">
                <span class="field__label">{t('setupB.f.namedLabel')}</span>
                <input
                  class="input"
                  name="named-label"
                  value={namedLabel()}
                  onInput={(e) => setNamedLabel(e.currentTarget.value)}
                />
              </label>
              <label class="field">
                <span class="field__label">{t('setupB.f.duplex')}</span>
                <input
                  class="input"
                  name="duplex"
                  value={duplex()}
                  placeholder="21"
                  onInput={(e) => setDuplex(e.currentTarget.value)}
                />
              </label>
            </div>
          </fieldset>
          <label class="field">
            <span class="field__label">{t('setupB.f.pattern')}</span>
            <input
              class="input sb-mono"
              name="pattern"
              value={pattern()}
              onInput={(e) => setPattern(e.currentTarget.value)}
            />
            <span class="field__hint">{t('setupB.f.patternHint')}</span>
          </label>
        </form>

        <div class="sb-preview" aria-live="polite" data-testid="building-preview">
          <div class="sb-preview__head">
            <h3>{t('setupB.preview')}</h3>
            <Show when={previewing()}>
              <Spinner size="sm" />
            </Show>
          </div>
          <Show when={problems().length > 0}>
            <ul class="sb-problem" role="alert" data-testid="pattern-problems">
              <For each={problems()}>{(text) => <li>{text}</li>}</For>
            </ul>
          </Show>
          <Show when={preview()}>
            {(p) => (
              <>
                <p class="sb-preview__summary">
                  {t('setupB.summary', { n: p().units.length, code: p().code, top: p().topFloor })}{' '}
                  <For each={UNIT_KINDS.filter((k) => (counts()[k] ?? 0) > 0)}>
                    {(k) => (
                      <span class={`sb-chip sb-kind--${k.toLowerCase()}`}>
                        {label(UNIT_KIND_LABELS, k)} {counts()[k]}
                      </span>
                    )}
                  </For>
                </p>
                <Show when={p().takenCodes.length > 0}>
                  <p class="sb-problem" role="alert">
                    {t('setupB.taken', { codes: p().takenCodes.slice(0, 8).join(', '), n: p().takenCodes.length })}
                  </p>
                </Show>
                <Show when={p().unknownLayouts.length > 0}>
                  <p class="sb-problem" role="alert">
                    {t('setupB.unknownLayouts', { codes: p().unknownLayouts.join(', ') })}
                  </p>
                </Show>
                <KindLegend />
                <div class="sb-preview__grid">
                  <BuildingPreviewGrid preview={p()} />
                </div>
              </>
            )}
          </Show>
          <button
            type="button"
            class="btn btn--go btn--block"
            data-testid="building-create"
            disabled={!canCreate()}
            onClick={() => void create()}
          >
            <Show when={creating()}>
              <Spinner size="sm" />
            </Show>
            {t('setupB.create', { n: preview()?.units.length ?? 0 })}
          </button>
        </div>
      </div>
    </section>
  );
}

/** A refused preview or creation in the user's words: the codes taken, the pattern's problems, or the error. */
function describeProblem(error: unknown): string[] {
  const err = toApiError(error);
  const details = err.details as { problems?: PatternProblem[]; codes?: string[] } | undefined;
  if (err.code === 'UNIT_CODE_TAKEN' && details?.codes) {
    return [t('setupB.taken', { codes: details.codes.slice(0, 8).join(', '), n: details.codes.length })];
  }
  const problems = Array.isArray(details?.problems) ? details.problems.filter((p) => p.problem) : [];
  if (problems.length > 0) return [t('setupB.problem'), ...describePatternProblems(problems)];
  return [describeError(err)];
}
