/**
 * A PostgreSQL too busy to finish a statement in time is not a bug (issue 16, "never 500"): a write
 * that waits on a row lock past the server's `statement_timeout` (PG_STATEMENT_TIMEOUT_MS; SQLSTATE
 * 57014) is rolled back and answers the coded SERVICE_UNAVAILABLE — nothing written, the audit log
 * untouched — and the same request succeeds once PostgreSQL is free again.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
let holder: pg.Client;
let token: string;

beforeAll(async () => {
  server = await startTestServer({ units: 2, consultants: 1, env: { PG_STATEMENT_TIMEOUT_MS: '400' } });
  token = (await server.login('manager')).token;
  holder = new pg.Client({ connectionString: server.databaseUrl });
  await holder.connect();
});

afterAll(async () => {
  await holder?.end();
  await server?.close();
});

const rename = (city: string) =>
  fetch(`${server.url}/api/projects/${server.fixture.projectId}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ city }),
  });

it('a write stuck behind a row lock past statement_timeout answers SERVICE_UNAVAILABLE, writes nothing, and succeeds on retry', async () => {
  const audit = async () => Number((await holder.query('SELECT count(*) AS n FROM audit_events')).rows[0].n);
  const city = async () =>
    (await holder.query('SELECT city FROM projects WHERE id = $1', [server.fixture.projectId])).rows[0].city as string;
  const before = { audit: await audit(), city: await city() };

  await holder.query('BEGIN');
  await holder.query('SELECT id FROM projects WHERE id = $1 FOR UPDATE', [server.fixture.projectId]);
  let busy: Response;
  try {
    busy = await rename('苏州');
  } finally {
    await holder.query('ROLLBACK');
  }
  expect(busy.status).toBe(503);
  expect(await busy.json()).toMatchObject({
    error: { code: 'SERVICE_UNAVAILABLE', details: { dependency: 'postgres' } },
  });
  // Give the batched audit writer a moment: still nothing of the refused write.
  await new Promise((r) => setTimeout(r, 300));
  expect({ audit: await audit(), city: await city() }).toEqual(before);

  const retry = await rename('苏州');
  expect(retry.status).toBe(200);
  expect(await city()).toBe('苏州');
});
