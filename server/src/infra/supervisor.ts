/**
 * Keeps a service process that the launcher started (redis-server, embedded PostgreSQL) alive: when
 * it fails (killed by a signal: crash, OOM kill, `kill -9`; or a non-zero exit code), it is started
 * again with the same options (same port, same data directory) after a backoff: at once the first time, then 250 ms doubling to 10 s
 * while it keeps dying; a process that lived 30 s resets the backoff. Failed starts are retried on
 * the same schedule until it is up or we stop. A clean exit (code 0: both servers exit so when asked
 * to stop, e.g. by the Ctrl-C that a terminal sends to the whole process group) is not a failure.
 */

export interface SupervisedProcess {
  pid: number;
  /** Resolves when the process has exited: "signal SIGKILL", "code 1", or "code 0" (a clean stop). */
  exited: Promise<string>;
  /** Stop it on purpose (not restarted). */
  stop(): Promise<void>;
}

export interface Supervisor<H extends SupervisedProcess> {
  /** The process running now (the latest one started). */
  current(): H;
  /** How many times it was restarted. */
  restarts(): number;
  /** Stop supervising and stop the process; waits for a restart in progress. */
  stop(): Promise<void>;
}

export interface SuperviseOptions<H> {
  /** Progress lines ("died", "restarted in … ms", failed attempts). */
  log: (line: string) => void;
  /**
   * False once the owner is shutting down: a process that exits then is not restarted (Ctrl-C in a
   * terminal signals the whole process group, so the service may exit before `stop()` is called).
   */
  active?: () => boolean;
  /** Called with each replacement once it is up. */
  onRestart?: (handle: H, downMs: number) => void;
  firstDelayMs?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** A process that lived this long resets the backoff, ms. */
  stableMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Start `start()` now and restart it whenever it exits until `stop()`. Rejects if the first start fails. */
export async function supervise<H extends SupervisedProcess>(
  name: string,
  start: () => Promise<H>,
  opts: SuperviseOptions<H>,
): Promise<Supervisor<H>> {
  const firstDelay = opts.firstDelayMs ?? 0;
  const minDelay = opts.minDelayMs ?? 250;
  const maxDelay = opts.maxDelayMs ?? 10_000;
  const stableMs = opts.stableMs ?? 30_000;

  let handle = await start();
  let startedAt = Date.now();
  let restarts = 0;
  let failures = 0;
  let stopping = false;
  let restarting: Promise<void> | null = null;

  const delayFor = (attempt: number): number =>
    attempt === 0 ? firstDelay : Math.min(maxDelay, minDelay * 2 ** (attempt - 1));

  const active = (): boolean => !stopping && (opts.active?.() ?? true);

  const restart = async (reason: string): Promise<void> => {
    const diedAt = Date.now();
    if (diedAt - startedAt >= stableMs) failures = 0;
    opts.log(`${name} (pid ${handle.pid}) exited (${reason}); restarting`);
    for (;;) {
      const delay = delayFor(failures);
      failures += 1;
      if (delay > 0) await sleep(delay);
      if (!active()) return;
      try {
        handle = await start();
      } catch (error) {
        opts.log(
          `${name} restart failed (${(error as Error).message.split('\n')[0]}); next attempt in ${delayFor(failures)} ms`,
        );
        continue;
      }
      startedAt = Date.now();
      restarts += 1;
      const downMs = startedAt - diedAt;
      opts.log(`${name} is back (pid ${handle.pid}), ${downMs} ms after it exited`);
      opts.onRestart?.(handle, downMs);
      watch(handle);
      return;
    }
  };

  const watch = (h: H): void => {
    void h.exited.then((reason) => {
      if (!active() || h !== handle) return;
      if (reason === 'code 0') {
        opts.log(`${name} (pid ${h.pid}) stopped cleanly (exit code 0); not restarting it`);
        return;
      }
      restarting = restart(reason).finally(() => {
        restarting = null;
      });
    });
  };
  watch(handle);

  return {
    current: () => handle,
    restarts: () => restarts,
    async stop() {
      stopping = true;
      await restarting;
      await handle.stop();
    },
  };
}
