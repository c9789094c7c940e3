/**
 * `npm run build [-- client|kiosk] [--logLevel warn]`: build the web apps with Vite — the client
 * (consultants, managers, wall board → client/dist) and the kiosk (queue kiosk and calling screen →
 * kiosk/dist). Both by default; the server serves whichever is built.
 */
import { build, type LogLevel } from 'vite';

const APPS = { client: 'client/vite.config.ts', kiosk: 'kiosk/vite.config.ts' } as const;
type AppName = keyof typeof APPS;
const LOG_LEVELS: readonly LogLevel[] = ['info', 'warn', 'error', 'silent'];

function parseArgs(args: string[]): { apps: AppName[]; logLevel: LogLevel | undefined } {
  const apps: AppName[] = [];
  let logLevel: LogLevel | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--logLevel' || arg === '-l') {
      const value = args[(i += 1)];
      if (!LOG_LEVELS.includes(value as LogLevel))
        throw new Error(`--logLevel: expected one of ${LOG_LEVELS.join(', ')}, got ${value}`);
      logLevel = value as LogLevel;
    } else if (arg in APPS) {
      apps.push(arg as AppName);
    } else {
      throw new Error(`unknown argument ${arg} (expected ${Object.keys(APPS).join(' | ')} or --logLevel <level>)`);
    }
  }
  return { apps: apps.length > 0 ? apps : (Object.keys(APPS) as AppName[]), logLevel };
}

const { apps, logLevel } = parseArgs(process.argv.slice(2));
for (const name of apps) {
  await build({ configFile: APPS[name], logLevel });
}
