/**
 * Read-only PostgreSQL access for the bench: the correctness verdict (never sold twice, acked
 * confirms are rows, mirror = database). Everything a run creates goes through the setup API
 * (setup-api.ts), never SQL.
 */
import pg from 'pg';

export async function withDb<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, statement_timeout: 60_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface DbState {
  /** unit id → stored status */
  statuses: Map<string, string>;
  activeSubscriptions: number;
  doubleSold: string[];
  /** SUBSCRIBED units without an ACTIVE subscription, and ACTIVE subscriptions on non-SUBSCRIBED units. */
  orphans: { unitsWithoutSubscription: number; subscriptionsWithoutUnit: number };
}

export async function readDbState(url: string, projectId: string): Promise<DbState> {
  return withDb(url, async (c) => {
    const units = await c.query<{ id: string; status: string }>(
      'SELECT id::text, status::text FROM units WHERE project_id = $1',
      [projectId],
    );
    const active = await c.query<{ n: string }>(
      "SELECT count(*) AS n FROM subscriptions WHERE project_id = $1 AND status = 'ACTIVE'",
      [projectId],
    );
    // A unit sold twice: more than one live (ACTIVE or CONTRACTED) subscription.
    const doubles = await c.query<{ unit_id: string }>(
      "SELECT unit_id::text FROM subscriptions WHERE status IN ('ACTIVE', 'CONTRACTED') GROUP BY unit_id HAVING count(*) > 1",
    );
    const noSub = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM units u WHERE u.project_id = $1 AND u.status = 'SUBSCRIBED'
         AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.unit_id = u.id AND s.status = 'ACTIVE')`,
      [projectId],
    );
    const noUnit = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM subscriptions s JOIN units u ON u.id = s.unit_id
        WHERE s.project_id = $1 AND s.status = 'ACTIVE' AND u.status <> 'SUBSCRIBED'`,
      [projectId],
    );
    return {
      statuses: new Map(units.rows.map((r) => [r.id, r.status])),
      activeSubscriptions: Number(active.rows[0]?.n ?? 0),
      doubleSold: doubles.rows.map((r) => r.unit_id),
      orphans: {
        unitsWithoutSubscription: Number(noSub.rows[0]?.n ?? 0),
        subscriptionsWithoutUnit: Number(noUnit.rows[0]?.n ?? 0),
      },
    };
  });
}

/**
 * PostgreSQL's cumulative write counters (database-wide; read twice, around a window): how much
 * work a confirm costs the database — transactions, WAL records and bytes, full-page images, WAL
 * flushes (fsync: a lower count than commits is group commit at work) and rows written. The
 * statistics are flushed by each backend at most once a second, so a window's delta is exact only
 * to about a second of traffic.
 */
export interface WriteCounters {
  commits: number;
  walRecords: number;
  walBytes: number;
  walFullPageImages: number;
  /** pg_stat_io's WAL fsyncs (PostgreSQL ≥ 18; null before). */
  walFsyncs: number | null;
  /** Rows inserted / updated per table of the selling path. */
  rows: Record<string, { inserted: number; updated: number }>;
}

/** The tables a sale writes. */
const SALE_TABLES = ['units', 'subscriptions', 'audit_events'];

export async function readWriteCounters(url: string): Promise<WriteCounters> {
  return withDb(url, async (c) => {
    const db = await c.query<{ commits: string }>(
      'SELECT xact_commit::text AS commits FROM pg_stat_database WHERE datname = current_database()',
    );
    const wal = await c.query<{ records: string; bytes: string; fpi: string }>(
      'SELECT wal_records::text AS records, wal_bytes::text AS bytes, wal_fpi::text AS fpi FROM pg_stat_wal',
    );
    const fsyncs = await c
      .query<{ n: string | null }>("SELECT sum(fsyncs)::text AS n FROM pg_stat_io WHERE object = 'wal'")
      .then((r) => (r.rows[0]?.n == null ? null : Number(r.rows[0].n)))
      .catch(() => null);
    const tables = await c.query<{ relname: string; ins: string; upd: string }>(
      'SELECT relname, n_tup_ins::text AS ins, n_tup_upd::text AS upd FROM pg_stat_user_tables WHERE relname = ANY($1)',
      [SALE_TABLES],
    );
    return {
      commits: Number(db.rows[0]?.commits ?? 0),
      walRecords: Number(wal.rows[0]?.records ?? 0),
      walBytes: Number(wal.rows[0]?.bytes ?? 0),
      walFullPageImages: Number(wal.rows[0]?.fpi ?? 0),
      walFsyncs: fsyncs,
      rows: Object.fromEntries(
        tables.rows.map((t) => [t.relname, { inserted: Number(t.ins), updated: Number(t.upd) }]),
      ),
    };
  });
}

/** `after − before`, counter by counter. */
export function writeCountersDelta(before: WriteCounters, after: WriteCounters): WriteCounters {
  const rows: WriteCounters['rows'] = {};
  for (const [table, a] of Object.entries(after.rows)) {
    const b = before.rows[table] ?? { inserted: 0, updated: 0 };
    rows[table] = { inserted: a.inserted - b.inserted, updated: a.updated - b.updated };
  }
  return {
    commits: after.commits - before.commits,
    walRecords: after.walRecords - before.walRecords,
    walBytes: after.walBytes - before.walBytes,
    walFullPageImages: after.walFullPageImages - before.walFullPageImages,
    walFsyncs: after.walFsyncs === null || before.walFsyncs === null ? null : after.walFsyncs - before.walFsyncs,
    rows,
  };
}
