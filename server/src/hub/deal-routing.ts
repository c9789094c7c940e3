/**
 * Who hears each deal event (server/src/services/deal-events.ts): approvals and change requests go to
 * the project's managers and the people concerned, price and batch changes to every screen of the
 * project. Broadcast through the socket.io Redis adapter, so the sockets of every hub process hear
 * them — also when the event happens in the worker process (the deposit rule, scheduled batches),
 * which has no sockets of its own: it broadcasts through an unattached server (`createBroadcaster`).
 */
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import {
  HUB_NAMESPACE,
  type ClientToServerEvents,
  type InterServerEvents,
  type ServerToClientEvents,
} from '@kaipan/shared';
import type { DealEvent, DealEvents } from '../services/deal-events.js';
import { managersRoom, projectRoom, userRoom } from './fanout.js';
import type { HubNamespace, HubServer, SocketData } from './hub-types.js';

export function routeDealEvent(hub: HubNamespace, event: DealEvent): void {
  switch (event.type) {
    case 'approval:changed':
      hub
        .to([managersRoom(event.payload.projectId), userRoom(event.payload.consultantId)])
        .emit('approval:changed', event.payload);
      break;
    case 'change:changed':
      hub
        .to([managersRoom(event.payload.projectId), userRoom(event.requesterId), userRoom(event.payload.consultantId)])
        .emit('change:changed', event.payload);
      break;
    case 'prices:changed':
      hub.to(projectRoom(event.payload.projectId)).emit('prices:changed', event.payload);
      break;
    case 'batches:changed':
      hub.to(projectRoom(event.payload.projectId)).emit('batches:changed', event.payload);
      break;
    case 'subscription:cancelled':
      // One emit to both rooms: a consultant who also manages hears it once.
      hub
        .to([managersRoom(event.payload.projectId), userRoom(event.payload.consultantId)])
        .emit('subscription:cancelled', event.payload);
      break;
  }
}

/**
 * For a process without a hub (KAIPAN_ROLE=worker): a socket.io server attached to nothing, whose
 * broadcasts the Redis adapter delivers to the sockets of the hub processes. Routes `events`.
 */
export function createBroadcaster(
  events: DealEvents,
  adapterRedis: { pub: Redis; sub: Redis },
  redisPrefix: string,
): { close(): Promise<void> } {
  const io: HubServer = new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>();
  io.adapter(createAdapter(adapterRedis.pub, adapterRedis.sub, { key: `${redisPrefix}socket.io` }));
  const hub = io.of(HUB_NAMESPACE);
  events.subscribe((event) => routeDealEvent(hub, event));
  // Not io.close(): it closes an engine this server never had.
  return { close: () => Promise.resolve(hub.adapter.close()) };
}
