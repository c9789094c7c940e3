/**
 * The sales dashboard's launch replay (docs/dashboard.md, docs/replay.md) on real PostgreSQL and
 * Redis: a 推盘, sales by two consultants, a withholding and its end, and a lock run through the
 * server, and a 调价 of a deal; after each step the LIVE dashboard endpoint is read. Then the figures the replay
 * reconstructs at each step's instant (shared/src/replay-dashboard.ts `dashboardAt`, from the replay
 * route and the catalog) must equal the live ones captured then — totals and amounts, rankings by
 * consultant and team, sell-through by
 * building, layout and floor band, subscriptions per minute — also at each event's exact time and
 * 1 ms before it, and at "now".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dashboardAt,
  replayedPart,
  type Dashboard,
  type LockResult,
  type ProjectCatalog,
  type Replay,
  type ReplayedDashboard,
} from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { subscribe } from './support/cashier.js';

let server: TestServer;
let manager: string;
let a: HubClient;
let b: HubClient;
let projectId: string;

/** The live dashboard after a step, and the instant it was read. */
interface Moment {
  step: string;
  at: number;
  live: Dashboard;
}
const moments: Moment[] = [];
let startedAt = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function liveDashboard(): Promise<Dashboard> {
  const res = await http<Dashboard>(server.url, 'GET', `/api/projects/${projectId}/dashboard`, manager);
  expect(res.status).toBe(200);
  return res.body;
}

/** The live figures a replay reconstructs (the live-only panels and the read time left out). */
function replayable(d: Dashboard): Omit<ReplayedDashboard, 'generatedAt'> {
  const { generatedAt: _at, ...rest } = replayedPart(d);
  return rest;
}

/** Run a step, wait until its audit events are written, read the live dashboard. */
async function step(name: string, run: () => Promise<void>): Promise<void> {
  await sleep(15); // distinct milliseconds between steps
  await run();
  await server.kaipan.services.audit.flush();
  const live = await liveDashboard();
  moments.push({ step: name, at: Date.now(), live });
  await sleep(15);
}

beforeAll(async () => {
  server = await startTestServer({ units: 12, consultants: 2 });
  projectId = server.fixture.projectId;
  manager = (await server.login('manager')).token;
  const [c1, c2] = server.fixture.consultants;
  a = await server.connect({ token: (await server.login(c1!)).token });
  b = await server.connect({ token: (await server.login(c2!)).token });
  const target = { units: 8, area: 500, amountFen: 10_000_000_00 };
  expect((await http(server.url, 'PUT', `/api/projects/${projectId}/sales-target`, manager, target)).status).toBe(200);

  const [u0, u1, u2, u3, u4, u5] = server.fixture.unitIds;
  const buyer = (n: number) => ({ name: `回放看板${n}`, phone: `1390000${String(1000 + n)}` });
  startedAt = Date.now();
  await step('start', async () => {});
  await step('推盘', async () => {
    const res = await http(server.url, 'POST', `/api/batches/${server.fixture.pendingBatchId}/release`, manager, {});
    expect(res.status).toBe(200);
  });
  let firstDeal = '';
  await step('sale by a', async () => {
    firstDeal = await subscribe(a, u0!, buyer(0));
  });
  await step('sale by b', async () => {
    await subscribe(b, u1!, buyer(1));
  });
  await step('withhold', async () => {
    const res = await http(server.url, 'POST', `/api/units/${u2}/withhold`, manager, {
      reason: '预留',
      channel: 'VIP',
    });
    expect(res.status).toBe(200);
  });
  await step('two more sales', async () => {
    await subscribe(a, u3!, buyer(3));
    await subscribe(b, server.fixture.pendingUnitIds[0]!, buyer(4));
  });
  await step('unwithhold', async () => {
    const res = await http(server.url, 'POST', `/api/units/${u2}/unwithhold`, manager, {});
    expect(res.status).toBe(200);
  });
  await step('lock held now', async () => {
    const lock = await emitAck<LockResult>(a, 'unit:lock', { unitId: u4 });
    expect(lock.ok).toBe(true);
  });
  await step('sale', async () => {
    await subscribe(b, u5!, buyer(5));
  });
  await step('调价', async () => {
    const consultant = (await server.login(c1!)).token;
    const req = await http<{ id: string }>(server.url, 'POST', '/api/change-requests', consultant, {
      kind: 'PRICE_CHANGE',
      subscriptionId: firstDeal,
      finalPrice: 2_050_000_00,
      reason: '特批调价',
    });
    expect(req.status).toBe(201);
    const decided = await http(server.url, 'POST', `/api/change-requests/${req.body.id}/decision`, manager, {
      approve: true,
    });
    expect(decided.status).toBe(200);
    const done = await http(server.url, 'POST', `/api/change-requests/${req.body.id}/execute`, manager, {});
    expect(done.status).toBe(200);
  });
}, 120_000);

