/**
 * `npm run bench -- <scenario> [options]` — the Node load runner (for where k6 is not installed).
 * See load-tests/README.md. Exit code: 1 when the correctness verdict fails (or, with --strict,
 * a target is missed), 2 on a usage error.
 */
import { parseArgs, USAGE } from './lib/options.js';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
import { runBench } from './lib/runner.js';

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}

// A second Ctrl-C while cleaning up exits at once; the first lets runBench stop what it started.
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  console.error('[bench] interrupted — stopping (Ctrl-C again to exit now)');
});

try {
  const { result, jsonPath, mdPath } = await runBench(opts);
  console.log(`\n[bench] targets:`);
  for (const t of result.targets)
    console.log(`  ${t.met === null ? '·' : t.met ? '✔' : '✘'} ${t.name}: ${t.value} (wanted ${t.target})`);
  console.log(
    `[bench] verdict: ${result.verdict.ok ? 'consistent' : `PROBLEMS: ${result.verdict.problems.join('; ')}`}`,
  );
  console.log(`[bench] wrote ${jsonPath}\n[bench] wrote ${mdPath}`);
  const missed = result.targets.some((t) => t.met === false);
  process.exit(!result.verdict.ok ? 1 : opts.strict && missed ? 1 : 0);
} catch (error) {
  console.error('[bench] failed:', error);
  process.exit(1);
}
