/**
 * Payment plans 付款方案: the list and an add/edit dialog with the kind-specific terms (一次性 /
 * 按揭 / 分期 with an installments editor), checked with the shared paymentPlanSchema, and a
 * sample schedule from the shared buildSchedule for a ¥3,000,000 price signed today — exactly what
 * the subscription would print.
 */
import { For, Index, Show, createMemo, createSignal, type JSX } from 'solid-js';
import {
  BP_ONE,
  PLAN_KINDS,
  buildSchedule,
  paymentPlanBodySchema,
  type PaymentPlan,
  type PaymentPlanBody,
  type PaymentPlanInfo,
  type PlanKind,
  type ScheduleItem,
} from '@kaipan/shared';
import { api, toApiError } from '../lib/api';
import { describeError, locale, t } from '../lib/i18n';
import { showToast } from '../stores/toasts';
import { EmptyState, ErrorAlert, Spinner } from './ui';
import {
  FormDialog,
  bpToPercentText,
  fenToYuanText,
  money,
  percentToBp,
  planKindLabel,
  revealError,
  yuanToFen,
} from './prices-common';
import './prices-plans.css';

/** The sample price of the schedule preview: ¥3,000,000. */
const SAMPLE_PRICE_FEN = 300_000_000;

interface Draft {
  id: string | null;
  code: string;
  name: string;
  nameEn: string;
  kind: PlanKind;
  deposit: string;
  balanceDueDays: string;
  downPaymentPct: string;
  downPaymentDueDays: string;
  loanNote: string;
  installments: { pct: string; dueDays: string }[];
  active: boolean;
  sortOrder: string;
}

function draftOf(plan: PaymentPlanInfo | null): Draft {
  const base: Draft = {
    id: null,
    code: '',
    name: '',
    nameEn: '',
    kind: 'LUMP_SUM',
    deposit: '50000',
    balanceDueDays: '30',
    downPaymentPct: '30',
    downPaymentDueDays: '30',
    loanNote: '',
    installments: [
      { pct: '50', dueDays: '7' },
      { pct: '50', dueDays: '90' },
    ],
    active: true,
    sortOrder: '0',
  };
  if (!plan) return base;
  const terms = plan.terms;
  const d: Draft = {
    ...base,
    id: plan.id,
    code: plan.code,
    name: plan.name,
    nameEn: plan.nameEn,
    kind: terms.kind,
    deposit: fenToYuanText(terms.depositFen),
    active: plan.active,
    sortOrder: String(plan.sortOrder),
  };
  if (terms.kind === 'LUMP_SUM') d.balanceDueDays = String(terms.balanceDueDays);
  if (terms.kind === 'MORTGAGE') {
    d.downPaymentPct = bpToPercentText(terms.downPaymentBp);
    d.downPaymentDueDays = String(terms.downPaymentDueDays);
    d.loanNote = terms.loanNote ?? '';
  }
  if (terms.kind === 'INSTALLMENTS')
    d.installments = terms.installments.map((i) => ({ pct: bpToPercentText(i.bp), dueDays: String(i.dueDays) }));
  return d;
}

const intOrNaN = (s: string): number => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : Number.NaN);

/** The terms from the draft (unvalidated: the schema decides). */
function termsOf(d: Draft): unknown {
  const depositFen = yuanToFen(d.deposit) ?? Number.NaN;
  switch (d.kind) {
    case 'LUMP_SUM':
      return { kind: 'LUMP_SUM', depositFen, balanceDueDays: intOrNaN(d.balanceDueDays) };
    case 'MORTGAGE':
      return {
        kind: 'MORTGAGE',
        depositFen,
        downPaymentBp: percentToBp(d.downPaymentPct) ?? Number.NaN,
        downPaymentDueDays: intOrNaN(d.downPaymentDueDays),
        ...(d.loanNote.trim() ? { loanNote: d.loanNote.trim() } : {}),
      };
    case 'INSTALLMENTS':
      return {
        kind: 'INSTALLMENTS',
        depositFen,
        installments: d.installments.map((i) => ({
          bp: percentToBp(i.pct) ?? Number.NaN,
          dueDays: intOrNaN(i.dueDays),
        })),
      };
  }
}

