/**
 * The audit log 操作日志 (/manager/:projectId/audit): every event of the project, newest first, as
 * sentences in the reader's language with project-zone times, who and from which device, and the
 * field changes. Filters (who, kind, unit, time) go to the server; older pages come by cursor
 * ("load older"); the filtered log downloads as XLSX (a report job: docs/reports.md). A unit's events open its timeline.
 * Managers, finance and viewers read it (finance and viewers through the privacy rule: masked phones).
 */
import { For, Match, Show, Switch, createSignal, type JSX } from 'solid-js';
import { useSearchParams } from '@solidjs/router';
import {
  AUDIT_TOPIC_LABELS,
  AUDIT_TOPICS,
  type AuditFilter,
  type AuditLogEntry,
  type AuditTopic,
  type UserInfo,
} from '@kaipan/shared';
import { entryText } from '@kaipan/web/i18n/runtime';
import { api } from '../lib/api';
import { awaitReportFile, saveFile } from '../lib/report-jobs';
import { describeError, locale, t } from '../lib/i18n';
import { fromZonedInput } from '../lib/zoned-time';
import { createCatalog } from '../stores/catalog';
import { isManager } from '../stores/project-roles';
import { showToast } from '../stores/toasts';
import { AppHeader } from '../components/app-header';
import { AuditEvent } from '../components/audit-event';
import { UnitTimelineDrawer } from '../components/unit-timeline';
import { EmptyState, ErrorState, LoadingState, Spinner } from '../components/ui';
import './audit-log.css';

