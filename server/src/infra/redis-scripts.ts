/** A Lua script run by SHA (EVALSHA, EVAL once when Redis lost it). Scripts live beside their user. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

export class RedisScript {
  readonly sha: string;
  constructor(
    readonly name: string,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** The script in `file`, after `prelude` (shared helpers) when given. */
  static load(file: URL, prelude = ''): RedisScript {
    const name = file.pathname
      .split('/')
      .pop()!
      .replace(/\.lua$/, '');
    const body = readFileSync(file, 'utf8');
    return new RedisScript(name, prelude ? `${prelude}\n${body}` : body);
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
