/**
 * Direct PostgreSQL access for the bench: the correctness verdict (never sold twice, acked confirms
 * are rows, mirror = database) and, for long or fast runs, enlarging the demo project with extra
 * released units (the server must then be restarted so its mirror and catalog include them).
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

/** Units per generated load-test building: 30 floors × 20 units. */
const FLOORS = 30;
const PER_FLOOR = 20;

/**
 * Add at least `extra` AVAILABLE units to the project, in buildings LT01, LT02… of its first
 * released batch. Returns how many were added. Restart the server afterwards.
 */
export async function addLoadTestUnits(url: string, projectId: string, extra: number, analyze = true): Promise<number> {
  if (extra <= 0) return 0;
  return withDb(url, async (c) => {
    const batch = await c.query<{ id: string }>(
      "SELECT id::text FROM batches WHERE project_id = $1 AND status = 'RELEASED' ORDER BY created_at LIMIT 1",
      [projectId],
    );
    const batchId = batch.rows[0]?.id;
    if (!batchId) throw new Error('the project has no released batch');
    const existing = await c.query<{ n: string }>(
      "SELECT count(*) AS n FROM buildings WHERE project_id = $1 AND code LIKE 'LT%'",
      [projectId],
    );
    let next = Number(existing.rows[0]?.n ?? 0) + 1;
    const buildings = Math.ceil(extra / (FLOORS * PER_FLOOR));
    await c.query('BEGIN');
    try {
      for (let i = 0; i < buildings && i < 1_000; i++, next++) {
        const code = `LT${String(next).padStart(2, '0')}`;
        await c.query(
          `WITH b AS (
             INSERT INTO buildings (id, project_id, code, name, name_en, floors, units_per_floor, sort_order)
             VALUES (gen_random_uuid(), $1, $2, '压测楼 ' || $2, 'Load-test tower ' || $2, $3, $4, 100 + $5)
             RETURNING id)
           INSERT INTO units (id, project_id, building_id, batch_id, code, floor, position, layout, layout_name,
                              gross_area, net_area, orientation, list_price, floor_price, status)
           SELECT gen_random_uuid(), $1, b.id, $6, $2 || '-' || lpad(f::text, 2, '0') || lpad(p::text, 2, '0'), f, p,
                  'A', '3室2厅2卫', 118.56, 95.12, '南北', 300000000 + f * 100000, 285000000, 'AVAILABLE'
           FROM b, generate_series(1, $3::int) f, generate_series(1, $4::int) p`,
          [projectId, code, FLOORS, PER_FLOOR, next, batchId],
        );
      }
      await c.query('COMMIT');
    } catch (error) {
      await c.query('ROLLBACK');
      throw error;
    }
    // What an operator does after a bulk import. Without fresh statistics the planner answers the
    // confirm UPDATE (WHERE id = … AND project_id = … AND status = 'AVAILABLE') with the
    // (project_id, status) index and scans every AVAILABLE unit of the project (see README).
    if (analyze) await c.query('ANALYZE units, buildings');
    return buildings * FLOORS * PER_FLOOR;
  });
}
