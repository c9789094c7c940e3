/**
 * `npm run bench:heap -- <file.heapsnapshot> [--top N] [--paths N]`: what holds the memory of a V8
 * heap snapshot, as Markdown tables. Re-runnable on any snapshot the server wrote
 * (`node --heapsnapshot-signal=SIGUSR2`, see load-tests/README.md "Heap snapshots").
 */
import { readFileSync } from 'node:fs';
import { analyseHeapSnapshot, formatHeapReport } from './lib/heap-snapshot.js';

function main(): void {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('usage: npm run bench:heap -- <file.heapsnapshot> [--top N] [--paths N]');
    process.exit(2);
  }
  const flag = (name: string, fallback: number): number => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const analysis = analyseHeapSnapshot(JSON.parse(readFileSync(file, 'utf8')), flag('--top', 25));
  console.log(formatHeapReport(file, analysis, flag('--paths', 15)));
}

main();
