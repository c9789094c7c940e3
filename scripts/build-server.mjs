/**
 * The server build: TypeScript sources → plain JavaScript in `dist/`, which is what production runs
 * (`npm start` = this script with `--if-stale`, then `node dist/scripts/start.js`). No TypeScript
 * compiler or loader is ever part of a serving process.
 *
 *   node scripts/build-server.mjs              build now
 *   node scripts/build-server.mjs --if-stale   build only when the sources changed since the last build
 *   node scripts/build-server.mjs --watch [-- <start args>]   development: build, run, rebuild + restart on change
 *
 * Plain JavaScript (not TypeScript) so `npm start` needs no loader to decide whether to build.
 *
 * Why esbuild, one output file per source file (not a bundle, not `tsc`):
 * - `tsc` cannot rewrite the `@kaipan/shared` path alias (tsconfig `paths`), and emitting through it
 *   type-checks the whole repository first (minutes on a shared 2-core machine); esbuild strips
 *   types in ~1 s and is already installed (tsx and Vite run on it).
 * - A bundle would move every module into one file, so each `new URL('./lua/…', import.meta.url)`
 *   (Lua and SQL scripts, the render thread, the API docs page) would point elsewhere. One output per
 *   source keeps the source tree's layout, so those paths hold, and a stack trace names the file.
 * Imports stay imports (packages load from node_modules); `@kaipan/shared` becomes a relative path.
 *
 * Layout: `dist/<same path as the source>.js` for server/src, shared/src, scripts/start.ts and
 * scripts/db.ts (the launcher runs `db.js migrate|seed` in child processes); every non-TypeScript
 * file beside those sources (.lua, .sql, .mjs, api-docs/*; not READMEs or tests) is copied to the
 * same relative place; prisma/schema.prisma and prisma/migrations are copied to dist/prisma (the
 * migrator finds them relative to its own file). dist/ is never committed (.gitignore).
 *
 * Staleness (`--if-stale`): a fingerprint of every input's path, size and modification time (plus
 * this script's and esbuild's version) is kept in dist/build-stamp.json; a different fingerprint —
 * a file edited, added or removed, `prisma generate` run — means build. ~1,000 stat calls: a few ms.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/[\\/]$/, '');
export const DIST = join(ROOT, 'dist');
const STAMP = 'build-stamp.json';

/** Source trees compiled file by file; their non-TypeScript files are copied. */
const SOURCE_DIRS = ['server/src', 'shared/src'];
/** Single scripts the launcher runs. */
const SCRIPT_ENTRIES = ['scripts/start.ts', 'scripts/db.ts'];
/** Copied as they are (the migrator reads them relative to server/src/infra/migrate). */
const PRISMA_FILES = ['prisma/schema.prisma', 'prisma/migrations'];

