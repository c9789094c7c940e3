/**
 * Programs Kaipan runs that come from the operating system, not npm: redis-server for `npm start`,
 * and for the test suite chromium (browser tests) and poppler-utils (pdftotext/pdfinfo/pdftoppm read
 * the PDFs back). The README's two commands are all the set-up there is: on a Debian/Ubuntu machine
 * where we are root, a missing program is installed with apt-get; anywhere else the caller gets a
 * message saying exactly what to install.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** A command and the Debian package that provides it. */
export interface SystemProgram {
  command: string;
  /** Debian/Ubuntu package name. */
  debian: string;
  /** How to get it elsewhere (shown when it cannot be installed here). */
  otherwise?: string;
}

/** Absolute path of `command` on PATH (plus the sbin/bin dirs non-root PATHs often lack), or null. */
export function findProgram(command: string): string | null {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const extra of ['/usr/local/bin', '/usr/bin', '/usr/sbin', '/usr/local/sbin', '/opt/homebrew/bin']) {
    if (!dirs.includes(extra)) dirs.push(extra);
  }
  for (const dir of dirs) {
    const candidate = path.join(dir, command);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** True when apt-get can install here: root on a machine that has apt-get. */
export function canAptInstall(): boolean {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
}

function apt(args: string[]): boolean {
  const res = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
    // stdout would interleave with a test reporter's output; apt's errors still show.
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return res.status === 0;
}

/** The install command to tell a person who is not root. */
export function installHint(programs: readonly SystemProgram[]): string {
  const debian = [...new Set(programs.map((p) => p.debian))].join(' ');
  const other = programs.filter((p) => p.otherwise).map((p) => `${p.command}: ${p.otherwise}`);
  return `Debian/Ubuntu: sudo apt-get install -y --no-install-recommends ${debian}${other.length ? `; ${other.join('; ')}` : ''}`;
}

// biome-ignore lint/suspicious/noConsole: called by the launcher and the test setup, before any logger exists.
const warnOnTerminal = (line: string): void => console.warn(line);

/**
 * Make sure every program is on PATH. The missing ones are installed with one apt-get call when we
 * are root on an apt system (`apt-get update` first only if the package lists are too old to know
 * them). Returns the programs still missing (empty: all there); never throws for a missing program,
 * so the caller decides whether that is fatal (`npm start` without redis-server is; a test run
 * without chromium fails its browser tests, loudly).
 * @param log where progress goes (one line before a long install).
 */
export function ensurePrograms(
  programs: readonly SystemProgram[],
  log: (line: string) => void = warnOnTerminal,
): SystemProgram[] {
  const missing = programs.filter((p) => !findProgram(p.command));
  if (missing.length === 0 || !canAptInstall()) return missing;
  const packages = [...new Set(missing.map((p) => p.debian))];
  log(
    `[kaipan] installing ${packages.join(', ')} with apt-get (missing: ${missing.map((p) => p.command).join(', ')}; running as root)…`,
  );
  const install = ['install', '-y', '-q', '--no-install-recommends', ...packages];
  if (!apt(install)) {
    apt(['update', '-q']);
    apt(install);
  }
  return programs.filter((p) => !findProgram(p.command));
}
