/**
 * Live queue events.
 * - `queue:changed` (QueueState, no personal data) after every committed queue change, to the
 *   project's room on `/hub` (boards, managers, kiosks that joined the project) and to the buyer
 *   pages of the project on `/queue`. Emitted once, by the process that made the change, through the
 *   socket.io Redis adapter, so it reaches the sockets of every process. Bursts (50 numbers taken at
 *   once) are coalesced into one state per project every COALESCE_MS.
 * - `/queue` namespace: the public buyer page. Handshake `auth: {ticketToken}`; the socket joins
 *   `queue:<projectId>` and `ticket:<ticketId>` and can send nothing (no handlers are registered).
 *   It receives `queue:changed`, `ticket:changed` (its own ticket's fresh BuyerView) and
 *   `availability:changed` (unit status changes of the project, from this process's change feed).
 */
import {
  AppError,
  HUB_NAMESPACE,
  QUEUE_NAMESPACE,
  handshakeRefusal,
  ticketTokenSchema,
  type UnitStatus,
} from '@kaipan/shared';
import { RateLimiter } from '../infra/rate-limiter.js';
import type { FeedSink } from '../services/change-feed.js';
import type { Services } from '../services/index.js';
import type { Logger } from '../services/logger.js';
import { projectRoom } from './fanout.js';
import type { BuyerNamespace, HubServer } from './hub-types.js';

/** Queue changes of one project within this window become one `queue:changed`. */
const COALESCE_MS = 30;
/** `availability:changed` to buyer pages at most this often per project. */
const AVAILABILITY_INTERVAL_MS = 500;
/** Buyer handshakes per IP: 1 a second, bursts of 10. */
const HANDSHAKE_RATE = { perSecond: 1, burst: 10 };

export const buyerProjectRoom = (projectId: string): string => `queue:${projectId}`;
export const buyerTicketRoom = (ticketId: string): string => `ticket:${ticketId}`;

export interface QueueEvents {
  /** Wrap the change feed's sink so unit changes also reach buyer pages (availability). */
  tap(sink: FeedSink): FeedSink;
  stop(): Promise<void>;
}

export function attachQueueEvents(io: HubServer, services: Services, log: Logger): QueueEvents {
  const hub = io.of(HUB_NAMESPACE);
  const buyers: BuyerNamespace = io.of(QUEUE_NAMESPACE);
  const handshakes = new RateLimiter(HANDSHAKE_RATE.perSecond, HANDSHAKE_RATE.burst);

  buyers.use((socket, next) => {
    const refuse = (): void =>
      next(handshakeRefusal(new AppError('UNAUTHENTICATED', 'A valid ticket token is required.').toBody()));
    if (!handshakes.take(socket.handshake.address)) {
      next(handshakeRefusal(new AppError('RATE_LIMITED').toBody()));
      return;
    }
    const parsed = ticketTokenSchema.safeParse(socket.handshake.auth?.ticketToken);
    if (!parsed.success) {
      refuse();
      return;
    }
    services.queue.resolveToken(parsed.data).then(
      (ticket) => {
        if (!ticket) {
          refuse();
          return;
        }
        void socket.join([buyerProjectRoom(ticket.projectId), buyerTicketRoom(ticket.ticketId)]);
        next();
      },
      (error: unknown) => {
        log.error({ err: error }, 'buyer socket authentication failed');
        next(handshakeRefusal(new AppError('SERVICE_UNAVAILABLE').toBody()));
      },
    );
  });
  // Receive-only: whatever a buyer socket emits is ignored (no event handlers exist).

  // ── queue:changed and ticket:changed ─────────────────────────────────────────────────────
  const pending = new Map<string, Set<string>>();
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();

  const flush = async (): Promise<void> => {
    timer = null;
    const batch = [...pending];
    pending.clear();
    for (const [projectId, ticketIds] of batch) {
      try {
        const state = await services.queue.buildState(projectId);
        hub.to(projectRoom(projectId)).emit('queue:changed', state);
        buyers.to(buyerProjectRoom(projectId)).emit('queue:changed', state);
        for (const ticketId of ticketIds) {
          const view = await services.queue.buyerView({ id: ticketId });
          buyers.to(buyerTicketRoom(ticketId)).emit('ticket:changed', view);
        }
      } catch (error) {
        log.error({ err: error, projectId }, 'queue broadcast failed');
      }
    }
  };

  services.queue.onChange(({ projectId, ticketIds }) => {
    let set = pending.get(projectId);
    if (!set) {
      set = new Set();
      pending.set(projectId, set);
    }
    for (const id of ticketIds) set.add(id);
    timer ??= setTimeout(() => {
      flushing = flushing.then(flush);
    }, COALESCE_MS);
  });

  // ── availability:changed (from this process's change feed, to this process's buyer sockets) ──
  const unitChanges = new Map<string, Map<string, UnitStatus>>();
  let availabilityTimer: NodeJS.Timeout | null = null;

  const flushAvailability = async (): Promise<void> => {
    availabilityTimer = null;
    const batch = [...unitChanges];
    unitChanges.clear();
    for (const [projectId, changes] of batch) {
      const room = buyerProjectRoom(projectId);
      if (!buyers.adapter.rooms.get(room)?.size) continue;
      try {
        const availability = await services.queue.availability(projectId);
        buyers.local.to(room).emit('availability:changed', {
          projectId,
          changes: [...changes].map(([unitId, status]) => ({ unitId, status })),
          availability,
        });
      } catch (error) {
        log.error({ err: error, projectId }, 'availability broadcast failed');
      }
    }
  };

  return {
    tap(sink) {
      return {
        ...sink,
        unitsChanged: (frame) => {
          sink.unitsChanged(frame);
          if (!buyers.adapter.rooms.get(buyerProjectRoom(frame.projectId))?.size) return;
          let changes = unitChanges.get(frame.projectId);
          if (!changes) {
            changes = new Map();
            unitChanges.set(frame.projectId, changes);
          }
          for (const c of frame.changes) changes.set(c.unitId, c.status);
          availabilityTimer ??= setTimeout(() => void flushAvailability(), AVAILABILITY_INTERVAL_MS);
        },
      };
    },
    async stop() {
      if (timer) {
        clearTimeout(timer);
        flushing = flushing.then(flush);
      }
      if (availabilityTimer) clearTimeout(availabilityTimer);
      availabilityTimer = null;
      await flushing;
    },
  };
}
