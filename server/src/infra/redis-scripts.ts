/** Loads the Lua scripts in server/src/lua (each prefixed by prelude.lua) and runs them by SHA. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const LUA_DIR = new URL('../lua/', import.meta.url);
const prelude = readFileSync(new URL('prelude.lua', LUA_DIR), 'utf8');

export class RedisScript {
  readonly source: string;
  readonly sha: string;
  constructor(readonly name: string) {
    this.source = `${prelude}\n${readFileSync(new URL(`${name}.lua`, LUA_DIR), 'utf8')}`;
    this.sha = createHash('sha1').update(this.source).digest('hex');
  }

  /** EVALSHA, falling back to EVAL once when Redis has not seen (or has lost) the script. */
  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
        return redis.eval(this.source, keys.length, ...keys, ...args);
      }
      throw error;
    }
  }
}

export const scripts = {
  lock: new RedisScript('lock'),
  release: new RedisScript('release'),
  confirmBegin: new RedisScript('confirm-begin'),
  confirmAbort: new RedisScript('confirm-abort'),
  extend: new RedisScript('extend'),
  apply: new RedisScript('apply'),
  sweep: new RedisScript('sweep'),
  snapshot: new RedisScript('snapshot'),
  rebuild: new RedisScript('rebuild'),
  setPaused: new RedisScript('set-paused'),
  loginAttempt: new RedisScript('login-attempt'),
} as const;
