/** Routes. Signed-in screens sit behind RequireAuth; the wall board authenticates with its device key. */
import { Show, createEffect, lazy, on, type JSX } from 'solid-js';
import { Route, Router, useParams, type RouteSectionProps } from '@solidjs/router';
import { disconnectHub } from './lib/socket';
import { session } from './stores/session';
import { RequireAuth } from './components/require-auth';
import { Toasts } from './components/ui';
import LoginPage from './pages/login';
import ProjectsPage from './pages/projects';
import NotFoundPage from './pages/not-found';

const ConsultantPage = lazy(() => import('./pages/consultant'));
const ManagerPage = lazy(() => import('./pages/manager'));
const CustomersPage = lazy(() => import('./pages/customers'));
const DealsPage = lazy(() => import('./pages/deals'));
const PricesPage = lazy(() => import('./pages/prices'));
const ImportPage = lazy(() => import('./pages/import'));
const AgreementPage = lazy(() => import('./pages/agreement'));
const AuditLogPage = lazy(() => import('./pages/audit-log'));
const ReportsPage = lazy(() => import('./pages/reports/reports'));
const DashboardPage = lazy(() => import('./pages/dashboard/sales-dashboard'));
const BoardRoute = lazy(() => import('./pages/board-route'));
const BoardPage = lazy(() => import('./pages/board'));
const LotteryPage = lazy(() => import('./pages/lottery'));
const BuyerPage = lazy(() => import('./pages/buyer'));
const VerifyPage = lazy(() => import('./pages/verify'));
const AccountPage = lazy(() => import('./pages/account'));
const AdminSecurityPage = lazy(() => import('./pages/admin-security'));
const UsersPage = lazy(() => import('./pages/setup/users'));
const FirstRunPage = lazy(() => import('./pages/first-run'));
const ChangePasswordPage = lazy(() => import('./pages/change-password'));
const PairPage = lazy(() => import('./pages/pair'));
const SetupProjectsPage = lazy(() => import('./pages/setup/index'));
const SetupLayout = lazy(() => import('./pages/setup/layout'));

function Shell(props: RouteSectionProps): JSX.Element {
  // Signed out (button, expired token, another tab): the hub connection must not outlive the token.
  createEffect(
    on(
      () => session()?.token,
      (token, previous) => {
        if (previous && token !== previous) disconnectHub();
      },
    ),
  );
  return (
    <>
      {props.children}
      <Toasts />
    </>
  );
}

function ProjectsRoute(): JSX.Element {
  return <RequireAuth>{(user) => <ProjectsPage user={user} />}</RequireAuth>;
}

/** /account — my signed-in devices. */
function AccountRoute(): JSX.Element {
  return <RequireAuth>{(user) => <AccountPage user={user} />}</RequireAuth>;
}

/** /admin/security — failed sign-ins and users (administrators). */
function AdminSecurityRoute(): JSX.Element {
  return <RequireAuth>{(user) => <AdminSecurityPage user={user} />}</RequireAuth>;
}

/** /setup/users — the accounts (administrators). */
function UsersRoute(): JSX.Element {
  return <RequireAuth>{(user) => <UsersPage user={user} />}</RequireAuth>;
}

function ConsultantRoute(): JSX.Element {
  const params = useParams<{ projectId: string }>();
  return (
    <RequireAuth>
      {(user, token) => (
        // keyed: another project is a fresh store and a fresh room.
        <Show when={params.projectId} keyed>
          {(projectId) => <ConsultantPage projectId={projectId} user={user} token={token} />}
        </Show>
      )}
    </RequireAuth>
  );
}

/** /p/:projectId/customers (consultants) and /manager/:projectId/customers (managers). */
function CustomersRoute(props: { variant: 'consultant' | 'manager' }): JSX.Element {
  const params = useParams<{ projectId: string }>();
  return (
    <RequireAuth>
      {(user, token) => (
        <Show when={params.projectId} keyed>
          {(projectId) => <CustomersPage projectId={projectId} user={user} token={token} variant={props.variant} />}
        </Show>
      )}
    </RequireAuth>
  );
}

