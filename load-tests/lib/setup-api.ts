/**
 * What a run needs, made through the HTTP setup API as an administrator would make it in the setup
 * screens (docs/setup.md, docs/buildings.md) — never SQL: the target project found by its code, the
 * load-test towers LT01 … (k6/lib/towers.js) generated, priced and released when the project has too
 * few AVAILABLE units, and a wall-board device for a project other than the demo. The server applies
 * every one of these live (mirror, catalog, rooms): no restart.
 */
import {
  API,
  callApi,
  type HttpMethod,
  type LoginResponse,
  type ProjectSummary,
  type SendRequest,
} from '@kaipan/shared';
import {
  nextTowerCodes,
  TOWER_LAYOUT,
  towerBatch,
  towerFormula,
  towerPattern,
  towersFor,
  UNITS_PER_TOWER,
} from '../k6/lib/towers.js';

/** An HTTP error answer of the API, with its code (`{error:{code,message}}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The typed client's transport over fetch, with a bearer token (or none: login). */
export function fetchSender(url: string, token?: string): SendRequest {
  return async (method: HttpMethod, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(120_000),
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ApiError(
        res.status,
        error?.code ?? String(res.status),
        `${method} ${path}: ${res.status} ${error?.code ?? ''} ${error?.message ?? text}`.trim(),
      );
    }
    return json;
  };
}

/** Sign in (username + password) and answer a sender carrying the session's token. */
export async function signIn(
  url: string,
  username: string,
  password: string,
): Promise<{ send: SendRequest; login: LoginResponse }> {
  const login = await callApi(fetchSender(url), API.auth.login, { body: { username, password } });
  return { send: fetchSender(url, login.token), login };
}

/** The project with this code among those the caller sees, or — without a code — the first one. */
export async function findProject(send: SendRequest, code: string | undefined): Promise<ProjectSummary> {
  const projects = await callApi(send, API.projects.list);
  const project = code ? projects.find((p) => p.code === code) : projects[0];
  if (!project) {
    const seen = projects.map((p) => p.code).join(', ') || 'none';
    throw new Error(code ? `no project with code ${code} is visible (visible: ${seen})` : 'no project is visible');
  }
  return project;
}

/**
 * Add load-test towers until the project has `extra` more AVAILABLE units: per tower, the layout (once),
 * the building from its pattern, list prices by formula, and a batch of its units released at once.
 * Answers the number of units added. Needs a manager of the project (or an administrator).
 */
export async function addLoadTestTowers(
  send: SendRequest,
  projectId: string,
  extra: number,
  log: (line: string) => void = () => undefined,
): Promise<number> {
  const count = towersFor(extra);
  if (count === 0) return 0;
  const params = { projectId };
  const layouts = await callApi(send, API.buildings.layouts, { params });
  if (!layouts.some((l) => l.code === TOWER_LAYOUT.code)) {
    await callApi(send, API.buildings.createLayout, { params, body: TOWER_LAYOUT });
  }
  const existing = await callApi(send, API.buildings.list, { params });
  let added = 0;
  for (const code of nextTowerCodes(
    existing.map((b) => b.code),
    count,
  )) {
    const { building } = await callApi(send, API.buildings.create, { params, body: towerPattern(code) });
    await callApi(send, API.buildings.formulaApply, { params, body: towerFormula(building.id) });
    const units = await callApi(send, API.buildings.units, { params, query: { buildingId: building.id } });
    await callApi(send, API.projects.createBatch, {
      params,
      body: towerBatch(
        code,
        units.map((u) => u.id),
      ),
    });
    added += units.length;
    log(`tower ${code}: ${units.length} units generated, priced and released`);
  }
  if (added < count * UNITS_PER_TOWER) throw new Error(`expected ${count * UNITS_PER_TOWER} units, added ${added}`);
  return added;
}

/** A wall-board device of the project for this run (its key is shown once, in the answer). */
export async function createBoardDevice(send: SendRequest, projectId: string): Promise<{ id: string; key: string }> {
  const device = await callApi(send, API.devices.create, {
    params: { projectId },
    body: { kind: 'BOARD', name: `压测大屏 Load-test board ${new Date().toISOString().slice(0, 19)}` },
  });
  return { id: device.id, key: device.key };
}

/** Revoke the run's board device (its sockets are cut). */
export async function revokeDevice(send: SendRequest, deviceId: string): Promise<void> {
  await callApi(send, API.devices.revoke, { params: { deviceId } });
}
