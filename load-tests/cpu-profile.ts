/**
 * Summarise a V8 CPU profile: `npm run bench:profile -- <file.cpuprofile | dir> [--from-us N] [--to-us N] [--top N]`.
 * (The bench does this itself when run with --cpu-prof; this is for profiles taken by hand.)
 */
import { statSync } from 'node:fs';
import {
  loadProfile,
  newestProfile,
  profileMarkdown,
  stretchesMarkdown,
  summarizeProfile,
  summarizeStretches,
} from './lib/cpuprofile.js';

const args = process.argv.slice(2);
const target = args.find((a) => !a.startsWith('--'));
const opt = (name: string): number | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : undefined;
};
if (!target) {
  console.error(
    'usage: npm run bench:profile -- <file.cpuprofile | dir> [--from-us N] [--to-us N] [--top N] [--stretches MS]',
  );
  process.exit(2);
}
const file = statSync(target).isDirectory() ? newestProfile(target) : target;
if (!file) {
  console.error(`no .cpuprofile in ${target}`);
  process.exit(1);
}
console.log(`# ${file}\n`);
const profile = loadProfile(file);
const window = { fromUs: opt('from-us'), toUs: opt('to-us'), top: opt('top') ?? 25 };
console.log(profileMarkdown(summarizeProfile(profile, window)));
const stretchesMs = opt('stretches');
if (stretchesMs !== undefined)
  console.log(`\n${stretchesMarkdown(summarizeStretches(profile, { ...window, minMs: stretchesMs }))}`);
