import { spawn } from 'node:child_process';

/**
 * Tie a child service process to the life of this Node process.
 *
 * Two layers:
 *  1. a process 'exit' handler that signals the child (covers normal exits, process.exit(),
 *     uncaught exceptions);
 *  2. a tiny `sh` watchdog holding a pipe to us: when this process dies in ANY way (incl. SIGKILL,
 *     OOM kill) the pipe hits EOF and the watchdog signals the child. Node cannot set
 *     PR_SET_PDEATHSIG, this is the portable equivalent.
 *
 * Returns a `release()` to call once the child has been stopped normally.
 */
export function guardChildProcess(pid: number, signal: 'SIGTERM' | 'SIGINT' | 'SIGKILL' = 'SIGTERM'): () => void {
  let released = false;
  const onExit = (): void => {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  };
  process.once('exit', onExit);

  let watchdog: ReturnType<typeof spawn> | undefined;
  try {
    // `read` blocks until stdin reaches EOF (our death or release()); `exec` keeps it a single process.
    // After release() we close stdin *after* killing the watchdog, so it never signals a reused pid.
    watchdog = spawn('sh', ['-c', `read _unused; kill -${signal.replace('SIG', '')} ${pid} 2>/dev/null`], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true, // own process group: a Ctrl-C to our group must not fire it prematurely
    });
    watchdog.on('error', () => undefined);
    watchdog.stdin?.on('error', () => undefined);
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  } catch {
    watchdog = undefined; // no /bin/sh: the 'exit' handler still covers most cases
  }

  return () => {
    if (released) return;
    released = true;
    process.removeListener('exit', onExit);
    if (watchdog && watchdog.exitCode === null) {
      try {
        watchdog.kill('SIGKILL');
      } catch {
        /* ignore */
      }
    }
    watchdog?.stdin?.destroy();
  };
}

/** True when a process with this pid exists (EPERM counts as alive). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Wait until `pid` is gone, up to `timeoutMs`. Resolves true if it exited. */
export async function waitForPidExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isPidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isPidAlive(pid);
}
