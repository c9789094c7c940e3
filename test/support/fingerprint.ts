/**
 * "Nothing changed": a digest of every table of a test server's database (the audit log included,
 * after the batched audit writer has flushed) and of every Redis key under its prefix (locks,
 * counters, the mirror and its change log). Two equal fingerprints mean no refused request wrote
 * anything anywhere.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestServer } from './app.js';

export type Fingerprint = Record<string, string>;

export interface Fingerprinter {
  take(): Promise<Fingerprint>;
  close(): Promise<void>;
}

/** Keys that come and go on their own (BullMQ's stalled-job check, loop heartbeats): left out. */
const VOLATILE = /(heartbeat|watchdog|alive|lease|leader|stalled-check|metrics)/i;

/**
 * Columns written in the background, not by a request: a session's "last used" time is flushed in
 * batches every 30 s (session-service.ts), whatever the request in between was; an audit event's seal
 * is set by the sealer within a second of its commit (audit-chain/sealer.ts) — the event itself counts.
 */
const VOLATILE_COLUMNS: Record<string, string[]> = {
  sessions: ['last_used_at'],
  audit_events: ['chain_seq', 'chain_hash', 'chain_prev_id', 'sealed_at'],
};

/** The row as text, without its volatile columns. */
function rowText(table: string): string {
  const drop = VOLATILE_COLUMNS[table];
  return drop ? `(to_jsonb(x) - ${drop.map((c) => `'${c}'`).join(' - ')})::text` : 'x::text';
}

export async function fingerprinter(server: TestServer): Promise<Fingerprinter> {
  const client = new pg.Client({ connectionString: server.databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  const tables = (
    await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY 1`,
    )
  ).rows.map((r) => r.name);
  const sql = tables
    .map(
      (t) =>
        `SELECT '${t}' AS t, count(*)::text || ':' || coalesce(md5(string_agg(${rowText(t)}, '|' ORDER BY ${rowText(t)})), '') AS h FROM "${t}" x`,
    )
    .join(' UNION ALL ');
  const redis = new Redis(server.config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const prefix = server.config.redisPrefix;

  async function redisDigest(): Promise<Fingerprint> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const out: Fingerprint = {};
    for (const key of keys.sort()) {
      if (VOLATILE.test(key)) continue;
      const type = await redis.type(key);
      let value: unknown = null;
      if (type === 'string') value = await redis.getBuffer(key).then((b) => b?.toString('base64'));
      else if (type === 'hash') value = Object.entries(await redis.hgetall(key)).sort();
      else if (type === 'set') value = (await redis.smembers(key)).sort();
      else if (type === 'zset') value = await redis.zrange(key, '0', '-1', 'WITHSCORES');
      else if (type === 'list') value = await redis.lrange(key, 0, -1);
      else if (type === 'stream')
        value = [await redis.xlen(key), (await redis.xrevrange(key, '+', '-', 'COUNT', '1'))[0]?.[0]];
      out[`redis:${key.slice(prefix.length)}`] = createHash('sha256')
        .update(`${type}:${JSON.stringify(value)}`)
        .digest('hex')
        .slice(0, 16);
    }
    return out;
  }

  return {
    async take() {
      await server.kaipan.services.audit.flush();
      const rows = (await client.query<{ t: string; h: string }>(sql)).rows;
      const db = Object.fromEntries(rows.map((r) => [`db:${r.t}`, r.h]));
      return { ...db, ...(await redisDigest()) };
    },
    async close() {
      redis.disconnect();
      await client.end();
    },
  };
}
