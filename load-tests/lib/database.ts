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
