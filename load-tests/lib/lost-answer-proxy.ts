/**
 * Losing an answer on purpose: a one-request TCP proxy forwards the request to the server untouched
 * and, as soon as the server starts answering, cuts the client's connection. The client sees a
 * dropped connection (as when a process is killed) although the server has finished the request —
 * fastify sends the first byte only after the handler returned, so a 2xx answer means its
 * transaction is committed. This forces the case a kill -9 hits only by luck: a committed operation
 * whose answer never arrived, which the client then retries (same idempotency key, same lock token)
 * and must get the first result of — never a second sale or payment.
 */
import { type AddressInfo, connect, createServer } from 'node:net';

/**
 * Sends one request through a proxy that loses its answer. `send` gets the proxy's base URL; the
 * answer is the HTTP status the server had begun to send (null when none arrived).
 */
export async function loseAnswer(targetPort: number, send: (base: string) => Promise<unknown>): Promise<number | null> {
  let cut: number | null = null;
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.pipe(upstream);
    upstream.once('data', (chunk: Buffer) => {
      cut = Number(/^HTTP\/1\.[01] (\d{3})/.exec(chunk.toString('latin1'))?.[1] ?? 0) || null;
      end();
    });
    client.on('error', end);
    upstream.on('error', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await send(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return cut;
}
