/**
 * Entry of a document render thread (plain JavaScript, so Node can start it without a loader).
 * Production (`npm start`) runs the build output: the entry is render-thread.js and is imported as
 * it is. From TypeScript sources (the tests, through vitest) it registers tsx in
 * this thread first: a worker thread does not inherit the parent's module loader.
 */
import { workerData } from 'node:worker_threads';

const entry = workerData.entry;
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
