/** Poll `find` (sync or async) until it gives a value other than undefined; fail after `timeoutMs`. */
export async function waitFor<T>(
  find: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 30_000,
  everyMs = 25,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const hit = await find();
    if (hit !== undefined) return hit;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
