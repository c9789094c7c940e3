/**
 * /manager/:projectId/import — units, areas and prices as XLSX / CSV for ADMIN/MANAGER (laptop first,
 * usable on a phone): download the current units or the empty template; pick or drop a file;
 * "Check" runs the server's dry run and shows either every problem (row, column, value, reason —
 * reasons translated by code) or what the import will change; "Import" is enabled only after a
 * clean check of that same file. Price changes become a pending price-list version: the result
 * links to the price book. docs/import.md.
 */
import { For, Match, Show, Switch, createSignal, onCleanup, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import {
  UNIT_IMPORT_MAX_BYTES,
  type ImportErrorCode,
  type ImportInvalidDetails,
  type ImportRowError,
  type UnitImportResult,
  type UnitSheetFormat,
  type UserInfo,
} from '@kaipan/shared';
import { api, toApiError, unitSheets } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { describeError, locale, t, type MessageKey } from '../lib/i18n';
import { isManager } from '../stores/project-roles';
import { showToast } from '../stores/toasts';
import { AppHeader } from '../components/app-header';
import { ErrorState, Spinner } from '../components/ui';
import './import.css';

/** The client's text for every reason code (a missing one fails to compile). */
const REASON_KEYS: Record<ImportErrorCode, MessageKey> = {
  FILE_UNREADABLE: 'importErr.FILE_UNREADABLE',
  FILE_EMPTY: 'importErr.FILE_EMPTY',
  TOO_MANY_ROWS: 'importErr.TOO_MANY_ROWS',
  MISSING_COLUMN: 'importErr.MISSING_COLUMN',
  DUPLICATE_COLUMN: 'importErr.DUPLICATE_COLUMN',
  REQUIRED: 'importErr.REQUIRED',
  TOO_LONG: 'importErr.TOO_LONG',
  INVALID_TEXT: 'importErr.INVALID_TEXT',
  NOT_A_NUMBER: 'importErr.NOT_A_NUMBER',
  NOT_AN_INTEGER: 'importErr.NOT_AN_INTEGER',
  TOO_MANY_DECIMALS: 'importErr.TOO_MANY_DECIMALS',
  NOT_POSITIVE: 'importErr.NOT_POSITIVE',
  OUT_OF_RANGE: 'importErr.OUT_OF_RANGE',
  FLOOR_ABOVE_LIST: 'importErr.FLOOR_ABOVE_LIST',
  NET_ABOVE_GROSS: 'importErr.NET_ABOVE_GROSS',
  UNKNOWN_BUILDING: 'importErr.UNKNOWN_BUILDING',
  DUPLICATE_UNIT: 'importErr.DUPLICATE_UNIT',
  DUPLICATE_POSITION: 'importErr.DUPLICATE_POSITION',
  UNIT_NOT_EDITABLE: 'importErr.UNIT_NOT_EDITABLE',
  UNIT_LOCKED: 'importErr.UNIT_LOCKED',
  ABOVE_FILED_PRICE: 'importErr.ABOVE_FILED_PRICE',
};

function reasonText(e: ImportRowError): string {
  const key = REASON_KEYS[e.code] as MessageKey | undefined;
  return key ? t(key) : e.reason;
}

/** What the page shows below the file picker. */
type Phase =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'invalid'; details: ImportInvalidDetails }
  | { kind: 'ready'; result: UnitImportResult }
  | { kind: 'importing'; result: UnitImportResult }
  | { kind: 'done'; result: UnitImportResult }
  | { kind: 'failed'; message: string; retry: () => void };

