/** Which thrown errors mean "a dependency is down" (SERVICE_UNAVAILABLE) and which are bugs (INTERNAL). */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError, isErrorCode } from '@kaipan/shared';
import { toErrorBody, unavailableDependency } from './errors.js';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'FATAL' });
const prismaError = (code: string, cause?: object) =>
  Object.assign(new Error('Invalid `prisma.$queryRaw()` invocation'), {
    name: 'PrismaClientKnownRequestError',
    code,
    meta: cause ? { driverAdapterError: { cause } } : {},
  });
const silent = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
} as never;

describe('unavailableDependency', () => {
  it.each([
    ['pg admin shutdown 57P01', pgError('57P01', 'terminating connection due to administrator command'), 'postgres'],
    [
      'pg crash shutdown 57P02',
      pgError('57P02', 'terminating connection because of crash of another server process'),
      'postgres',
    ],
    ['pg starting up 57P03', pgError('57P03', 'the database system is starting up'), 'postgres'],
    ['pg connection failure 08006', pgError('08006', 'connection failure'), 'postgres'],
    ['pg too many connections 53300', pgError('53300', 'sorry, too many clients already'), 'postgres'],
    [
      'socket refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      'postgres',
    ],
    ['node-postgres lost connection', new Error('Connection terminated unexpectedly'), 'postgres'],
    ['node-postgres connect timeout', new Error('timeout exceeded when trying to connect'), 'postgres'],
    ['Prisma P1001 unreachable', prismaError('P1001'), 'postgres'],
    ['Prisma P2024 pool timeout', prismaError('P2024'), 'postgres'],
    ['Prisma raw query, adapter kind', prismaError('P2010', { kind: 'DatabaseNotReachable' }), 'postgres'],
    ['Prisma raw query, 57P03 inside', prismaError('P2010', { kind: 'postgres', originalCode: '57P03' }), 'postgres'],
    ['ioredis offline', new Error("Stream isn't writeable and enableOfflineQueue options is false"), 'redis'],
    [
      'ioredis flushed',
      Object.assign(new Error('Reached the max retries per request limit (which is 0).'), {
        name: 'MaxRetriesPerRequestError',
      }),
      'redis',
    ],
    ['ioredis closed', new Error('Connection is closed.'), 'redis'],
    ['ioredis hung', new Error('Command timed out'), 'redis'],
    [
      'Redis loading its AOF',
      Object.assign(new Error('LOADING Redis is loading the dataset in memory'), { name: 'ReplyError' }),
      'redis',
    ],
  ])('%s → %s', (_label, error, dependency) => {
    expect(unavailableDependency(error)).toBe(dependency);
    expect(toErrorBody(error, silent)).toMatchObject({
      status: 503,
      body: { code: 'SERVICE_UNAVAILABLE', details: { dependency } },
    });
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['unique violation 23505', pgError('23505', 'duplicate key value violates unique constraint')],
    ['Prisma P2002', prismaError('P2002')],
    ['a Lua script error', Object.assign(new Error('ERR user_script:1: bad'), { name: 'ReplyError' })],
  ])('%s is not an outage: INTERNAL', (_label, error) => {
    expect(unavailableDependency(error)).toBeNull();
    expect(toErrorBody(error, silent).status).toBe(500);
  });

  it('a transaction that could not start or finish in time (Prisma P2028) is busy, not a bug: SERVICE_UNAVAILABLE, health not told', () => {
    const noted: string[] = [];
    const error = prismaError('P2028');
    error.message = 'Transaction API error: Unable to start a transaction in the given time.';
    expect(toErrorBody(error, silent, { noteFailure: (d) => noted.push(d) })).toMatchObject({
      status: 503,
      body: { code: 'SERVICE_UNAVAILABLE', details: { dependency: 'postgres' } },
    });
    expect(noted).toEqual([]);
  });

  it.each([
    ['statement timeout 57014', pgError('57014', 'canceling statement due to statement timeout')],
    ['lock timeout 55P03', pgError('55P03', 'canceling statement due to lock timeout')],
    ['deadlock 40P01', pgError('40P01', 'deadlock detected')],
    ['Prisma raw query, 57014 inside', prismaError('P2010', { kind: 'postgres', originalCode: '57014' })],
    ['Prisma P2034 write conflict', prismaError('P2034')],
  ])('%s is busy, not a bug and not down: SERVICE_UNAVAILABLE, health not told', (_label, error) => {
    const noted: string[] = [];
    expect(unavailableDependency(error)).toBeNull();
    expect(toErrorBody(error, silent, { noteFailure: (d) => noted.push(d) })).toMatchObject({
      status: 503,
      body: { code: 'SERVICE_UNAVAILABLE', details: { dependency: 'postgres' } },
    });
    expect(noted).toEqual([]);
  });

  it('tells the health monitor, which checks at once', () => {
    const noted: string[] = [];
    toErrorBody(pgError('57P01', 'x'), silent, { noteFailure: (d) => noted.push(d) });
    toErrorBody(new AppError('LOCK_HELD'), silent, { noteFailure: (d) => noted.push(d) });
    expect(noted).toEqual(['postgres']);
  });
});

/**
 * TypeScript only lets a registered code into an AppError; Lua scripts and SQL functions are outside
 * its reach, and their codes reach clients through a cast (selling/mirror.ts) or a pattern
 * (sales-service.ts `kaipan:<CODE>`). Every code they can raise must be in the registry.
 */
describe('codes raised outside TypeScript', () => {
  const root = new URL('../../../', import.meta.url);
  const sources = (dir: string, ext: string): { file: string; text: string }[] =>
    readdirSync(new URL(dir, root), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith(ext))
      .map((file) => ({ file: `${dir}${file}`, text: readFileSync(new URL(`${dir}${file}`, root), 'utf8') }));
  const unregistered = (files: { file: string; text: string }[], pattern: RegExp, allowed: string[] = []): string[] =>
    files.flatMap(({ file, text }) =>
      [...text.matchAll(pattern)]
        .map((m) => m[1]!)
        .filter((code) => !isErrorCode(code) && !allowed.includes(code))
        .map((code) => `${file}: ${code}`),
    );

  it("Lua scripts answer {'ERR', <registered code>} (or MIRROR_MISSING, which the server handles itself)", () => {
    const lua = sources('server/', '.lua');
    expect(lua.length).toBeGreaterThan(0);
    expect(lua.some(({ text }) => /\{'ERR', '[A-Z_]+'\}/.test(text))).toBe(true);
    expect(unregistered(lua, /\{'ERR', '([A-Z_]+)'\}/g, ['MIRROR_MISSING'])).toEqual([]);
  });

  it("SQL functions raise 'kaipan:<registered code>'", () => {
    const sql = [...sources('prisma/migrations/', '.sql'), ...sources('server/', '.sql')];
    expect(sql.some(({ text }) => /'kaipan:[A-Z_]+'/.test(text))).toBe(true);
    expect(unregistered(sql, /RAISE EXCEPTION 'kaipan:([A-Z_]+)'/g)).toEqual([]);
  });
});
