/**
 * The lock protocol's Redis scripts (server/src/selling/lua), each prefixed by lua/prelude.lua (key
 * layout, log emitter). The unit-status changes they make are checked against the transition table
 * in shared/src/unit-status.ts by test/lua-transitions.test.ts.
 */
import { readFileSync } from 'node:fs';
import { RedisScript } from '../infra/redis-scripts.js';

const LUA_DIR = new URL('./lua/', import.meta.url);
const prelude = readFileSync(new URL('prelude.lua', LUA_DIR), 'utf8');
const load = (name: string): RedisScript => RedisScript.load(new URL(`${name}.lua`, LUA_DIR), prelude);

export const scripts = {
  lock: load('lock'),
  release: load('release'),
  confirmBegin: load('confirm-begin'),
  confirmAbort: load('confirm-abort'),
  extend: load('extend'),
  apply: load('apply'),
  sweep: load('sweep'),
  snapshot: load('snapshot'),
  rebuild: load('rebuild'),
  setPaused: load('set-paused'),
} as const;
