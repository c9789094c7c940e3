// Performs the emulator's HTTP requests for the blocked main thread (see http.mjs).
import { workerData } from 'node:worker_threads';

const { port, shared } = workerData;
const flag = new Int32Array(shared);

async function one(r) {
  const started = performance.now();
  try {
    const res = await fetch(r.url, {
      method: r.method,
      headers: r.headers,
      body: r.body ?? undefined,
      signal: AbortSignal.timeout(r.timeoutMs ?? 60_000),
    });
    const body = await res.text();
    return {
      status: res.status,
      body,
      headers: Object.fromEntries(res.headers),
      duration: performance.now() - started,
    };
  } catch (error) {
    return { status: 0, body: '', headers: {}, error: String(error), duration: performance.now() - started };
  }
}

port.on('message', async (msg) => {
  const result = Array.isArray(msg.batch) ? await Promise.all(msg.batch.map(one)) : await one(msg);
  port.postMessage(result);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