const isTest = (file) => /\.test\.tsx?$/.test(file) || file.includes(`${sep}__tests__${sep}`);
const isTypeScript = (file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts');
const isDoc = (file) => file.endsWith('.md');

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** What the build reads: the compiled sources, the copied files, and the build itself. */
export function buildInputs() {
  const sources = [];
  const assets = [];
  for (const dir of SOURCE_DIRS) {
    for (const file of walk(join(ROOT, dir))) {
      if (isTest(file) || isDoc(file) || file.endsWith('.d.ts')) continue;
      (isTypeScript(file) ? sources : assets).push(file);
    }
  }
  for (const entry of SCRIPT_ENTRIES) sources.push(join(ROOT, entry));
  const prisma = PRISMA_FILES.flatMap((p) => {
    const path = join(ROOT, p);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
  return { sources, assets, prisma };
}

async function esbuildVersion() {
  const { version } = await import('esbuild');
  return version;
}

/** The fingerprint of the inputs (see the header): equal fingerprints, equal builds. */
export async function fingerprint(inputs = buildInputs()) {
  const hash = createHash('sha256');
  hash.update(`esbuild ${await esbuildVersion()}\n`);
  const self = fileURLToPath(import.meta.url);
  for (const file of [self, ...inputs.sources, ...inputs.assets, ...inputs.prisma].sort()) {
    const s = statSync(file);
    hash.update(`${relative(ROOT, file)} ${s.size} ${s.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

function readStamp(dir = DIST) {
  try {
    return JSON.parse(readFileSync(join(dir, STAMP), 'utf8'));
  } catch {
    return null;
  }
}

/** True when dist/ is missing or was built from other sources than those on disk now. */
export async function isStale() {
  const stamp = readStamp();
  return !stamp || !existsSync(join(DIST, 'scripts', 'start.js')) || stamp.fingerprint !== (await fingerprint());
}

/**
 * `@kaipan/shared` → a relative path to dist/shared/src/index.js; a relative import without an
 * extension (Prisma's generated client writes `./internal/class`) gets the `.js` its source becomes;
 * everything else stays an import as written (our relative imports already name the `.js`; packages
 * stay packages).
 */
const keepImports = {
  name: 'keep-imports',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (args.path === '@kaipan/shared' || args.path.startsWith('@kaipan/shared/')) {
        const target = join(ROOT, 'shared/src', args.path.slice('@kaipan/shared'.length) || 'index.js');
        let path = relative(dirname(args.importer), target).split(sep).join('/');
        if (!path.startsWith('.')) path = `./${path}`;
        return { path, external: true };
      }
      if (args.path.startsWith('.') && !/\.[cm]?js$|\.json$/.test(args.path)) {
        const base = join(args.resolveDir, args.path);
        if (existsSync(`${base}.ts`)) return { path: `${args.path}.js`, external: true };
        if (existsSync(join(base, 'index.ts'))) return { path: `${args.path}/index.js`, external: true };
      }
      return { path: args.path, external: true };
    });
  },
};

/**
 * Build into a fresh directory beside dist/ and swap it in, so a half-written build is never run
 * and two builds at once (parallel test workers) leave one complete dist/.
 */
export async function buildServer({ log = console.log } = {}) {
  const esbuild = await import('esbuild');
  const started = Date.now();
  const inputs = buildInputs();
  const print = await fingerprint(inputs);
  const out = `${DIST}.tmp-${process.pid}-${Date.now()}`;
  try {
    await esbuild.build({
      entryPoints: inputs.sources,
      outbase: ROOT,
      outdir: out,
      bundle: true, // only so the plugin above sees (and rewrites) every import; each stays external
      plugins: [keepImports],
      platform: 'node',
      format: 'esm',
      target: 'node20.19',
      sourcemap: 'linked',
      logLevel: 'warning',
      tsconfig: join(ROOT, 'tsconfig.json'),
    });
    for (const file of [...inputs.assets, ...inputs.prisma]) {
      const target = join(out, relative(ROOT, file));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(file, target);
    }
    writeFileSync(join(out, STAMP), `${JSON.stringify({ fingerprint: print, builtAt: new Date().toISOString() })}\n`);
    const old = `${DIST}.old-${process.pid}-${Date.now()}`;
    if (existsSync(DIST)) renameSync(DIST, old);
    try {
      renameSync(out, DIST);
    } catch (error) {
      // Another build swapped its dist/ in between: keep it if it is of the same sources.
      if (readStamp()?.fingerprint !== print) throw error;
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  log(
    `[kaipan] server built: ${inputs.sources.length} modules, ${inputs.assets.length + inputs.prisma.length} files copied → dist/ (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}

/** Build when stale; returns whether it built. */
export async function ensureServerBuilt(opts) {
  if (!(await isStale())) return false;
  await buildServer(opts);
  return true;
}

/**
 * Development: build, run `node dist/scripts/start.js <args>`, and on every change of the inputs
 * (checked twice a second) rebuild and restart it — Ctrl-C as the launcher expects it (SIGINT), so
 * it stops its PostgreSQL and redis-server before the next one starts. A failed build keeps the
 * running server and waits for the next change.
 */
async function watch(args) {
  await ensureServerBuilt();
  let child = null;
  let stopping = false;
  const start = () => {
    child = spawn(process.execPath, [join(DIST, 'scripts', 'start.js'), ...args], { stdio: 'inherit' });
    const me = child;
    me.once('exit', (code, signal) => {
      if (child === me) child = null;
      if (stopping) process.exit(code ?? 0);
      if (child === null) console.log(`[kaipan] server exited (${signal ?? code}); waiting for a change`);
    });
  };
  const stop = () =>
    new Promise((resolve) => {
      if (!child) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGINT');
    });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      stopping = true;
      if (!child) process.exit(0);
      child.kill(signal);
    });
  }
  start();
  let last = await fingerprint();
  let busy = false;
  setInterval(async () => {
    if (busy || stopping) return;
    busy = true;
    try {
      const now = await fingerprint();
      if (now === last) return;
      last = now;
      console.log('[kaipan] sources changed: rebuilding');
      try {
        await buildServer();
      } catch (error) {
        console.error(`[kaipan] build failed; the running server is kept\n${error.message ?? error}`);
        return;
      }
      await stop();
      if (!stopping) start();
    } finally {
      busy = false;
    }
  }, 500);
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  try {
    if (args[0] === '--watch') await watch(args.slice(args[1] === '--' ? 2 : 1));
    else if (args[0] === '--if-stale') await ensureServerBuilt();
    else if (args.length === 0) await buildServer();
    else {
      console.error('usage: node scripts/build-server.mjs [--if-stale | --watch [-- <start args>]]');
      process.exit(2);
    }
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}
