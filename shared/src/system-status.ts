/**
 * What a server process knows about the services it depends on, and the one rule of what selling
 * needs. Sent to screens as `system:status` and in the `project:join` ack; the server refuses
 * locks and confirms with SERVICE_UNAVAILABLE by the same rule (docs/deploy.md "Faults").
 */
export type DependencyState = 'up' | 'down';

export interface SystemStatus {
  /** PostgreSQL, the system of record: confirms, logins, registrations, payments. */
  postgres: DependencyState;
  /** Redis: locks, the live unit status, sequence numbers, jobs. */
  redis: DependencyState;
}

export type Dependency = keyof SystemStatus;

export const SYSTEM_UP: SystemStatus = Object.freeze({ postgres: 'up', redis: 'up' });

/**
 * The dependency that stops selling now, or null. Locking needs PostgreSQL too: a lock that
 * cannot be confirmed misleads the buyer and keeps the unit from the next one, so while
 * PostgreSQL is unreachable locks are refused as well (PostgreSQL is named first: it is the
 * longer outage and the one the banner explains).
 */
export function sellingBlockedBy(status: SystemStatus): Dependency | null {
  if (status.postgres === 'down') return 'postgres';
  if (status.redis === 'down') return 'redis';
  return null;
}

/** Server message of the SERVICE_UNAVAILABLE refusal while a dependency is down (clients translate by code and `details.dependency`). */
export function unavailableMessage(dependency: Dependency): string {
  return dependency === 'postgres'
    ? 'Selling is paused: the database is unavailable. Recovering automatically; try again shortly.'
    : 'Selling is paused: the live sales service is unavailable. Recovering automatically; try again shortly.';
}
