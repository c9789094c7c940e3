/**
 * The baseline: a bare socket.io server (namespace /hub, same transport options as Kaipan's hub)
 * that acks every command at once — no Redis, no database, no validation. Run by the bench in its
 * own process; its ack latency at the same concurrency is the floor Kaipan's lock is compared to.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const httpServer = createServer();
const io = new Server(httpServer, { maxHttpBufferSize: 2e6, pingInterval: 10_000, pingTimeout: 10_000 });
const hub = io.of('/hub');
hub.on('connection', (socket) => {
  socket.on('unit:lock', (_payload: unknown, ack: (r: unknown) => void) => ack({ ok: true, data: {} }));
  // The same consultant code drives both servers: the other commands are acked the same way.
  socket.on('unit:confirm', (_payload: unknown, ack: (r: unknown) => void) => ack({ ok: true, data: {} }));
  socket.on('unit:release', (_payload: unknown, ack: (r: unknown) => void) => ack({ ok: true, data: {} }));
});

httpServer.listen(0, '127.0.0.1', () => {
  const address = httpServer.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});

const stop = (): void => {
  void io.close();
  setTimeout(() => process.exit(0), 200).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
