/**
 * The k6 scenarios, run for real at tiny sizes against a real Kaipan server — through the small k6
 * emulator in load-tests/k6-emulator (k6 itself cannot be installed here). This proves the scripts'
 * logic and protocol handling end to end (login, hub handshake, join, burst, confirm, seq rule,
 * final board check, HTTP mix) and that their functional thresholds hold. Latency thresholds are
 * relaxed through the scripts' env knobs: this is not a performance measurement.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, callApi } from '@kaipan/shared';
import { launchKaipan, removeDataDir, type LaunchedServer } from './lib/server.js';
import { signIn } from './lib/setup-api.js';
import { UNITS_PER_TOWER } from './k6/lib/towers.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

interface EmulatorResult {
  ms: number;
  unclosed: number;
  errors: string[];
  thresholds: Record<string, Record<string, { actual: number | null; ok: boolean }>>;
  metrics: Record<
    string,
    { type: string; samples: number; count: number; avg: number; p99: number; max: number; rate: number }
  >;
}

function emulate(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number; result: EmulatorResult; stderr: string }> {
  const args = [
    '--import',
    pathToFileURL(here('./k6-emulator/register.mjs')).href,
    here('./k6-emulator/run.mjs'),
    here(`./k6/${script}`),
  ];
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 120_000, maxBuffer: 20 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve({
            code: error ? ((error as { code?: number }).code ?? 1) : 0,
            result: JSON.parse(line) as EmulatorResult,
            stderr,
          });
        } catch {
          reject(new Error(`emulator output not JSON (${String(error)}):\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/** Every threshold except latency ones (p(…)/max on *_ms and http_req_duration) must pass. */
function functionalFailures(r: EmulatorResult): string[] {
  const bad: string[] = [];
  for (const [metric, rules] of Object.entries(r.thresholds)) {
    for (const [rule, v] of Object.entries(rules)) {
      const latency = metric.endsWith('_ms') || metric.startsWith('http_req_duration');
      if (!v.ok && !latency) bad.push(`${metric} ${rule} (got ${v.actual})`);
    }
  }
  return bad;
}

let server: LaunchedServer;
beforeAll(async () => {
  server = await launchKaipan({});
}, 120_000);
afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

describe('k6 scenarios under the emulator, against a real server', () => {
  it('launch-storm: exactly one winner per hot unit, everyone answered, all sessions closed', async () => {
    // More VUs than users (9 sockets, 3 users): each user holds three sockets. Counted per socket,
    // a user re-locking its own unit from a second socket was a second "winner"; counted per unit,
    // each hot unit has exactly one.
    const { code, result } = await emulate('launch-storm.js', {
      BASE_URL: server.url,
      CONSULTANTS: '9',
      DEMO_USERS: '3',
      HOT_UNITS: '3',
      CHOICES: '3',
      START_DELAY_MS: '4000',
      ANSWER_WITHIN_MS: '5000',
    });
    expect(result.errors).toEqual([]);
    expect(functionalFailures(result)).toEqual([]);
    expect(result.metrics.kaipan_first_wave_wins?.count).toBe(3);
    for (const k of [0, 1, 2]) {
      expect(result.thresholds[`kaipan_first_wave_wins{hot:${k}}`]).toEqual({ 'count==1': { actual: 1, ok: true } });
    }
    expect(result.metrics.kaipan_secured_units?.count).toBeGreaterThanOrEqual(3);
    expect(result.unclosed).toBe(0);
    expect(code).toBe(0);
  }, 90_000);

  it('steady-selling, board-fanout and api-mix run clean side by side', async () => {
    const common = { BASE_URL: server.url, START_DELAY_MS: '3000', DURATION_S: '3' };
    const [steady, fanout, api] = await Promise.all([
      emulate('steady-selling.js', {
        ...common,
        CONSULTANTS: '8',
        RATE: '2',
        LOCK_P99_MS: '5000',
        CONFIRM_P99_MS: '5000',
      }),
      emulate('board-fanout.js', {
        ...common,
        BOARDS: '4',
        SELLERS: '3',
        RATE: '3',
        SETTLE_MS: '4000',
        DELIVERY_P99_MS: '5000',
      }),
      emulate('api-mix.js', { BASE_URL: server.url, USERS: '4', RATE: '2', DURATION_S: '3' }),
    ]);
    for (const r of [steady, fanout, api]) {
      expect(r.result.errors).toEqual([]);
      expect(functionalFailures(r.result)).toEqual([]);
      expect(r.result.unclosed).toBe(0);
    }
    expect(steady.result.metrics.kaipan_lock_ms?.samples).toBeGreaterThan(0);
    expect(steady.result.metrics.kaipan_confirmed?.count).toBeGreaterThan(0);
    expect(fanout.result.metrics.kaipan_board_changes?.count).toBeGreaterThan(0);
    expect(fanout.result.metrics.kaipan_board_delivery_ms?.samples).toBeGreaterThan(0);
    expect(fanout.result.metrics.kaipan_board_gaps?.count ?? 0).toBe(0);
    expect(fanout.result.metrics.kaipan_board_mismatched_units?.count ?? 0).toBe(0);
    expect(api.result.metrics.http_reqs?.count).toBeGreaterThan(4);
  }, 90_000);

  it('board-fanout targets another project by code: towers (UNITS) and a board device made through the setup API', async () => {
    // A second project, made as an administrator makes one (a rehearsal is such a project with its own code).
    const { send } = await signIn(server.url, 'admin', 'kaipan-admin');
    const project = await callApi(send, API.projects.create, { body: { name: '压测项目', code: 'LT-TARGET' } });
    const users = await callApi(send, API.users.list);
    for (const username of ['c001', 'c002']) {
      const user = users.find((u) => u.username === username)!;
      await callApi(send, API.members.set, {
        params: { projectId: project.id, userId: user.id },
        body: { role: 'CONSULTANT' },
      });
    }
    const { code, result } = await emulate('board-fanout.js', {
      BASE_URL: server.url,
      PROJECT: 'LT-TARGET',
      UNITS: '50',
      START_DELAY_MS: '3000',
      DURATION_S: '3',
      BOARDS: '2',
      SELLERS: '2',
      RATE: '3',
      SETTLE_MS: '4000',
      DELIVERY_P99_MS: '5000',
    });
    expect(result.errors).toEqual([]);
    expect(functionalFailures(result)).toEqual([]);
    expect(result.metrics.kaipan_board_changes?.count).toBeGreaterThan(0);
    expect(result.unclosed).toBe(0);
    expect(code).toBe(0);

    // The tower was generated, priced and released; the run's board device was revoked at the end.
    const buildings = await callApi(send, API.buildings.list, { params: { projectId: project.id } });
    expect(buildings.map((b) => [b.code, b.unitCount])).toEqual([['LT01', UNITS_PER_TOWER]]);
    const units = await callApi(send, API.buildings.units, { params: { projectId: project.id } });
    expect(units.every((u) => u.listPrice > 0 && u.floorPrice > 0 && u.status !== 'NOT_RELEASED')).toBe(true);
    expect(await callApi(send, API.devices.list, { params: { projectId: project.id } })).toEqual([]);
    // The demo project was not touched.
    const demo = (await callApi(send, API.projects.list)).find((p) => p.code === 'DEMO-YHF')!;
    const demoBuildings = await callApi(send, API.buildings.list, { params: { projectId: demo.id } });
    expect(demoBuildings.some((b) => b.code.startsWith('LT'))).toBe(false);
  }, 120_000);
});
