/**
 * Whether the server can take numbers and payments now: its PostgreSQL and Redis as GET
 * /api/health reports them (the kiosk and cashier talk HTTP; the hub's `system:status` is for the
 * live screens). Polled every 5 s, every second while something is down, so the banner clears by
 * itself within a second of recovery. A network failure is not a server fault: the offline banner
 * covers it, and the last known state is kept.
 */
import { createRoot, createSignal } from 'solid-js';
import { SYSTEM_UP, sellingBlockedBy, type Dependency, type HealthResponse, type SystemStatus } from '@kaipan/shared';

const UP_POLL_MS = 5_000;
const DOWN_POLL_MS = 1_000;

const store = createRoot(() => {
  const [status, setStatus] = createSignal<SystemStatus>(SYSTEM_UP);
  let started = false;
  const poll = async (): Promise<void> => {
    try {
      const res = await fetch('/api/health', { cache: 'no-store' });
      const body = (await res.json()) as Partial<HealthResponse>;
      if ((body.postgres === 'up' || body.postgres === 'down') && (body.redis === 'up' || body.redis === 'down')) {
        setStatus({ postgres: body.postgres, redis: body.redis });
      }
    } catch {
      // Unreachable: the network (OfflineBanner), not a server fault.
    }
    setTimeout(() => void poll(), sellingBlockedBy(status()) ? DOWN_POLL_MS : UP_POLL_MS);
  };
  return {
    status,
    start(): void {
      if (started || typeof window === 'undefined') return;
      started = true;
      void poll();
    },
  };
});

/** The server's dependency that is down now (numbers and payments paused until it is back), or null. */
export function systemBlockedBy(): Dependency | null {
  store.start();
  return sellingBlockedBy(store.status());
}