/** /p/:projectId/deals (consultants: their own) and /manager/:projectId/deals (managers: all + approvals). */
function DealsRoute(props: { variant: 'consultant' | 'manager' }): JSX.Element {
  const params = useParams<{ projectId: string }>();
  return (
    <RequireAuth>
      {(user, token) => (
        <Show when={params.projectId} keyed>
          {(projectId) => <DealsPage projectId={projectId} user={user} token={token} variant={props.variant} />}
        </Show>
      )}
    </RequireAuth>
  );
}

function ReportsRoute(): JSX.Element {
  const params = useParams<{ projectId: string }>();
  return (
    <RequireAuth>
      {(user) => (
        <Show when={params.projectId} keyed>
          {(projectId) => <ReportsPage projectId={projectId} user={user} />}
        </Show>
      )}
    </RequireAuth>
  );
}

function AuditLogRoute(): JSX.Element {
  const params = useParams<{ projectId: string }>();
  return (
    <RequireAuth>
      {(user) => (
        <Show when={params.projectId} keyed>
          {(projectId) => <AuditLogPage projectId={projectId} user={user} />}
        </Show>
      )}
    </RequireAuth>
  );
}

/** /manager/:projectId/board — the wall board for a signed-in manager: unit timelines and the launch replay. */
function ManagerBoardRoute(): JSX.Element {
  const params = useParams<{ projectId: string }>();
  return (
    <RequireAuth>
      {(_, token) => (
        <Show when={params.projectId} keyed>
          {(projectId) => <BoardPage projectId={projectId} access={{ kind: 'manager', token }} />}
        </Show>
      )}
    </RequireAuth>
  );
}

/** /manager/:projectId/dashboard — the live sales dashboard (managers, finance, viewers). */
function DashboardRoute(): JSX.Element {
  const params = useParams<{ projectId: string }>();
  return (
    <RequireAuth>
      {(user, token) => (
        <Show when={params.projectId} keyed>
          {(projectId) => <DashboardPage projectId={projectId} user={user} token={token} />}
        </Show>
      )}
    </RequireAuth>
  );
}

function ManagerRoute(): JSX.Element {
  const params = useParams<{ projectId: string }>();
  return (
    <RequireAuth>
      {(user, token) => (
        <Show when={params.projectId} keyed>
          {(projectId) => <ManagerPage projectId={projectId} user={user} token={token} />}
        </Show>
      )}
    </RequireAuth>
  );
}

/** /manager/:projectId/prices — price book 价目表 and pricing terms (managers). */
function PricesRoute(): JSX.Element {
  const params = useParams<{ projectId: string }>();
  return (
    <RequireAuth>
      {(user, token) => (
        <Show when={params.projectId} keyed>
          {(projectId) => <PricesPage projectId={projectId} user={user} token={token} />}
        </Show>
      )}
    </RequireAuth>
  );
}

/** /manager/:projectId/import — units, areas and prices as XLSX / CSV (managers). */
function ImportRoute(): JSX.Element {
  const params = useParams<{ projectId: string }>();
  return (
    <RequireAuth>
      {(user) => (
        <Show when={params.projectId} keyed>
          {(projectId) => <ImportPage projectId={projectId} user={user} />}
        </Show>
      )}
    </RequireAuth>
  );
}

/** /manager/:projectId/agreement — the 认购书 terms and signing period (managers). */
function AgreementRoute(): JSX.Element {
  const params = useParams<{ projectId: string }>();
  return (
    <RequireAuth>
      {(user) => (
        <Show when={params.projectId} keyed>
          {(projectId) => <AgreementPage projectId={projectId} user={user} />}
        </Show>
      )}
    </RequireAuth>
  );
}

/** /setup — the projects to set up (managers, administrators). */
function SetupProjectsRoute(): JSX.Element {
  return <RequireAuth>{(user) => <SetupProjectsPage user={user} />}</RequireAuth>;
}