afterAll(async () => {
  a?.close();
  b?.close();
  await server?.close();
});

describe("the dashboard's launch replay", () => {
  let record: Replay;
  let catalog: ProjectCatalog;
  const at = (when: number) =>
    dashboardAt(
      {
        project: moments[0]!.live.project,
        timeZone: moments[0]!.live.timeZone,
        target: moments[0]!.live.target,
        buildings: catalog.buildings,
        units: catalog.units,
      },
      record,
      when,
    );
  const figures = (d: ReplayedDashboard) => {
    const { generatedAt: _at, ...rest } = d;
    return rest;
  };

  beforeAll(async () => {
    const res = await http<Replay>(
      server.url,
      'GET',
      `/api/projects/${projectId}/replay?from=${new Date(startedAt - 1000).toISOString()}`,
      manager,
    );
    expect(res.status).toBe(200);
    record = res.body;
    catalog = (await http<ProjectCatalog>(server.url, 'GET', `/api/projects/${projectId}/catalog`, manager)).body;
  });

  it('the steps changed the live figures (what the replay is judged against)', () => {
    const sold = (name: string) => moments.find((m) => m.step === name)!.live.totals.sold;
    expect(sold('start')).toBe(0);
    expect(sold('sale by a')).toBe(1);
    expect(sold('two more sales')).toBe(4);
    expect(sold('sale')).toBe(5);
    const amount = (name: string) => moments.find((m) => m.step === name)!.live.totals.soldAmountFen;
    expect(amount('调价')).not.toBe(amount('sale'));
    // Both consultants ranked: the replay must rebuild who sold what.
    expect(
      moments
        .at(-1)!
        .live.consultants.map((c) => c.units)
        .sort(),
    ).toEqual([2, 3]);
    const released = (name: string) => moments.find((m) => m.step === name)!.live.totals.released;
    expect(released('推盘')).toBeGreaterThan(released('start'));
    expect(moments.find((m) => m.step === 'withhold')!.live.totals.withheld).toBe(1);
    const perMinute = moments.at(-1)!.live.perMinute.minutes.reduce((n, m) => n + m.count, 0);
    expect(perMinute).toBe(5);
  });

  it('equals, after each step and midway to the next, the live dashboard read then; at "now" the live one', async () => {
    for (const m of moments) {
      expect(figures(at(m.at)), m.step).toEqual(replayable(m.live));
      expect(figures(at(m.at + 10)), m.step).toEqual(replayable(m.live));
    }
    expect(figures(at(Date.parse(record.to)))).toEqual(replayable(moments.at(-1)!.live));
    expect(figures(at(Date.now()))).toEqual(replayable(await liveDashboard()));
  });

  it("at a step's event's exact time shows the step done; 1 ms before it, the figures before", () => {
    let checked = 0;
    for (let i = 1; i < moments.length; i++) {
      const m = moments[i]!;
      const own = [...record.changes, ...record.deals]
        .filter((c) => Date.parse(c.at) > moments[i - 1]!.at && Date.parse(c.at) <= m.at)
        .sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
      const first = own[0];
      const last = own.at(-1);
      if (!first || !last) continue;
      expect(figures(at(Date.parse(last.at))), m.step).toEqual(replayable(m.live));
      expect(figures(at(Date.parse(first.at) - 1)), m.step).toEqual(replayable(moments[i - 1]!.live));
      checked += 1;
    }
    expect(checked).toBe(moments.length - 1);
  });

  it('counts a subscription in its minute from the instant of its confirmation', () => {
    const confirms = record.changes.filter((c) => c.action === 'unit.confirm');
    expect(confirms).toHaveLength(5);
    confirms.forEach((c, i) => {
      const before = at(Date.parse(c.at) - 1).perMinute.minutes.reduce((n, m) => n + m.count, 0);
      const after = at(Date.parse(c.at)).perMinute.minutes.reduce((n, m) => n + m.count, 0);
      expect([before, after]).toEqual([i, i + 1]);
    });
  });
});
