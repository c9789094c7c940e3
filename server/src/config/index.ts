/**
 * Configuration, validated once at start. Nothing else reads process.env.
 * Every bad variable is reported together; there are no weak secret fallbacks outside demo mode.
 */
import { z } from 'zod';
import type { FontOptions } from '../documents/fonts.js';
import { decodeDataKey, deriveDevDataKey } from '../domain/id-cipher.js';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** External PostgreSQL; when unset the launcher starts embedded PostgreSQL under KAIPAN_DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** External Redis; when unset the launcher starts a local redis-server under KAIPAN_DATA_DIR. */
  REDIS_URL: z.string().url().optional(),
  /** Where embedded services keep their data (default .kaipan/ in the working directory). */
  KAIPAN_DATA_DIR: z.string().default('.kaipan'),
  /** Demo mode: demo project and accounts are created, a generated secret is acceptable. */
  KAIPAN_DEMO: bool.default(true),
  /** HMAC secret for session tokens (≥ 32 chars). Required outside demo mode. */
  AUTH_SECRET: z.string().min(32).optional(),
  /**
   * AES-256-GCM key for customers' ID numbers at rest: 32 bytes, base64. Required outside demo mode;
   * in demo mode a development key is derived from the auth secret (with a loud warning).
   */
  CUSTOMER_DATA_KEY: z
    .string()
    .refine((v) => {
      try {
        decodeDataKey(v);
        return true;
      } catch {
        return false;
      }
    }, 'must be 32 bytes, base64 (e.g. `openssl rand -base64 32`)')
    .optional(),
  /** Session lifetime, hours. */
  SESSION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /** Prefix of every Redis key (lets several deployments or tests share one Redis). */
  REDIS_PREFIX: z.string().min(1).max(40).default('kp:'),
  PG_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  /** Longest any SQL statement may run, ms (a confirm must finish well inside its lock's grace). */
  PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(8_000),
  /**
   * Trust X-Forwarded-For from these proxies (comma-separated IPs/CIDRs, or 'true' for any — only
   * behind a load balancer that overwrites the header). Default: none; the socket peer is the client.
   */
  TRUST_PROXY: z.string().default(''),
  /** Minimum interval between two `units:changed` frames to one room, ms (frames/s cap). */
  FANOUT_INTERVAL_MS: z.coerce.number().int().min(0).max(5000).default(50),
  /**
   * Interval of the merged frames sent to consultants' phones, ms (boards and managers get every
   * FANOUT_INTERVAL_MS frame). 0 = same as boards.
   */
  GRID_FANOUT_INTERVAL_MS: z.coerce.number().int().min(0).max(5000).default(200),
  /**
   * Sockets one `units:changed` frame is written to per event-loop turn: a command waits behind at
   * most this many writes (~20 µs each), whatever the room's size.
   */
  FANOUT_SOCKETS_PER_TURN: z.coerce.number().int().min(1).max(10_000).default(16),
  /** How often lock expiries are swept and broadcast, ms. */
  LOCK_SWEEP_INTERVAL_MS: z.coerce.number().int().min(20).max(5000).default(200),
  /** Hub commands per socket per second (token bucket, burst ×2). */
  HUB_RATE_PER_SECOND: z.coerce.number().min(1).max(10_000).default(20),
  /**
   * Hub commands per user per second over all their sockets of one process (token bucket, burst ×2).
   * A consultant's phone and tablet send a few a second at most; the confirm-throughput bench ~6.
   */
  HUB_USER_RATE_PER_SECOND: z.coerce.number().min(1).max(10_000).default(40),
  /**
   * Open hub sockets per user per process; one more is refused with RATE_LIMITED. A phone, a tablet and
   * sockets of reconnects not yet timed out stay well below; the launch-storm bench opens 5 per user.
   */
  HUB_SOCKETS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Sign-in attempts per (username, source) per minute, right or wrong (failures also back off). */
  LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Built web client to serve; empty disables static serving. */
  CLIENT_DIST: z.string().default('client/dist'),
  /** Built kiosk app (queue kiosk at /queue, calling screen at /queue/screen); empty disables it. */
  KIOSK_DIST: z.string().default('kiosk/dist'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * What this process does: `all` (HTTP + hub + background jobs, the one-process default), `hub`
   * (HTTP + hub only, one of several behind a load balancer) or `worker` (background jobs only).
   */
  KAIPAN_ROLE: z.enum(['all', 'hub', 'worker']).default('all'),
  /**
   * Public base URL of the site (e.g. https://kaipan.example.com), printed in queue tickets' QR codes.
   * Unset: the origin of the request that took the number.
   */
  PUBLIC_URL: z.string().url().optional(),
  /** A CJK font file (.ttf/.otf/.ttc) documents prefer over the system and packaged fonts. */
  CJK_FONT: z.string().min(1).optional(),
  /**
   * Use an installed system CJK font (Noto Sans CJK, Source Han Sans …) when there is one (default).
   * 0: only CJK_FONT and the font shipped with Kaipan (Noto Sans Hans, npm) — the same output on
   * every machine; the tests use it to print without any system font.
   */
  KAIPAN_SYSTEM_FONTS: bool.default(true),
});