/** /setup/:projectId/:section? — a project's setup area; its sections are listed in pages/setup/sections.ts. */
function SetupRoute(): JSX.Element {
  const params = useParams<{ projectId: string; section?: string }>();
  return (
    <RequireAuth>
      {(user) => (
        <Show when={params.projectId} keyed>
          {(projectId) => <SetupLayout projectId={projectId} section={params.section} user={user} />}
        </Show>
      )}
    </RequireAuth>
  );
}

/** /pair/:code — a manager's phone approves a waiting screen (opened from the screen's QR code). */
function PairRoute(): JSX.Element {
  const params = useParams<{ code: string }>();
  return (
    <RequireAuth>
      {(user) => (
        <Show when={params.code} keyed>
          {(code) => <PairPage code={code} user={user} />}
        </Show>
      )}
    </RequireAuth>
  );
}

/** Public (no login): anyone with the link checks a lottery 摇号. */
function LotteryRoute(): JSX.Element {
  const params = useParams<{ drawId: string }>();
  return (
    <Show when={params.drawId} keyed>
      {(drawId) => <LotteryPage drawId={drawId} />}
    </Show>
  );
}

/** Public (no login): is a printed document authentic and current? Opened from its QR code. */
function VerifyRoute(): JSX.Element {
  const params = useParams<{ id: string }>();
  return (
    <Show when={params.id} keyed>
      {(id) => <VerifyPage id={id} />}
    </Show>
  );
}

/** Public (no login): a buyer's queue ticket, opened from the QR code printed on it. */
function BuyerRoute(): JSX.Element {
  const params = useParams<{ token: string }>();
  return (
    <Show when={params.token} keyed>
      {(token) => <BuyerPage token={token} />}
    </Show>
  );
}

export function App(): JSX.Element {
  return (
    <Router root={Shell}>
      <Route path="/login" component={LoginPage} />
      <Route path="/" component={ProjectsRoute} />
      <Route path="/account" component={AccountRoute} />
      <Route path="/admin/security" component={AdminSecurityRoute} />
      <Route path="/account/password" component={ChangePasswordPage} />
      <Route path="/setup/users" component={UsersRoute} />
      <Route path="/setup/first-run" component={FirstRunPage} />
      <Route path="/p/:projectId" component={ConsultantRoute} />
      <Route path="/manager/:projectId" component={ManagerRoute} />
      <Route path="/p/:projectId/customers" component={() => <CustomersRoute variant="consultant" />} />
      <Route path="/manager/:projectId/customers" component={() => <CustomersRoute variant="manager" />} />
      <Route path="/p/:projectId/deals" component={() => <DealsRoute variant="consultant" />} />
      <Route path="/manager/:projectId/deals" component={() => <DealsRoute variant="manager" />} />
      <Route path="/manager/:projectId/prices" component={PricesRoute} />
      <Route path="/manager/:projectId/import" component={ImportRoute} />
      <Route path="/manager/:projectId/agreement" component={AgreementRoute} />
      <Route path="/manager/:projectId/audit" component={AuditLogRoute} />
      <Route path="/manager/:projectId/reports" component={ReportsRoute} />
      <Route path="/manager/:projectId/board" component={ManagerBoardRoute} />
      <Route path="/manager/:projectId/dashboard" component={DashboardRoute} />
      <Route path="/pair/:code" component={PairRoute} />
      <Route path="/board" component={BoardRoute} />
      <Route path="/setup" component={SetupProjectsRoute} />
      <Route path="/setup/:projectId/:section?" component={SetupRoute} />
      <Route path="/board/:projectId" component={BoardRoute} />
      <Route path="/lottery/:drawId" component={LotteryRoute} />
      <Route path="/q/:token" component={BuyerRoute} />
      <Route path="/verify/:id" component={VerifyRoute} />
      <Route path="*404" component={NotFoundPage} />
    </Router>
  );
}
