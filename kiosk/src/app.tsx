/**
 * Kiosk routes: /queue take a number (touch kiosk), /queue/screen the calling screen (hall TV),
 * /queue/setup this device's key and mode. Every route needs the device key: without one the
 * pairing screen shows (a QR code a manager scans with their phone, @kaipan/web/pairing; "type a
 * key" leads to the setup screen), and after a manager revoked the key it says so and pairs again;
 * a key refused otherwise opens the setup screen. /cashier (desk) and /cashier/day-end are the
 * cashier 收银台: a person signs in there instead (pages/cashier.tsx).
 */
import { Match, Switch, createEffect, lazy, onCleanup, type JSX } from 'solid-js';
import { A, Navigate, Route, Router, useNavigate } from '@solidjs/router';
import { PairingScreen } from '@kaipan/web/pairing/pairing-screen';
import { ApiError, createKioskApi } from './lib/api';
import type { KioskDevice } from './lib/kiosk-device';
import { createLoader } from './lib/loader';
import { deviceKey, forgetRevokedKey, revoked, setDeviceKey, setRevoked } from './lib/device';
import { describeError, t } from './lib/i18n';
import { ErrorState, LoadingState, OfflineBanner } from './components/ui';
import SetupPage from './pages/setup';
import TakePage from './pages/take';
import ScreenPage from './pages/screen';

// The cashier is its own chunk (and stylesheet): the queue kiosk never loads it.
const CashierFrame = lazy(() => import('./pages/cashier'));
const CashierDeskPage = lazy(() => import('./pages/cashier-desk'));
const CashierDayEndPage = lazy(() => import('./pages/cashier-day-end'));

/** Automatic retry of a failed start (nobody may be there to press the button). */
const START_RETRY_MS = 10_000;
const KEY_REFUSED = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'INVALID_CREDENTIALS']);

/** Load the device's project with its key; hand the ready device to the page. */
function WithDevice(props: { mode: 'kiosk' | 'screen'; children: (device: KioskDevice) => JSX.Element }): JSX.Element {
  const navigate = useNavigate();
  const device = createLoader(deviceKey, async (key): Promise<KioskDevice> => {
    const api = createKioskApi(key);
    const projects = await api.projects();
    const project = projects[0];
    if (!project) throw new ApiError('NOT_FOUND', 'This device has no project.');
    return { deviceKey: key, api, project };
  });
  const refused = (): boolean => {
    const err = device.error();
    return err !== null && KEY_REFUSED.has(err.code);
  };
  // A manager removed this device: forget the key, say so, pair again.
  createEffect(() => {
    if (device.error()?.code === 'DEVICE_REVOKED') forgetRevokedKey();
  });
  createEffect(() => {
    if (!device.error() || refused()) return;
    const timer = setTimeout(() => void device.reload(), START_RETRY_MS);
    onCleanup(() => clearTimeout(timer));
  });
  return (
    <Switch>
      <Match when={!deviceKey()}>
        <PairingScreen
          kind={props.mode === 'screen' ? 'CALLING' : 'KIOSK'}
          revoked={revoked()}
          onPaired={(paired) => {
            setRevoked(false);
            setDeviceKey(paired.key);
            const mode = paired.kind === 'CALLING' ? 'screen' : 'kiosk';
            if (mode !== props.mode) navigate(mode === 'screen' ? '/queue/screen' : '/queue', { replace: true });
          }}
        >
          <p>
            <A href="/queue/setup">{t('setup.typeKey')}</A>
          </p>
        </PairingScreen>
      </Match>
      <Match when={refused()}>
        <SetupPage next={props.mode} problem={describeError(device.error())} />
      </Match>
      <Match when={device.data()} keyed>
        {(d) => props.children(d)}
      </Match>
      <Match when={device.error()}>
        <div class="k-page k-page--center">
          <OfflineBanner />
          <ErrorState
            title={t('app.title')}
            message={describeError(device.error())}
            onRetry={() => void device.reload()}
          />
        </div>
      </Match>
      <Match when={true}>
        <div class="k-page k-page--center">
          <LoadingState />
        </div>
      </Match>
    </Switch>
  );
}

export function App(): JSX.Element {
  return (
    <Router>
      <Route path="/queue" component={() => <WithDevice mode="kiosk">{(d) => <TakePage device={d} />}</WithDevice>} />
      <Route
        path="/queue/screen"
        component={() => <WithDevice mode="screen">{(d) => <ScreenPage device={d} />}</WithDevice>}
      />
      <Route path="/queue/setup" component={() => <SetupPage next="kiosk" />} />
      <Route path="/cashier" component={CashierFrame}>
        <Route path="/" component={CashierDeskPage} />
        <Route path="/day-end" component={CashierDayEndPage} />
        <Route path="*" component={() => <Navigate href="/cashier" />} />
      </Route>
      <Route path="*" component={() => <Navigate href="/queue" />} />
    </Router>
  );
}
