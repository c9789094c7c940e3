/**
 * Start a real Kaipan server for a test file: its own PostgreSQL database (from the migrated
 * template), its own Redis key prefix, a random port. Clients are real HTTP and socket.io clients.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io as ioClient, type Socket } from 'socket.io-client';
import {
  API_ROUTES,
  HUB_NAMESPACE,
  describeIssues,
  errorCodesOf,
  errorResponseSchema,
  findRoute,
  type Ack,
  type ClientToServerEvents,
  type LoginResponse,
  type ServerToClientEvents,
} from '@kaipan/shared';
import { buildApp, type KaipanApp } from '../../server/src/app.js';
import { buildConfig, parseEnv, type AppConfig } from '../../server/src/config/index.js';
import { createDb, type Db } from '../../server/src/infra/db.js';
import { createTestDatabase, testRedisUrl, uniqueRedisPrefix } from './services.js';
import { seedDemo } from '../../server/src/seed/demo.js';
import { seedFixture, TEST_PASSWORD, type Fixture } from './fixture.js';

export type HubClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer {
  url: string;
  kaipan: KaipanApp;
  config: AppConfig;
  db: Db;
  fixture: Fixture;
  databaseUrl: string;
  login(username: string, password?: string): Promise<LoginResponse>;
  connect(auth: { token: string } | { deviceKey: string }): Promise<HubClient>;
  /** Stop and start the server on the same port (same DB and Redis), e.g. to test reconnection. */
  restart(): Promise<void>;
  /**
   * A second server instance on the same PostgreSQL database and Redis prefix (another hub process,
   * as with `npm start -- --nodes N`), on its own random port; closed with the first.
   */
  startPeer(env?: Partial<AppConfig>): Promise<{
    url: string;
    kaipan: KaipanApp;
    connect(auth: { token: string } | { deviceKey: string }): Promise<HubClient>;
  }>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  units?: number;
  consultants?: number;
  lockTtlSeconds?: number;
  maxLocks?: number;
  env?: Record<string, string>;
  /** Seed the demo project 云湖府 (server/src/seed/demo.ts) before the server starts; no fixture. */
  demo?: boolean;
}

/** A server on a database holding the demo project and accounts, as `npm start` makes it (no fixture). */
export function startDemoServer(env: Record<string, string> = {}): Promise<Omit<TestServer, 'fixture'>> {
  return startServer(null, { demo: true, env });
}

/**
 * A server on an EMPTY database, as a production install starts (`KAIPAN_DEMO=0`, no fixture): no
 * user, no project; the process has printed a first-run setup code (`kaipan.setupCode()`).
 */
export async function startEmptyServer(env: Record<string, string> = {}): Promise<Omit<TestServer, 'fixture'>> {
  return startServer(null, {
    env: {
      KAIPAN_DEMO: '0',
      AUTH_SECRET: 'empty-install-secret-0123456789abcdef',
      CUSTOMER_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
      ...env,
    },
  });
}

export function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  return startServer(opts, opts);
}

async function startServer(seed: TestServerOptions, opts: TestServerOptions): Promise<TestServer>;
async function startServer(seed: null, opts: TestServerOptions): Promise<Omit<TestServer, 'fixture'>>;
async function startServer(seed: TestServerOptions | null, opts: TestServerOptions): Promise<TestServer> {
  const database = await createTestDatabase();
  const db = createDb(database.url, 5);
  const fixture = seed ? await seedFixture(db, seed) : (undefined as unknown as Fixture);
  if (opts.demo) await seedDemo(db);
  const env = parseEnv({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.KAIPAN_TEST_LOG_LEVEL ?? 'silent',
    CLIENT_DIST: '',
    KIOSK_DIST: '',
    REDIS_PREFIX: uniqueRedisPrefix(),
    LOCK_SWEEP_INTERVAL_MS: '100',
    FANOUT_INTERVAL_MS: '20',
    HUB_RATE_PER_SECOND: '1000',
    HUB_USER_RATE_PER_SECOND: '10000',
    HUB_SOCKETS_PER_USER: '10000',
    LOGIN_RATE_PER_MINUTE: '100000',
    PG_POOL_SIZE: '10',
    ...opts.env,
  });
  const config = buildConfig(env, {
    databaseUrl: database.url,
    redisUrl: testRedisUrl(),
    authSecret: 'test-secret-test-secret-test-secret-0123',
  });
  let kaipan = await buildApp(config);
  const url = await kaipan.listen();
  const clients: HubClient[] = [];
  const peers: KaipanApp[] = [];
  const connectTo = async (base: string, auth: { token: string } | { deviceKey: string }): Promise<HubClient> => {
    const socket: HubClient = ioClient(`${base}${HUB_NAMESPACE}`, {
      auth,
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      forceNew: true,
    });
    clients.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
    return socket;
  };

  return {
    url,
    get kaipan() {
      return kaipan;
    },
    config,
    db,
    fixture,
    databaseUrl: database.url,
    async login(username, password = TEST_PASSWORD) {
      const res = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as LoginResponse;
    },
    connect: (auth) => connectTo(url, auth),
    async startPeer(overrides = {}) {
      const peer = await buildApp({ ...config, role: 'hub', ...overrides, port: 0 });
      peers.push(peer);
      const peerUrl = await peer.listen();
      return { url: peerUrl, kaipan: peer, connect: (auth) => connectTo(peerUrl, auth) };
    },
    async restart() {
      await kaipan.close();
      kaipan = await buildApp({ ...config, port: Number(new URL(url).port) });
      await kaipan.listen();
    },
    async close() {
      for (const c of clients) c.disconnect();
      for (const peer of peers) await peer.close();
      await kaipan.close();
      await db.$disconnect();
      await database.drop().catch(() => undefined);
    },
  };
}