export default function AuditLogPage(props: { projectId: string; user: UserInfo }): JSX.Element {
  const catalog = createCatalog(props.projectId, api);
  const [search, setSearch] = useSearchParams<{ unit?: string; actor?: string; topic?: string }>();
  const tz = (): string => catalog.timeZone();

  // The form's fields; the applied filter is what the list shows.
  const [actor, setActor] = createSignal(search.actor ?? '');
  const [topic, setTopic] = createSignal<AuditTopic | ''>((search.topic as AuditTopic | undefined) ?? '');
  const [unit, setUnit] = createSignal(search.unit ?? '');
  const [from, setFrom] = createSignal('');
  const [to, setTo] = createSignal('');

  const [entries, setEntries] = createSignal<AuditLogEntry[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [exporting, setExporting] = createSignal(false);
  const [openUnit, setOpenUnit] = createSignal<string | null>(null);
  let applied: AuditFilter = {};
  let generation = 0;

  const filterOfForm = (): AuditFilter => {
    const f: AuditFilter = {};
    if (actor().trim()) f.actor = actor().trim();
    if (topic()) f.topic = topic() as AuditTopic;
    if (unit().trim()) f.unit = unit().trim();
    const fromIso = from() ? fromZonedInput(from(), tz()) : null;
    const toIso = to() ? fromZonedInput(to(), tz()) : null;
    if (fromIso) f.from = fromIso;
    if (toIso) f.to = toIso;
    return f;
  };

  const load = async (more: boolean): Promise<void> => {
    const mine = ++generation;
    setLoading(true);
    setError(null);
    try {
      const page = await api.audit(props.projectId, { ...applied, ...(more && cursor() ? { before: cursor()! } : {}) });
      if (mine !== generation) return;
      setEntries(more ? [...entries(), ...page.entries] : page.entries);
      setCursor(page.nextCursor);
    } catch (e) {
      if (mine === generation) setError(e);
    } finally {
      if (mine === generation) setLoading(false);
    }
  };

  const apply = (e?: Event): void => {
    e?.preventDefault();
    applied = filterOfForm();
    setSearch({ unit: applied.unit, actor: applied.actor, topic: applied.topic });
    void load(false);
  };
  const clear = (): void => {
    setActor('');
    setTopic('');
    setUnit('');
    setFrom('');
    setTo('');
    apply();
  };
  const exportXlsx = async (): Promise<void> => {
    setExporting(true);
    try {
      // Up to 50,000 events: built by the reports queue (docs/reports.md), downloaded when done.
      const job = await api.startAuditJob(props.projectId, { ...applied, lang: locale() });
      saveFile(await awaitReportFile(props.projectId, job));
    } catch (e) {
      showToast('error', describeError(e));
    } finally {
      setExporting(false);
    }
  };
  apply();

  return (
    <div class="page audit-log">
      <AppHeader
        title={t('audit.title')}
        subtitle={catalog.ready()?.project.name}
        backHref={`/manager/${props.projectId}`}
      />
      <main class="page__main">
        <p class="muted audit-log__subtitle">{t('audit.subtitle', { tz: tz() })}</p>
        <form class="audit-log__filters panel" onSubmit={apply}>
          <label class="field">
            <span class="field__label">{t('audit.filterActor')}</span>
            <input
              class="input"
              value={actor()}
              placeholder={t('audit.filterActorHint')}
              onInput={(e) => setActor(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span class="field__label">{t('audit.filterTopic')}</span>
            <select class="input" value={topic()} onChange={(e) => setTopic(e.currentTarget.value as AuditTopic | '')}>
              <option value="">{t('audit.filterAllTopics')}</option>
              <For each={AUDIT_TOPICS}>
                {(k) => <option value={k}>{entryText(AUDIT_TOPIC_LABELS[k], locale())}</option>}
              </For>
            </select>
          </label>
          <label class="field">
            <span class="field__label">{t('audit.filterUnit')}</span>
            <input class="input" value={unit()} placeholder="1-1802" onInput={(e) => setUnit(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span class="field__label">{t('audit.filterFrom')}</span>
            <input class="input" type="datetime-local" value={from()} onInput={(e) => setFrom(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span class="field__label">{t('audit.filterTo')}</span>
            <input class="input" type="datetime-local" value={to()} onInput={(e) => setTo(e.currentTarget.value)} />
          </label>
          <div class="audit-log__actions">
            <button type="submit" class="btn btn--primary btn--sm">
              {t('audit.apply')}
            </button>
            <button type="button" class="btn btn--ghost btn--sm" onClick={clear}>
              {t('audit.clear')}
            </button>
            <button type="button" class="btn btn--sm" disabled={exporting()} onClick={() => void exportXlsx()}>
              <Show when={exporting()} fallback={t('audit.export')}>
                <Spinner size="sm" /> {t('audit.exporting')}
              </Show>
            </button>
          </div>
        </form>

        <section class="panel audit-log__list">
          <Switch>
            <Match when={error() && entries().length === 0}>
              <ErrorState title={t('audit.title')} message={describeError(error())} onRetry={() => void load(false)} />
            </Match>
            <Match when={loading() && entries().length === 0}>
              <LoadingState />
            </Match>
            <Match when={entries().length === 0}>
              <EmptyState title={t('audit.empty')} />
            </Match>
            <Match when={entries().length > 0}>
              <ol class="audit-events">
                <For each={entries()}>{(e) => <AuditEvent entry={e} timeZone={tz()} onOpenUnit={setOpenUnit} />}</For>
              </ol>
              <div class="audit-log__more">
                <Show when={error()}>
                  <p class="alert alert--error">{describeError(error())}</p>
                </Show>
                <Show when={cursor()} fallback={<p class="muted">{t('audit.end')}</p>}>
                  <button type="button" class="btn btn--ghost" disabled={loading()} onClick={() => void load(true)}>
                    <Show when={loading()}>
                      <Spinner size="sm" />
                    </Show>
                    {t('audit.loadMore')}
                  </button>
                </Show>
              </div>
            </Match>
          </Switch>
        </section>
      </main>
      <UnitTimelineDrawer
        projectId={props.projectId}
        unitId={openUnit()}
        onClose={() => setOpenUnit(null)}
        canPrint={isManager(props.user, props.projectId)}
      />
    </div>
  );
}
