import { addSample } from './state.mjs';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export function check(value, checks, tags) {
  let all = true;
  for (const [name, fn] of Object.entries(checks)) {
    let ok = false;
    try {
      ok = !!(typeof fn === 'function' ? fn(value) : fn);
    } catch {
      ok = false;
    }
    addSample('checks', 'rate', ok ? 1 : 0, { ...tags, check: name });
    all = all && ok;
  }
  return all;
}
/** Blocks the (single) JS thread, as k6's sleep blocks a VU. */
export function sleep(seconds) {
  Atomics.wait(sleeper, 0, 0, Math.max(0, Number(seconds) * 1000));
}
export function group(_name, fn) {
  return fn();
}
export function fail(message) {
  throw new Error(message);
}
export default { check, sleep, group, fail };
