/**
 * Reports 统计报表 (/manager/:projectId/reports): the reports of report-list.ts as cards, one filter
 * form above them (project-local days, building, consultant), and per card: run → progress → download,
 * with the failure said and a retry. Jobs run on the server's `reports` queue; the page polls them.
 * Managers and finance run reports; the audit log's export is also for viewers.
 */
import { For, Match, Show, Switch, createSignal, onCleanup, type JSX } from 'solid-js';
import { isPermitted, type Locale, type ReportJob, type UserInfo } from '@kaipan/shared';
import { entryText } from '@kaipan/web/i18n/runtime';
import { createLoad } from '@kaipan/web/resource';
import { api, downloadFile, type DownloadedFile } from '../../lib/api';
import { awaitReportFile, ReportJobFailed, saveFile } from '../../lib/report-jobs';
import { describeError, locale, t } from '../../lib/i18n';
import { fromZonedInput } from '../../lib/zoned-time';
import { createCatalog } from '../../stores/catalog';
import { isManager, projectRole } from '../../stores/project-roles';
import { AppHeader } from '../../components/app-header';
import { EmptyState, Spinner } from '../../components/ui';
import { REPORT_LIST, type ReportEntry, type ReportFilterName, type ReportFilterValues } from './report-list';
import './reports.css';

/** A card's run: idle, working (with the job's progress), done (its file), or failed. */
type RunState =
  | { step: 'idle' }
  | { step: 'working'; job: ReportJob | null }
  | { step: 'done'; file: DownloadedFile; rows: number | null }
  | { step: 'failed'; message: string };