function bodyOf(d: Draft): { ok: true; body: PaymentPlanBody } | { ok: false; reason: string } {
  const parsed = paymentPlanBodySchema.safeParse({
    code: d.code.trim().toUpperCase(),
    name: d.name.trim(),
    nameEn: d.nameEn.trim(),
    terms: termsOf(d),
    active: d.active,
    sortOrder: intOrNaN(d.sortOrder || '0'),
  });
  if (parsed.success) return { ok: true, body: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue?.path.join('.') ?? '';
  if (path.startsWith('code')) return { ok: false, reason: t('prices.d.badCode') };
  if (path.startsWith('name')) return { ok: false, reason: t('prices.d.needName') };
  if (path === 'terms.installments' && /10000/.test(issue?.message ?? ''))
    return { ok: false, reason: t('prices.p.sumNot100') };
  if (path === 'terms.installments' && /decrease/.test(issue?.message ?? ''))
    return { ok: false, reason: t('prices.p.daysDecrease') };
  if (path.startsWith('sortOrder')) return { ok: false, reason: t('prices.d.badSort') };
  return { ok: false, reason: t('prices.p.badTerms') };
}

export function termsSummary(terms: PaymentPlan): string {
  const dep = t('prices.p.depositShort', { amount: money(terms.depositFen) });
  switch (terms.kind) {
    case 'LUMP_SUM':
      return `${dep} · ${t('prices.p.balanceShort', { n: terms.balanceDueDays })}`;
    case 'MORTGAGE':
      return `${dep} · ${t('prices.p.downShort', { pct: bpToPercentText(terms.downPaymentBp), n: terms.downPaymentDueDays })}`;
    case 'INSTALLMENTS':
      return `${dep} · ${terms.installments.map((i) => `${bpToPercentText(i.bp)}%/${t('prices.p.dayN', { n: i.dueDays })}`).join(' + ')}`;
  }
}

export function ScheduleTable(props: { items: readonly ScheduleItem[] }): JSX.Element {
  return (
    <div class="table-wrap">
      <table class="table prices-table prices-table--narrow">
        <thead>
          <tr>
            <th>{t('prices.p.item')}</th>
            <th class="num">{t('prices.p.amount')}</th>
            <th class="num">{t('prices.p.dueDays')}</th>
            <th>{t('prices.p.dueDate')}</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.items}>
            {(i) => (
              <tr>
                <td>
                  {locale() === 'en' ? i.labelEn : i.label}
                  <Show when={i.note}>{(n) => <div class="prices-muted">{n()}</div>}</Show>
                </td>
                <td class="num">{money(i.amount)}</td>
                <td class="num">{i.dueDays}</td>
                <td>{i.dueDate}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

export function PlansTab(props: {
  projectId: string;
  timeZone: string;
  plans: PaymentPlanInfo[];
  onSaved: () => void;
}): JSX.Element {
  const [editing, setEditing] = createSignal<Draft | null>(null);
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [touched, setTouched] = createSignal(false);
  const [sampleFor, setSampleFor] = createSignal<string | null>(null);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]): void => {
    const d = editing();
    if (d) setEditing({ ...d, [key]: value });
    setError(null);
  };
  const setInstallment = (i: number, key: 'pct' | 'dueDays', value: string): void => {
    const d = editing();
    if (!d) return;
    set(
      'installments',
      d.installments.map((row, k) => (k === i ? { ...row, [key]: value } : row)),
    );
  };
  const check = createMemo(() => {
    const d = editing();
    return d ? bodyOf(d) : null;
  });
  const sample = createMemo(() => {
    const c = check();
    if (!c || !c.ok) return null;
    return buildSchedule(c.body.terms, SAMPLE_PRICE_FEN, new Date().toISOString(), props.timeZone);
  });
  const installmentSum = createMemo(() =>
    (editing()?.installments ?? []).reduce((s, i) => s + (percentToBp(i.pct) ?? 0), 0),
  );

  const save = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    const d = editing();
    const c = check();
    if (!d || !c) return;
    if (!c.ok) {
      setError(c.reason);
      revealError();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      if (d.id) await api.updatePlan(d.id, c.body);
      else await api.createPlan(props.projectId, c.body);
      showToast('success', t('prices.p.saved', { code: c.body.code }));
      setEditing(null);
      props.onSaved();
    } catch (err) {
      const ae = toApiError(err);
      revealError();
      setError(ae.code === 'CONFLICT' ? t('prices.d.codeTaken', { code: c.body.code }) : describeError(ae));
    } finally {
      setSaving(false);
    }
  };

  const num = (
    value: string,
    onInput: (v: string) => void,
    label: string,
    unit: string,
    placeholder = '',
  ): JSX.Element => (
    <label class="field">
      <span class="field__label">{label}</span>
      <div class="prices-affix">
        <input
          class="input input--sm"
          inputmode="decimal"
          value={value}
          placeholder={placeholder}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
        <span class="prices-affix__unit">{unit}</span>
      </div>
    </label>
  );

  return (
    <section class="panel prices-rules">
      <div class="panel__head">
        <h2 class="panel__title">{t('prices.p.title')}</h2>
        <button
          type="button"
          class="btn btn--primary btn--sm"
          onClick={() => {
            setError(null);
            setTouched(false);
            setEditing(draftOf(null));
          }}
        >
          + {t('prices.p.add')}
        </button>
      </div>
      <p class="prices-muted">{t('prices.p.hint')}</p>
      <Show
        when={props.plans.length > 0}
        fallback={<EmptyState title={t('prices.p.empty')} hint={t('prices.p.emptyHint')} />}
      >
        <ul class="prices-cards">
          <For each={props.plans}>
            {(p) => {
              const schedule = () => buildSchedule(p.terms, SAMPLE_PRICE_FEN, new Date().toISOString(), props.timeZone);
              return (
                <li class="prices-card prices-card--col" classList={{ 'prices-card--off': !p.active }}>
                  <div class="prices-card__row">
                    <div class="prices-card__main">
                      <div class="prices-card__top">
                        <span class="code">{p.code}</span>
                        <span class="prices-kind">{planKindLabel(p.terms.kind)}</span>
                        <Show when={!p.active}>
                          <span class="prices-chip prices-chip--off">{t('prices.inactive')}</span>
                        </Show>
                      </div>
                      <div class="prices-card__name">{locale() === 'en' ? p.nameEn : p.name}</div>
                      <div class="prices-card__meta">{termsSummary(p.terms)}</div>
                    </div>
                    <div class="prices-card__buttons">
                      <button
                        type="button"
                        class="btn btn--ghost btn--sm"
                        aria-expanded={sampleFor() === p.id}
                        onClick={() => setSampleFor(sampleFor() === p.id ? null : p.id)}
                      >
                        {t('prices.p.sample')}
                      </button>
                      <button
                        type="button"
                        class="btn btn--secondary btn--sm"
                        onClick={() => {
                          setError(null);
                          setTouched(false);
                          setEditing(draftOf(p));
                        }}
                      >
                        {t('prices.edit')}
                      </button>
                    </div>
                  </div>
                  <Show when={sampleFor() === p.id}>
                    <div class="prices-sample">
                      <p class="prices-muted">{t('prices.p.sampleTitle', { price: money(SAMPLE_PRICE_FEN) })}</p>
                      <Show
                        when={schedule().ok ? (schedule() as { schedule: ScheduleItem[] }).schedule : null}
                        fallback={<p class="prices-muted">{t('prices.p.badTerms')}</p>}
                      >
                        {(items) => <ScheduleTable items={items()} />}
                      </Show>
                    </div>
                  </Show>
                </li>
              );
            }}
          </For>
        </ul>
      </Show>

      <FormDialog
        open={editing() !== null}
        wide
        title={editing()?.id ? t('prices.p.editTitle', { code: editing()?.code ?? '' }) : t('prices.p.addTitle')}
        busy={saving()}
        onClose={() => setEditing(null)}
        actions={
          <>
            <button type="button" class="btn btn--secondary" disabled={saving()} onClick={() => setEditing(null)}>
              {t('common.cancel')}
            </button>
            <button type="submit" form="prices-plan-form" class="btn btn--primary" disabled={saving()}>
              <Show when={saving()}>
                <Spinner size="sm" />
              </Show>
              {t('prices.save')}
            </button>
          </>
        }
      >
        <Show when={editing()}>
          {(d) => (
            <form id="prices-plan-form" class="form prices-form" onSubmit={(e) => void save(e)} novalidate>
              <div class="prices-row2">
                <label class="field">
                  <span class="field__label">{t('prices.d.code')}</span>
                  <input
                    class="input input--sm prices-upper"
                    value={d().code}
                    maxLength={32}
                    placeholder="MORTGAGE30"
                    onInput={(e) => set('code', e.currentTarget.value.toUpperCase())}
                  />
                </label>
                <label class="field">
                  <span class="field__label">{t('prices.p.kind')}</span>
                  <select
                    class="input input--sm"
                    value={d().kind}
                    onChange={(e) => set('kind', e.currentTarget.value as PlanKind)}
                  >
                    <For each={PLAN_KINDS}>{(k) => <option value={k}>{planKindLabel(k)}</option>}</For>
                  </select>
                </label>
              </div>
              <div class="prices-row2">
                <label class="field">
                  <span class="field__label">{t('prices.nameZh')}</span>
                  <input
                    class="input input--sm"
                    value={d().name}
                    maxLength={40}
                    placeholder="按揭 首付30%"
                    onInput={(e) => set('name', e.currentTarget.value)}
                  />
                </label>
                <label class="field">
                  <span class="field__label">{t('prices.nameEn')}</span>
                  <input
                    class="input input--sm"
                    value={d().nameEn}
                    maxLength={80}
                    placeholder="Mortgage, 30% down"
                    onInput={(e) => set('nameEn', e.currentTarget.value)}
                  />
                </label>
              </div>
              <div class="prices-row2">
                {num(d().deposit, (v) => set('deposit', v), t('prices.p.deposit'), t('prices.yuan'), '50000')}
                <Show when={d().kind === 'LUMP_SUM'}>
                  {num(
                    d().balanceDueDays,
                    (v) => set('balanceDueDays', v),
                    t('prices.p.balanceDue'),
                    t('prices.p.days'),
                    '30',
                  )}
                </Show>
                <Show when={d().kind === 'MORTGAGE'}>
                  {num(d().downPaymentPct, (v) => set('downPaymentPct', v), t('prices.p.downPct'), '%', '30')}
                </Show>
              </div>
              <Show when={d().kind === 'MORTGAGE'}>
                <div class="prices-row2">
                  {num(
                    d().downPaymentDueDays,
                    (v) => set('downPaymentDueDays', v),
                    t('prices.p.downDue'),
                    t('prices.p.days'),
                    '30',
                  )}
                  <label class="field">
                    <span class="field__label">{t('prices.p.loanNote')}</span>
                    <input
                      class="input input--sm"
                      value={d().loanNote}
                      maxLength={200}
                      onInput={(e) => set('loanNote', e.currentTarget.value)}
                    />
                  </label>
                </div>
              </Show>
              <Show when={d().kind === 'INSTALLMENTS'}>
                <div class="prices-fieldset">
                  <span class="field__label">{t('prices.p.installments')}</span>
                  <ol class="prices-installments">
                    <Index each={d().installments}>
                      {(row, i) => (
                        <li class="prices-installment">
                          <span class="prices-installment__n">{i + 1}</span>
                          <div class="prices-affix">
                            <input
                              class="input input--sm"
                              inputmode="decimal"
                              aria-label={t('prices.p.share')}
                              value={row().pct}
                              onInput={(e) => setInstallment(i, 'pct', e.currentTarget.value)}
                            />
                            <span class="prices-affix__unit">%</span>
                          </div>
                          <div class="prices-affix">
                            <input
                              class="input input--sm"
                              inputmode="numeric"
                              aria-label={t('prices.p.dueDays')}
                              value={row().dueDays}
                              onInput={(e) => setInstallment(i, 'dueDays', e.currentTarget.value)}
                            />
                            <span class="prices-affix__unit">{t('prices.p.days')}</span>
                          </div>
                          <button
                            type="button"
                            class="icon-btn"
                            aria-label={t('prices.p.removeInstallment')}
                            disabled={d().installments.length <= 1}
                            onClick={() =>
                              set(
                                'installments',
                                d().installments.filter((_, k) => k !== i),
                              )
                            }
                          >
                            ×
                          </button>
                        </li>
                      )}
                    </Index>
                  </ol>
                  <div class="prices-installments__foot">
                    <button
                      type="button"
                      class="btn btn--ghost btn--sm"
                      disabled={d().installments.length >= 36}
                      onClick={() =>
                        set('installments', [
                          ...d().installments,
                          { pct: '', dueDays: d().installments.at(-1)?.dueDays ?? '0' },
                        ])
                      }
                    >
                      + {t('prices.p.addInstallment')}
                    </button>
                    <span
                      classList={{
                        'prices-bad': installmentSum() !== BP_ONE,
                        'prices-good': installmentSum() === BP_ONE,
                      }}
                    >
                      {t('prices.p.sum', { pct: bpToPercentText(installmentSum()) })}
                    </span>
                  </div>
                </div>
              </Show>
              <div class="prices-row2">
                <label class="prices-check">
                  <input
                    type="checkbox"
                    checked={d().active}
                    onChange={(e) => set('active', e.currentTarget.checked)}
                  />
                  <span>{t('prices.activeLabel')}</span>
                </label>
                <label class="field prices-sort">
                  <span class="field__label">{t('prices.sortOrder')}</span>
                  <input
                    class="input input--sm"
                    type="number"
                    inputmode="numeric"
                    min={0}
                    max={10000}
                    value={d().sortOrder}
                    onInput={(e) => set('sortOrder', e.currentTarget.value)}
                  />
                </label>
              </div>
              <div class="prices-sample">
                <p class="field__label">{t('prices.p.sampleTitle', { price: money(SAMPLE_PRICE_FEN) })}</p>
                <Show
                  when={sample()}
                  fallback={
                    <p class="prices-muted">{check() && !check()!.ok ? (check() as { reason: string }).reason : ''}</p>
                  }
                >
                  {(s) => (
                    <Show
                      when={s().ok ? (s() as { schedule: ScheduleItem[] }).schedule : null}
                      fallback={
                        <p class="prices-bad">
                          {t('prices.p.scheduleRefused', { reason: (s() as { message?: string }).message ?? '' })}
                        </p>
                      }
                    >
                      {(items) => <ScheduleTable items={items()} />}
                    </Show>
                  )}
                </Show>
              </div>
              <Show when={touched() && check() && !check()!.ok && !error()}>
                <div class="alert alert--error" role="alert">
                  {(check() as { reason: string }).reason}
                </div>
              </Show>
              <ErrorAlert message={error()} />
            </form>
          )}
        </Show>
      </FormDialog>
    </section>
  );
}
