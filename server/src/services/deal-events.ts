/**
 * Deal events for screens, published after the write committed: below-floor approvals and change
 * requests (to the project's managers and the person who asked), price-list activations and batch
 * changes (to every screen of the project), subscriptions the deposit rule cancelled (to the
 * consultant of the deal and the project's managers). The hub routes them (server/src/hub/hub.ts) through the Redis
 * adapter, so sockets on every process hear them.
 */
import type {
  ChangeRequestInfo,
  PriceApprovalInfo,
  PricesChangedEvent,
  SubscriptionCancelledEvent,
} from '@kaipan/shared';

export type DealEvent =
  | { type: 'approval:changed'; payload: PriceApprovalInfo }
  | { type: 'change:changed'; payload: ChangeRequestInfo; requesterId: string }
  | { type: 'prices:changed'; payload: PricesChangedEvent }
  | { type: 'batches:changed'; payload: { projectId: string } }
  | { type: 'subscription:cancelled'; payload: SubscriptionCancelledEvent };

export class DealEvents {
  private readonly listeners: ((event: DealEvent) => void)[] = [];

  subscribe(listener: (event: DealEvent) => void): void {
    this.listeners.push(listener);
  }

  publish(event: DealEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