export default function ReportsPage(props: { projectId: string; user: UserInfo }): JSX.Element {
  const catalog = createCatalog(props.projectId, api);
  const tz = (): string => catalog.timeZone();
  const role = (): ReturnType<typeof projectRole> => projectRole(props.user, props.projectId);
  const reports = (): ReportEntry[] =>
    REPORT_LIST.filter((r) => {
      const r0 = role();
      return r0 ? isPermitted(r.access, { kind: 'user', role: r0 }) : false;
    });
  // Consultants to filter by: the project's members, which managers may list (finance filters by
  // days and building only; asking would be refused).
  const members = createLoad(
    () => isManager(props.user, props.projectId) && props.projectId,
    (id) => api.members(id),
  );
  /** A filter is offered when some report the reader may run honours it. */
  const offers = (name: ReportFilterName): boolean => reports().some((r) => r.filters.includes(name));
  const sellers = () => (members.value()?.members ?? []).filter((m) => m.role === 'CONSULTANT' || m.role === 'MANAGER');

  const [from, setFrom] = createSignal('');
  const [to, setTo] = createSignal('');
  const [buildingId, setBuildingId] = createSignal('');
  const [consultantId, setConsultantId] = createSignal('');
  const badRange = (): boolean => from() !== '' && to() !== '' && from() > to();

  const filtersFor = (entry: ReportEntry): ReportFilterValues => {
    const f: ReportFilterValues = {};
    if (entry.filters.includes('days')) {
      if (from()) f.from = from();
      if (to()) f.to = to();
    }
    if (entry.filters.includes('building') && buildingId()) f.buildingId = buildingId();
    if (entry.filters.includes('consultant') && consultantId()) f.consultantId = consultantId();
    return f;
  };

  const [runs, setRuns] = createSignal<Record<string, RunState>>({});
  const setRun = (id: string, state: RunState): void => {
    setRuns({ ...runs(), [id]: state });
  };
  const runOf = (id: string): RunState => runs()[id] ?? { step: 'idle' };
  // Leaving the page stops every poll.
  const leaving = new AbortController();
  onCleanup(() => leaving.abort());

  const startJob = (entry: ReportEntry, f: ReportFilterValues, lang: Locale): Promise<ReportJob> => {
    if (entry.run.kind === 'job') return api.startReportJob(props.projectId, entry.run.report, { ...f, lang });
    // The audit log filters by instants: the project-local days become [from 00:00, the day after to).
    const dayAfter = (day: string): string =>
      new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const fromIso = f.from ? fromZonedInput(`${f.from}T00:00`, tz()) : null;
    const toIso = f.to ? fromZonedInput(`${dayAfter(f.to)}T00:00`, tz()) : null;
    return api.startAuditJob(props.projectId, {
      lang,
      ...(fromIso ? { from: fromIso } : {}),
      ...(toIso ? { to: toIso } : {}),
    });
  };

  const run = async (entry: ReportEntry): Promise<void> => {
    if (badRange()) return;
    const f = filtersFor(entry);
    setRun(entry.id, { step: 'working', job: null });
    try {
      if (entry.run.kind === 'download') {
        saveFile(await downloadFile(entry.run.url(props.projectId, f, locale()), entry.run.fileName));
        setRun(entry.id, { step: 'idle' });
        return;
      }
      let rows: number | null = null;
      const file = await awaitReportFile(
        props.projectId,
        await startJob(entry, f, locale()),
        (job) => {
          rows = job.rows;
          if (job.state !== 'done') setRun(entry.id, { step: 'working', job });
        },
        leaving.signal,
      );
      setRun(entry.id, { step: 'done', file, rows });
      saveFile(file);
    } catch (e) {
      if (leaving.signal.aborted) return;
      setRun(entry.id, {
        step: 'failed',
        message: e instanceof ReportJobFailed ? t('reports.failed') : describeError(e),
      });
    }
  };

  const download = (id: string): void => {
    const state = runOf(id);
    if (state.step === 'done') saveFile(state.file);
  };

  const filterNames = (entry: ReportEntry): string =>
    entry.filters
      .map((f) => (f === 'days' ? `${t('reports.from')}–${t('reports.to')}` : t(`reports.${f}`)))
      .join(locale() === 'en' ? ', ' : '、');

  return (
    <div class="page reports">
      <AppHeader
        title={t('reports.title')}
        subtitle={catalog.ready()?.project.name}
        backHref={`/manager/${props.projectId}`}
      />
      <main class="page__main">
        <p class="muted reports__subtitle">{t('reports.subtitle', { tz: tz() })}</p>
        <form class="reports__filters panel" onSubmit={(e) => e.preventDefault()} aria-label={t('reports.filters')}>
          <label class="field">
            <span class="field__label">{t('reports.from')}</span>
            <input class="input" type="date" value={from()} onInput={(e) => setFrom(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span class="field__label">{t('reports.to')}</span>
            <input class="input" type="date" value={to()} onInput={(e) => setTo(e.currentTarget.value)} />
          </label>
          <Show when={offers('building')}>
            <label class="field">
              <span class="field__label">{t('reports.building')}</span>
              <select class="input" value={buildingId()} onChange={(e) => setBuildingId(e.currentTarget.value)}>
                <option value="">{t('reports.all')}</option>
                <For each={catalog.ready()?.buildings ?? []}>
                  {(b) => <option value={b.id}>{locale() === 'en' ? b.nameEn || b.name : b.name}</option>}
                </For>
              </select>
            </label>
          </Show>
          <Show when={offers('consultant') && sellers().length > 0}>
            <label class="field">
              <span class="field__label">{t('reports.consultant')}</span>
              <select class="input" value={consultantId()} onChange={(e) => setConsultantId(e.currentTarget.value)}>
                <option value="">{t('reports.all')}</option>
                <For each={sellers()}>{(m) => <option value={m.userId}>{m.displayName}</option>}</For>
              </select>
            </label>
          </Show>
          <Show when={badRange()}>
            <p class="alert alert--error reports__range">{t('reports.badRange')}</p>
          </Show>
        </form>

        <Show
          when={reports().length > 0}
          fallback={<EmptyState title={t('reports.noneAvailable')} hint={t('reports.noneAvailableHint')} />}
        >
          <ul class="reports__list">
            <For each={reports()}>
              {(entry) => {
                const state = (): RunState => runOf(entry.id);
                return (
                  <li class="report-card panel">
                    <div class="report-card__text">
                      <h2 class="report-card__title">{entryText(entry.title, locale())}</h2>
                      <p class="report-card__description">{entryText(entry.description, locale())}</p>
                      <p class="muted report-card__filters">
                        {entry.filters.includes('days')
                          ? t('reports.appliesTo', { list: filterNames(entry) })
                          : t('reports.noFilters')}
                      </p>
                    </div>
                    <div class="report-card__action" aria-live="polite">
                      <Switch>
                        <Match when={state().step === 'working'}>
                          {(() => {
                            const job = (): ReportJob | null => {
                              const s = state();
                              return s.step === 'working' ? s.job : null;
                            };
                            const pct = (): number => job()?.progress ?? 0;
                            return (
                              <div class="report-card__progress">
                                <span class="report-card__status">
                                  <Spinner size="sm" />{' '}
                                  {job()?.state === 'running'
                                    ? t('reports.running', { n: pct() })
                                    : t('reports.queued')}
                                </span>
                                <progress max="100" value={pct()} />
                              </div>
                            );
                          })()}
                        </Match>
                        <Match when={state().step === 'done'}>
                          {(() => {
                            const done = () => state() as Extract<RunState, { step: 'done' }>;
                            return (
                              <>
                                <span class="report-card__status report-card__status--done">
                                  {t('reports.done', { rows: done().rows ?? 0 })}
                                </span>
                                <div class="report-card__buttons">
                                  <button
                                    type="button"
                                    class="btn btn--primary btn--sm"
                                    onClick={() => download(entry.id)}
                                  >
                                    {t('reports.download')}
                                  </button>
                                  <button type="button" class="btn btn--ghost btn--sm" onClick={() => void run(entry)}>
                                    {t('reports.runAgain')}
                                  </button>
                                </div>
                              </>
                            );
                          })()}
                        </Match>
                        <Match when={state().step === 'failed'}>
                          <span class="report-card__status report-card__status--error" role="alert">
                            {(state() as Extract<RunState, { step: 'failed' }>).message}
                          </span>
                          <button type="button" class="btn btn--sm" onClick={() => void run(entry)}>
                            {t('reports.retry')}
                          </button>
                        </Match>
                        <Match when={state().step === 'idle'}>
                          <button
                            type="button"
                            class="btn btn--primary btn--sm"
                            disabled={badRange()}
                            onClick={() => void run(entry)}
                          >
                            {t('reports.run')}
                          </button>
                        </Match>
                      </Switch>
                    </div>
                  </li>
                );
              }}
            </For>
          </ul>
        </Show>
      </main>
    </div>
  );
}