export type Env = z.infer<typeof envSchema>;

export interface AppConfig {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  databaseUrl: string;
  redisUrl: string;
  dataDir: string;
  demo: boolean;
  authSecret: string;
  /** 32-byte AES-256-GCM key for ID numbers at rest. */
  customerDataKey: Buffer;
  /** True when the key was derived from the auth secret (demo mode without CUSTOMER_DATA_KEY). */
  customerDataKeyDerived: boolean;
  sessionHours: number;
  redisPrefix: string;
  pgPoolSize: number;
  pgStatementTimeoutMs: number;
  trustProxy: boolean | string[];
  fanoutIntervalMs: number;
  gridFanoutIntervalMs: number;
  fanoutSocketsPerTurn: number;
  lockSweepIntervalMs: number;
  hubRatePerSecond: number;
  hubUserRatePerSecond: number;
  hubSocketsPerUser: number;
  loginRatePerMinute: number;
  clientDist: string;
  kioskDist: string;
  logLevel: Env['LOG_LEVEL'];
  role: Env['KAIPAN_ROLE'];
  /** Base URL for links printed on paper (no trailing slash); null = the request's origin. */
  publicUrl: string | null;
  /** The CJK fonts documents may be printed with (documents/fonts.ts). */
  fonts: FontOptions;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse the environment. Throws ConfigError listing every problem at once. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const env = result.data;
  const problems: string[] = [];
  if (!env.KAIPAN_DEMO && !env.AUTH_SECRET) problems.push('AUTH_SECRET: required (≥ 32 characters) when KAIPAN_DEMO=0');
  if (!env.KAIPAN_DEMO && !env.CUSTOMER_DATA_KEY)
    problems.push('CUSTOMER_DATA_KEY: required (32 bytes, base64) when KAIPAN_DEMO=0');
  if (problems.length > 0) throw new ConfigError(problems);
  return env;
}

/**
 * Build the app configuration once the service URLs are known (the launcher may have started
 * embedded services). `authSecret` must be supplied by the caller in demo mode when AUTH_SECRET is unset.
 */
export function buildConfig(
  env: Env,
  resolved: { databaseUrl: string; redisUrl: string; authSecret?: string },
): AppConfig {
  const authSecret = env.AUTH_SECRET ?? resolved.authSecret;
  if (!authSecret) throw new ConfigError(['AUTH_SECRET: missing']);
  // Demo mode only (parseEnv requires the key otherwise): derived from the auth secret, which the
  // launcher keeps under the data dir, so stored ID numbers stay readable across restarts.
  if (!env.CUSTOMER_DATA_KEY && !env.KAIPAN_DEMO) throw new ConfigError(['CUSTOMER_DATA_KEY: missing']);
  const customerDataKey = env.CUSTOMER_DATA_KEY ? decodeDataKey(env.CUSTOMER_DATA_KEY) : deriveDevDataKey(authSecret);
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    databaseUrl: resolved.databaseUrl,
    redisUrl: resolved.redisUrl,
    dataDir: env.KAIPAN_DATA_DIR,
    demo: env.KAIPAN_DEMO,
    authSecret,
    customerDataKey,
    customerDataKeyDerived: !env.CUSTOMER_DATA_KEY,
    sessionHours: env.SESSION_HOURS,
    redisPrefix: env.REDIS_PREFIX,
    pgPoolSize: env.PG_POOL_SIZE,
    pgStatementTimeoutMs: env.PG_STATEMENT_TIMEOUT_MS,
    trustProxy:
      env.TRUST_PROXY === 'true'
        ? true
        : env.TRUST_PROXY.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    fanoutIntervalMs: env.FANOUT_INTERVAL_MS,
    gridFanoutIntervalMs: env.GRID_FANOUT_INTERVAL_MS,
    fanoutSocketsPerTurn: env.FANOUT_SOCKETS_PER_TURN,
    lockSweepIntervalMs: env.LOCK_SWEEP_INTERVAL_MS,
    hubRatePerSecond: env.HUB_RATE_PER_SECOND,
    hubUserRatePerSecond: env.HUB_USER_RATE_PER_SECOND,
    hubSocketsPerUser: env.HUB_SOCKETS_PER_USER,
    loginRatePerMinute: env.LOGIN_RATE_PER_MINUTE,
    clientDist: env.CLIENT_DIST,
    kioskDist: env.KIOSK_DIST,
    logLevel: env.LOG_LEVEL,
    role: env.KAIPAN_ROLE,
    publicUrl: env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, '') : null,
    fonts: { override: env.CJK_FONT, system: env.KAIPAN_SYSTEM_FONTS },
  };
}