/** Another server process (role hub) on the test server's PostgreSQL, Redis and key prefix. */
export interface SecondHub {
  url: string;
  connect(auth: { token: string }): Promise<HubClient>;
  stop(): Promise<void>;
}

/**
 * Start a second hub in its own process (test/support/hub-process.ts), like one of
 * `npm start -- --nodes N`'s hubs: nothing in memory is shared with the test server.
 */
export async function startSecondHub(server: TestServer): Promise<SecondHub> {
  const config = { ...server.config, customerDataKey: server.config.customerDataKey.toString('base64') };
  const child = fork(fileURLToPath(new URL('./hub-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, KAIPAN_TEST_HUB_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('second hub did not start in 60 s')), 60_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve((m as { url: string }).url);
    });
    void exited.then(() => reject(new Error('second hub exited')));
  });
  const clients: HubClient[] = [];
  return {
    url,
    async connect(auth) {
      const socket: HubClient = ioClient(`${url}${HUB_NAMESPACE}`, {
        auth,
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
      });
      clients.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (err) => reject(err));
      });
      return socket;
    },
    async stop() {
      for (const c of clients) c.disconnect();
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Emit a hub command and wait for its ack. */
export function emitAck<T>(socket: HubClient, event: keyof ClientToServerEvents, payload: unknown): Promise<Ack<T>> {
  return new Promise((resolve, reject) => {
    (
      socket.timeout(15_000) as unknown as {
        emit: (e: string, p: unknown, cb: (err: Error | null, res: Ack<T>) => void) => void;
      }
    ).emit(event, payload, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** JSON over HTTP with a bearer token; returns status and parsed body. */
export async function http<T = unknown>(
  url: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = (text ? JSON.parse(text) : null) as T;
  checkContract(method, path, res.status, parsed);
  return { status: res.status, body: parsed };
}

/**
 * Every answer a test gets through `http` is checked against the route table (shared/src/api): a
 * success body against the route's schema for that status, a refusal against the one error shape
 * and the route's error codes. So the whole suite checks the published contract.
 */
export function checkContract(method: string, path: string, status: number, body: unknown): void {
  const route = findRoute(API_ROUTES, method, path.split('?')[0] ?? path);
  if (!route) return;
  const where = `${method} ${route.path} answered ${status}`;
  if (status >= 200 && status < 300) {
    const schema = route.responses[status as 200 | 201 | 202];
    if (!schema) {
      if (route.file) return;
      throw new Error(`contract: ${where}, a status the route table does not list for it`);
    }
    const result = schema.safeParse(body);
    if (!result.success)
      throw new Error(
        `contract: ${where} with a body outside the route table's schema: ${JSON.stringify(describeIssues(result.error))}`,
      );
    return;
  }
  if (status < 400) return;
  const refusal = errorResponseSchema.safeParse(body);
  if (!refusal.success)
    throw new Error(`contract: ${where} with a body outside the one error shape: ${JSON.stringify(body)}`);
  if (!errorCodesOf(route).includes(refusal.data.error.code)) {
    throw new Error(
      `contract: ${where} with ${refusal.data.error.code}, not among the route's error codes in the table (${route.feature}.${route.name})`,
    );
  }
}
