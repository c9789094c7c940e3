/**
 * The cashier desk 收银台 (/cashier, /cashier/day-end): a person signs in (not a device key), picks
 * the project, and works at the desk. This is the frame around both pages: sign-in gate, project,
 * header (receipt book, void approvals for managers, paper, language, sign out), offline banner and
 * the payment whose answer was lost (resent with the same key until the server confirms it).
 */
import { For, Match, Show, Switch, createMemo, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import { A, useLocation } from '@solidjs/router';
import {
  isManagerRole,
  receiptLabel,
  type ProjectListItem,
  type ReceiptBookInfo,
  type UserInfo,
  ROLE_LABELS,
} from '@kaipan/shared';
import './cashier.css';
import { BrandMark } from '../components/ui';
import { Badge, LangSwitch, Loading, Failure, OfflineBar, Spinner, SystemBar } from '../components/cashier-ui';
import { CashierVoidApprovals } from '../components/cashier-void-approvals';
import { CashierPendingBanner } from '../components/cashier-pending';
import { createCashierApi, type CashierApi } from '../lib/cashier-api';
import { ct, describe, label, projectName, setDisplayTimeZone } from '../lib/cashier-i18n';
import { locale } from '../lib/i18n';
import { RehearsalBand } from '@kaipan/web/components/rehearsal-band';
import {
  CASHIER_ROLES,
  cashierProjectId,
  cashierSession,
  paper,
  setCashierProject,
  setPaper,
  type Paper,
} from '../lib/cashier-session';
import { signOutDesk } from '../lib/cashier-api';
import { createLoader } from '../lib/loader';
import { DeskContext, useDesk, type CashierDesk } from '../lib/desk-context';
import CashierLogin from './cashier-login';

/** Books with fewer numbers left than this are flagged: time to ask for a new one. */
export const LOW_BOOK_REMAINING = 20;

/** Desktop type scale and selectable text while the cashier is shown (the queue kiosk is touch-only). */
function useCashierDocument(): void {
  onMount(() => {
    document.documentElement.classList.add('c-root');
    document.title = `${ct('app.title')} · 开盘 Kaipan`;
  });
  onCleanup(() => document.documentElement.classList.remove('c-root'));
}

export default function CashierFrame(props: { children?: JSX.Element }): JSX.Element {
  useCashierDocument();
  const session = cashierSession;
  return (
    <Switch>
      <Match when={!session()}>
        <CashierLogin />
      </Match>
      <Match when={session()} keyed>
        {(s) => (
          <WithProjects token={s.token} user={s.user}>
            {props.children}
          </WithProjects>
        )}
      </Match>
    </Switch>
  );
}

function WithProjects(props: { token: string; user: UserInfo; children?: JSX.Element }): JSX.Element {
  const api = createCashierApi(props.token);
  const projects = createLoader(
    () => props.token,
    () => api.projects(),
  );
  // The projects where the user takes money (their role there: CASHIER, MANAGER or an administrator).
  const desks = createMemo(() => projects.data()?.filter((p) => p.myRole !== null && CASHIER_ROLES.includes(p.myRole)));
  const project = createMemo(() => {
    const list = desks();
    if (!list || list.length === 0) return null;
    return list.find((p) => p.id === cashierProjectId()) ?? list[0] ?? null;
  });
  return (
    <Switch>
      <Match when={project()} keyed>
        {(p) => (
          <Desk api={api} user={props.user} project={p} projects={desks() ?? []}>
            {props.children}
          </Desk>
        )}
      </Match>
      <Match when={projects.error()}>
        <div class="c-page c-page--center">
          <OfflineBar />
          <SystemBar />
          <Failure
            title={ct('app.loadFailed')}
            message={describe(projects.error())}
            onRetry={() => void projects.reload()}
          >
            <button type="button" class="c-btn c-btn--ghost" onClick={() => void signOutDesk()}>
              {ct('nav.signOut')}
            </button>
          </Failure>
        </div>
      </Match>
      <Match when={projects.data()?.length !== 0 && desks()?.length === 0}>
        {/* Signed in, but a cashier of no project: turned away (the sign-in page says why). */}
        <CashierLogin refused />
      </Match>
      <Match when={projects.data()?.length === 0}>
        <div class="c-page c-page--center">
          <Failure title={ct('app.noProject')} message={ct('app.noProjectHint')}>
            <button type="button" class="c-btn c-btn--secondary" onClick={() => void signOutDesk()}>
              {ct('nav.signOut')}
            </button>
          </Failure>
        </div>
      </Match>
      <Match when={true}>
        <div class="c-page c-page--center">
          <Loading />
        </div>
      </Match>
    </Switch>
  );
}

function Desk(props: {
  api: CashierApi;
  user: UserInfo;
  project: ProjectListItem;
  projects: ProjectListItem[];
  children?: JSX.Element;
}): JSX.Element {
  const role = props.project.myRole ?? 'CASHIER';
  const isManager = isManagerRole(role);
  setDisplayTimeZone(props.project.timezone);
  const books = createLoader(
    () => props.project.id,
    (pid) => props.api.receiptBooks(pid),
  );
  // Books change as receipts are issued elsewhere too: look again every minute.
  const timer = setInterval(() => void books.reload(), 60_000);
  onCleanup(() => clearInterval(timer));
  const book = (): ReceiptBookInfo | null | undefined => {
    const list = books.data();
    if (!list) return books.error() ? null : undefined;
    return list.find((b) => b.status === 'ACTIVE' && b.cashierId === props.user.id && b.remaining > 0) ?? null;
  };
  const desk: CashierDesk = {
    api: props.api,
    user: props.user,
    project: props.project,
    role,
    book,
    books: () => books.data() ?? [],
    refreshBooks: () => void books.reload(),
    isManager,
  };
  return (
    <DeskContext.Provider value={desk}>
      <div class="c-page">
        <RehearsalBand project={props.project} locale={locale()} />
        <CashierHeader projects={props.projects} booksLoading={books.loading() && !books.data()} />
        <OfflineBar />
        <SystemBar />
        <CashierPendingBanner />
        <main class="c-main">{props.children}</main>
      </div>
    </DeskContext.Provider>
  );
}

function CashierHeader(props: { projects: ProjectListItem[]; booksLoading: boolean }): JSX.Element {
  const desk = useDesk();
  const location = useLocation();
  const [approvals, setApprovals] = createSignal(false);
  const onDayEnd = (): boolean => location.pathname.startsWith('/cashier/day-end');
  return (
    <header class="c-top">
      <div class="c-top__brand">
        <BrandMark size={34} />
        <div class="c-top__titles">
          <span class="c-top__title">{ct('app.title')}</span>
          <Show
            when={props.projects.length > 1}
            fallback={<span class="c-top__project">{projectName(desk.project)}</span>}
          >
            <select
              class="c-select c-top__project-select"
              aria-label={ct('nav.project')}
              value={desk.project.id}
              onChange={(e) => setCashierProject(e.currentTarget.value)}
            >
              <For each={props.projects}>{(p) => <option value={p.id}>{projectName(p)}</option>}</For>
            </select>
          </Show>
        </div>
      </div>
      <nav class="c-tabs" aria-label={ct('nav.label')}>
        <A href="/cashier" class="c-tab" classList={{ 'c-tab--on': !onDayEnd() }} end>
          {ct('nav.desk')}
        </A>
        <A href="/cashier/day-end" class="c-tab" classList={{ 'c-tab--on': onDayEnd() }}>
          {ct('nav.dayEnd')}
        </A>
      </nav>
      <div class="c-top__side">
        <BookChip loading={props.booksLoading} />
        <Show when={desk.isManager}>
          <CashierVoidApprovals open={approvals()} setOpen={setApprovals} />
        </Show>
        <label class="c-paper" title={ct('paper.label')}>
          <span class="c-sr">{ct('paper.label')}</span>
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <path
              d="M7 8V3h10v5M7 17H4v-7h16v7h-3M7 14h10v7H7z"
              fill="none"
              stroke="currentColor"
              stroke-width="1.8"
              stroke-linejoin="round"
            />
          </svg>
          <select
            class="c-select c-select--bare"
            value={paper()}
            onChange={(e) => setPaper(e.currentTarget.value as Paper)}
            aria-label={ct('paper.label')}
          >
            <option value="A5">{ct('paper.A5')}</option>
            <option value="THERMAL_80">{ct('paper.THERMAL_80')}</option>
          </select>
        </label>
        <LangSwitch />
        <div class="c-user">
          <span class="c-user__name">{desk.user.displayName}</span>
          <span class="c-user__role">{label(ROLE_LABELS, desk.role)}</span>
        </div>
        <button
          type="button"
          class="c-btn c-btn--ghost c-btn--sm"
          onClick={() => void signOutDesk()}
          data-testid="sign-out"
        >
          {ct('nav.signOut')}
        </button>
      </div>
    </header>
  );
}

/** The active receipt book: next number and numbers left (warned when low, alarmed when none). */
function BookChip(props: { loading: boolean }): JSX.Element {
  const desk = useDesk();
  const label = (b: ReceiptBookInfo): string => receiptLabel(b.prefix, b.nextNumber, b.digits);
  return (
    <Show
      when={!props.loading}
      fallback={
        <span class="c-book">
          <Spinner />
        </span>
      }
    >
      <Show
        when={desk.book()}
        fallback={
          // A manager at the desk usually decides voids and has no book of their own.
          <Show when={desk.role === 'CASHIER'}>
            <span class="c-book c-book--none" title={ct('book.noneHint')} data-testid="book-chip">
              {ct('book.none')}
            </span>
          </Show>
        }
      >
        {(b) => (
          <span
            class="c-book"
            classList={{ 'c-book--low': b().remaining < LOW_BOOK_REMAINING }}
            title={ct('book.title', { prefix: b().prefix, first: b().firstNumber, last: b().lastNumber })}
            data-testid="book-chip"
          >
            <span class="c-book__label">{ct('book.next')}</span>
            <strong class="c-book__next">{label(b())}</strong>
            <Badge tone={b().remaining < LOW_BOOK_REMAINING ? 'warn' : 'neutral'}>
              {ct('book.remaining', { n: b().remaining })}
            </Badge>
          </span>
        )}
      </Show>
    </Show>
  );
}