function formatOf(file: File): UnitSheetFormat | null {
  const name = file.name.toLowerCase();
  if (name.endsWith('.xlsx')) return 'xlsx';
  if (name.endsWith('.csv') || name.endsWith('.txt')) return 'csv';
  if (file.type.includes('spreadsheetml')) return 'xlsx';
  if (file.type === 'text/csv') return 'csv';
  return null;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Is the browser online (the `online`/`offline` events)? */
function createOnline(): () => boolean {
  const [online, setOnline] = createSignal(typeof navigator === 'undefined' ? true : navigator.onLine);
  const up = (): void => void setOnline(true);
  const down = (): void => void setOnline(false);
  window.addEventListener('online', up);
  window.addEventListener('offline', down);
  onCleanup(() => {
    window.removeEventListener('online', up);
    window.removeEventListener('offline', down);
  });
  return online;
}

export default function ImportPage(props: { projectId: string; user: UserInfo }): JSX.Element {
  return (
    <Show
      when={isManager(props.user, props.projectId)}
      fallback={
        <div class="page">
          <AppHeader title={t('import.title')} backHref={`/p/${props.projectId}`} />
          <main class="page__main page__main--narrow">
            <ErrorState title={t('manager.forbiddenTitle')} message={t('import.forbidden')} />
          </main>
        </div>
      }
    >
      <UnitSheets projectId={props.projectId} user={props.user} />
    </Show>
  );
}

function UnitSheets(props: { projectId: string; user: UserInfo }): JSX.Element {
  const online = createOnline();
  const catalog = createLoad(
    () => props.projectId,
    (id) => api.catalog(id),
  );
  const [file, setFile] = createSignal<File | null>(null);
  const [pickError, setPickError] = createSignal<string | null>(null);
  const [phase, setPhase] = createSignal<Phase>({ kind: 'idle' });
  /** The file the last clean check was for: Import is allowed for that file only. */
  const [checked, setChecked] = createSignal<File | null>(null);
  const [downloading, setDownloading] = createSignal<string | null>(null);
  const [over, setOver] = createSignal(false);
  let input: HTMLInputElement | undefined;
  let resultBox: HTMLElement | undefined;

  /** Bring a new report or summary into view when it starts below the fold (phones). */
  const revealResult = (): void => {
    requestAnimationFrame(() => {
      const top = resultBox?.getBoundingClientRect().top;
      if (top !== undefined && top > window.innerHeight - 120)
        resultBox?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    });
  };

  const projectName = (): string => {
    const p = catalog.value()?.project;
    if (!p) return '';
    return locale() === 'en' ? p.nameEn || p.name : p.name;
  };

  const choose = (picked: File | undefined | null): void => {
    if (!picked) return;
    setPhase({ kind: 'idle' });
    setChecked(null);
    if (!formatOf(picked)) {
      setFile(null);
      setPickError(t('import.wrongType'));
      return;
    }
    if (picked.size > UNIT_IMPORT_MAX_BYTES) {
      setFile(null);
      setPickError(t('import.tooLarge'));
      return;
    }
    setPickError(null);
    setFile(picked);
  };

  const download = async (kind: 'export' | 'template', format: UnitSheetFormat): Promise<void> => {
    setDownloading(`${kind}.${format}`);
    try {
      const got = await unitSheets.download(props.projectId, kind, format);
      const url = URL.createObjectURL(got.blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = got.fileName;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      showToast('success', t('import.downloaded', { name: got.fileName }));
    } catch (error) {
      showToast('error', describeError(error));
    } finally {
      setDownloading(null);
    }
  };

  /** Dry run (check) or the real import of the chosen file. */
  const send = async (dryRun: boolean): Promise<void> => {
    const f = file();
    const format = f ? formatOf(f) : null;
    if (!f || !format) return;
    const previous = phase();
    setPhase(
      dryRun ? { kind: 'checking' } : { kind: 'importing', result: (previous as { result: UnitImportResult }).result },
    );
    try {
      const result = await unitSheets.import(props.projectId, f, { format, dryRun, fileName: f.name });
      if (file() !== f) return; // another file was chosen meanwhile
      if (dryRun) {
        setChecked(f);
        setPhase({ kind: 'ready', result });
      } else {
        setChecked(null);
        setPhase({ kind: 'done', result });
        void catalog.refetch();
      }
      revealResult();
    } catch (error) {
      if (file() !== f) return;
      const err = toApiError(error);
      setChecked(null);
      if (err.code === 'IMPORT_INVALID' && err.details) {
        setPhase({ kind: 'invalid', details: err.details as ImportInvalidDetails });
      } else {
        setPhase({ kind: 'failed', message: describeError(err), retry: () => void send(dryRun) });
      }
      revealResult();
    }
  };

  const busy = (): boolean => phase().kind === 'checking' || phase().kind === 'importing';
  const canImport = (): boolean => {
    const p = phase();
    return (
      online() &&
      p.kind === 'ready' &&
      checked() === file() &&
      p.result.created + p.result.updated + p.result.priceChanges > 0
    );
  };
  const reset = (): void => {
    setFile(null);
    setChecked(null);
    setPhase({ kind: 'idle' });
    if (input) input.value = '';
  };

  const DownloadRow = (p: { kind: 'export' | 'template'; label: string; hint: string }): JSX.Element => (
    <div class="imp-dl">
      <div class="imp-dl__text">
        <span class="imp-dl__label">{p.label}</span>
        <span class="imp-dl__hint">{p.hint}</span>
      </div>
      <div class="imp-dl__buttons">
        <For each={['xlsx', 'csv'] as const}>
          {(format) => (
            <button
              type="button"
              class="btn btn--secondary btn--sm"
              disabled={!online() || downloading() !== null}
              onClick={() => void download(p.kind, format)}
            >
              <Show when={downloading() === `${p.kind}.${format}`} fallback={<DownloadIcon />}>
                <Spinner size="sm" />
              </Show>
              {t(format === 'xlsx' ? 'import.xlsx' : 'import.csv')}
            </button>
          )}
        </For>
      </div>
    </div>
  );

  return (
    <div class="page imp-page">
      <AppHeader
        backHref={`/manager/${props.projectId}`}
        title={
          <>
            {t('import.title')}
            <Show when={projectName()}>
              <span class="app-header__tag">{projectName()}</span>
            </Show>
          </>
        }
        subtitle={props.user.displayName}
        actions={
          <>
            <A href={`/manager/${props.projectId}/prices`} class="btn btn--ghost btn--sm hide-phone">
              {t('prices.link')}
            </A>
            <A href={`/manager/${props.projectId}`} class="btn btn--ghost btn--sm hide-phone">
              {t('import.backToManager')}
            </A>
          </>
        }
      />
      <Show when={!online()}>
        <div class="banners">
          <div class="banner banner--offline" role="status">
            <span class="banner__pulse" aria-hidden="true" />
            <span>{t('import.offline')}</span>
          </div>
        </div>
      </Show>

      <main class="page__main imp">
        <Show when={catalog.error() && !catalog.value()}>
          <ErrorState
            title={t('import.failedTitle')}
            message={describeError(catalog.error())}
            onRetry={() => void catalog.refetch()}
          />
        </Show>
        <div class="imp__top">
          <section class="panel imp-upload" aria-labelledby="imp-upload-title">
            <h2 id="imp-upload-title" class="panel__title">
              {t('import.uploadTitle')}
            </h2>
            <label
              class="imp-drop"
              classList={{ 'imp-drop--over': over(), 'imp-drop--chosen': file() !== null }}
              onDragOver={(e) => {
                e.preventDefault();
                setOver(true);
              }}
              onDragLeave={() => setOver(false)}
              onDrop={(e) => {
                e.preventDefault();
                setOver(false);
                choose(e.dataTransfer?.files[0]);
              }}
            >
              <input
                ref={input}
                class="sr-only"
                type="file"
                accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                onChange={(e) => choose(e.currentTarget.files?.[0])}
              />
              <Show
                when={file()}
                fallback={
                  <>
                    <SheetIcon />
                    <span class="imp-drop__title">{t('import.drop')}</span>
                    <span class="btn btn--secondary btn--sm imp-drop__pick">{t('import.pick')}</span>
                    <span class="imp-drop__hint">{t('import.dropHint')}</span>
                  </>
                }
              >
                {(f) => (
                  <>
                    <SheetIcon />
                    <span class="imp-drop__file">{f().name}</span>
                    <span class="imp-drop__hint">
                      {formatSize(f().size)} · {(formatOf(f()) ?? '').toUpperCase()}
                    </span>
                    <span class="link-btn">{t('import.change')}</span>
                  </>
                )}
              </Show>
            </label>
            <Show when={pickError()}>
              <p class="imp-pick-error" role="alert">
                {pickError()}
              </p>
            </Show>
            <div class="imp-actions">
              <button
                type="button"
                class="btn btn--primary"
                disabled={!file() || busy() || !online()}
                onClick={() => void send(true)}
              >
                <Show when={phase().kind === 'checking'}>
                  <Spinner size="sm" />
                </Show>
                {phase().kind === 'checking' ? t('import.checking') : t('import.check')}
              </button>
              <button
                type="button"
                class="btn btn--go"
                disabled={!canImport() || busy()}
                onClick={() => void send(false)}
              >
                <Show when={phase().kind === 'importing'}>
                  <Spinner size="sm" />
                </Show>
                {phase().kind === 'importing' ? t('import.running') : t('import.run')}
              </button>
              <Show when={file() && phase().kind === 'idle'}>
                <span class="imp-actions__hint">{t('import.runHint')}</span>
              </Show>
            </div>
          </section>

          <div class="imp__side">
            <section class="panel" aria-labelledby="imp-dl-title">
              <h2 id="imp-dl-title" class="panel__title">
                {t('import.downloadTitle')}
              </h2>
              <DownloadRow kind="export" label={t('import.exportLabel')} hint={t('import.exportHint')} />
              <DownloadRow kind="template" label={t('import.templateLabel')} hint={t('import.templateHint')} />
            </section>
            <section class="panel imp-rules" aria-labelledby="imp-rules-title">
              <h2 id="imp-rules-title" class="panel__title">
                {t('import.rulesTitle')}
              </h2>
              <ul>
                <li>{t('import.rule.atomic')}</li>
                <li>{t('import.rule.new')}</li>
                <li>{t('import.rule.prices')}</li>
                <li>{t('import.rule.locked')}</li>
              </ul>
            </section>
          </div>
        </div>

        <section class="imp-result" aria-live="polite" ref={resultBox}>
          <Switch>
            <Match when={phase().kind === 'checking'}>
              <div class="panel imp-pending">
                <Spinner />
                <span>{t('import.checking')}</span>
              </div>
            </Match>
            <Match
              when={(() => {
                const p = phase();
                return p.kind === 'invalid' ? p.details : null;
              })()}
            >
              {(details) => <ErrorReport details={details()} />}
            </Match>
            <Match
              when={(() => {
                const p = phase();
                return p.kind === 'ready' || p.kind === 'importing' ? p.result : null;
              })()}
            >
              {(result) => <Summary result={result()} />}
            </Match>
            <Match
              when={(() => {
                const p = phase();
                return p.kind === 'done' ? p.result : null;
              })()}
            >
              {(result) => <Done result={result()} projectId={props.projectId} onAnother={reset} />}
            </Match>
            <Match
              when={(() => {
                const p = phase();
                return p.kind === 'failed' ? p : null;
              })()}
            >
              {(failed) => (
                <div class="panel">
                  <ErrorState
                    title={t('import.failedTitle')}
                    message={failed().message}
                    onRetry={online() ? failed().retry : undefined}
                  />
                </div>
              )}
            </Match>
          </Switch>
        </section>
      </main>
    </div>
  );
}

function ErrorReport(props: { details: ImportInvalidDetails }): JSX.Element {
  return (
    <div class="panel imp-report" role="alert">
      <div class="imp-report__head">
        <ErrorIcon />
        <div>
          <h2 class="imp-report__title">{t('import.errorsTitle', { n: props.details.errorCount })}</h2>
          <p class="muted">{t('import.errorsHint', { rows: props.details.rowCount })}</p>
        </div>
      </div>
      <div class="table-wrap imp-table-wrap">
        <table class="table imp-table">
          <thead>
            <tr>
              <th scope="col" class="imp-table__row">
                {t('import.col.row')}
              </th>
              <th scope="col">{t('import.col.column')}</th>
              <th scope="col">{t('import.col.value')}</th>
              <th scope="col">{t('import.col.reason')}</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.details.errors}>
              {(e) => (
                <tr>
                  <td class="imp-table__row">{e.row === 0 ? t('import.wholeFile') : e.row}</td>
                  <td class="imp-table__col">{e.column ?? t('common.dash')}</td>
                  <td class="imp-table__value">
                    <Show
                      when={e.value !== null && e.value !== ''}
                      fallback={<span class="muted">{e.row === 0 ? t('common.dash') : t('import.emptyValue')}</span>}
                    >
                      <code>{e.value}</code>
                    </Show>
                  </td>
                  <td class="imp-table__reason">
                    <span class="imp-table__code">{reasonText(e)}</span>
                    <span class="imp-table__detail" lang="en">
                      {e.reason}
                    </span>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <Show when={props.details.errorCount > props.details.errors.length}>
        <p class="muted">
          {t('import.errorsTruncated', { shown: props.details.errors.length, n: props.details.errorCount })}
        </p>
      </Show>
    </div>
  );
}

function Codes(props: { codes: string[]; total: number }): JSX.Element {
  const shown = (): string[] => props.codes.slice(0, 24);
  return (
    <Show when={props.total > 0}>
      <p class="imp-codes">
        <For each={shown()}>{(c) => <span class="imp-code">{c}</span>}</For>
        <Show when={props.total > shown().length}>
          <span class="muted">{t('import.more', { n: props.total - shown().length })}</span>
        </Show>
      </p>
    </Show>
  );
}

function Counts(props: { result: UnitImportResult }): JSX.Element {
  const items = (): { key: MessageKey; n: number; codes: string[]; tone: string }[] => [
    { key: 'import.stat.created', n: props.result.created, codes: props.result.createdCodes, tone: 'new' },
    { key: 'import.stat.updated', n: props.result.updated, codes: props.result.updatedCodes, tone: 'edit' },
    { key: 'import.stat.priced', n: props.result.priceChanges, codes: props.result.pricedCodes, tone: 'price' },
    { key: 'import.stat.unchanged', n: props.result.unchanged, codes: [], tone: 'same' },
  ];
  return (
    <div class="imp-counts">
      <For each={items()}>
        {(item) => (
          <div class={`imp-count imp-count--${item.tone}`} classList={{ 'imp-count--zero': item.n === 0 }}>
            <span class="imp-count__n">{item.n}</span>
            <span class="imp-count__label">{t(item.key)}</span>
            <Show when={item.codes.length > 0}>
              <Codes codes={item.codes} total={item.n} />
            </Show>
          </div>
        )}
      </For>
    </div>
  );
}

function Summary(props: { result: UnitImportResult }): JSX.Element {
  const nothing = (): boolean => props.result.created + props.result.updated + props.result.priceChanges === 0;
  return (
    <div class="panel imp-summary">
      <div class="imp-report__head">
        <OkIcon />
        <div>
          <h2 class="imp-report__title">{t('import.okTitle')}</h2>
          <p class="muted">{t('import.rows', { n: props.result.rowCount })}</p>
        </div>
      </div>
      <Counts result={props.result} />
      <Show when={props.result.priceChanges > 0}>
        <p class="imp-note">{t('import.pricesPending', { n: props.result.priceChanges })}</p>
      </Show>
      <Show when={nothing()}>
        <p class="imp-note imp-note--muted">{t('import.nothingToDo')}</p>
      </Show>
    </div>
  );
}

function Done(props: { result: UnitImportResult; projectId: string; onAnother: () => void }): JSX.Element {
  return (
    <div class="panel imp-summary imp-summary--done">
      <div class="imp-report__head">
        <OkIcon />
        <div>
          <h2 class="imp-report__title">{t('import.doneTitle')}</h2>
          <p class="muted">{t('import.rows', { n: props.result.rowCount })}</p>
        </div>
      </div>
      <Counts result={props.result} />
      <Show when={props.result.pendingPriceList}>
        {(pending) => (
          <div class="imp-note imp-note--pending">
            <span>{t('import.donePending', { v: pending().version })}</span>
            <A href={`/manager/${props.projectId}/prices`} class="btn btn--primary btn--sm">
              {t('import.toPrices')}
            </A>
          </div>
        )}
      </Show>
      <div>
        <button type="button" class="btn btn--secondary btn--sm" onClick={() => props.onAnother()}>
          {t('import.another')}
        </button>
      </div>
    </div>
  );
}

function SheetIcon(): JSX.Element {
  return (
    <svg class="imp-drop__icon" viewBox="0 0 48 48" aria-hidden="true">
      <path
        d="M12 5h17l9 9v27a2 2 0 0 1-2 2H12a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z"
        fill="none"
        stroke="currentColor"
        stroke-width="2.5"
      />
      <path
        d="M29 5v9h9M16 24h16M16 30h16M16 36h10M22 20v20"
        fill="none"
        stroke="currentColor"
        stroke-width="2.2"
        stroke-linecap="round"
      />
    </svg>
  );
}

function DownloadIcon(): JSX.Element {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
      <path
        d="M12 4v11M7 10l5 5 5-5M5 20h14"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}

function ErrorIcon(): JSX.Element {
  return (
    <svg class="imp-icon imp-icon--bad" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
      <circle cx="12" cy="12" r="10" fill="currentColor" />
      <path d="M12 7v6M12 16.5v.5" stroke="#fff" stroke-width="2.4" stroke-linecap="round" />
    </svg>
  );
}

function OkIcon(): JSX.Element {
  return (
    <svg class="imp-icon imp-icon--ok" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
      <circle cx="12" cy="12" r="10" fill="currentColor" />
      <path
        d="M7.5 12.5l3 3 6-6.5"
        fill="none"
        stroke="#fff"
        stroke-width="2.4"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}
