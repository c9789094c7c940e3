/**
 * The unit lifecycle (DESIGN.md). PostgreSQL stores the sale status; LOCKED is not stored there —
 * it is the view of an AVAILABLE unit that has a live lock in Redis.
 */
export const UNIT_STATUSES = ['NOT_RELEASED', 'AVAILABLE', 'LOCKED', 'SUBSCRIBED', 'CONTRACTED', 'WITHHELD'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

/** Statuses PostgreSQL can hold (LOCKED lives only in Redis). */
export type StoredUnitStatus = Exclude<UnitStatus, 'LOCKED'>;
export const STORED_UNIT_STATUSES: readonly StoredUnitStatus[] = UNIT_STATUSES.filter(
  (s): s is StoredUnitStatus => s !== 'LOCKED',
);

export const UNIT_ACTIONS = [
  'release',
  'withhold',
  'unwithhold',
  'lock',
  'unlock',
  'expire',
  'confirm',
  'sign',
  'cancel',
] as const;
export type UnitAction = (typeof UNIT_ACTIONS)[number];

/** from → action → to. Anything not listed is forbidden. */
const TRANSITIONS: Record<UnitStatus, Partial<Record<UnitAction, UnitStatus>>> = {
  NOT_RELEASED: { release: 'AVAILABLE' },
  AVAILABLE: { lock: 'LOCKED', withhold: 'WITHHELD' },
  WITHHELD: { unwithhold: 'AVAILABLE' },
  LOCKED: { confirm: 'SUBSCRIBED', unlock: 'AVAILABLE', expire: 'AVAILABLE' },
  SUBSCRIBED: { sign: 'CONTRACTED', cancel: 'AVAILABLE' },
  CONTRACTED: {},
};

/** The status after `action`, or null when the transition is forbidden. */
export function nextStatus(from: UnitStatus, action: UnitAction): UnitStatus | null {
  return TRANSITIONS[from][action] ?? null;
}

export function canTransition(from: UnitStatus, action: UnitAction): boolean {
  return nextStatus(from, action) !== null;
}

/** One allowed step of the lifecycle. */
export interface UnitTransition {
  from: UnitStatus;
  action: UnitAction;
  to: UnitStatus;
}

/** Every transition the table allows, in table order. */
export const UNIT_TRANSITIONS: readonly UnitTransition[] = UNIT_STATUSES.flatMap((from) =>
  UNIT_ACTIONS.flatMap((action) => {
    const to = TRANSITIONS[from][action];
    return to ? [{ from, action, to }] : [];
  }),
);

/**
 * The transition of an action. Each action starts from exactly one status (the table is built that
 * way; unit-status.test.ts holds it to that), so the action alone names its step.
 */
export function transitionOf(action: UnitAction): UnitTransition {
  const found = UNIT_TRANSITIONS.find((t) => t.action === action);
  if (!found) throw new Error(`No transition for ${action}`);
  return found;
}

/** The status PostgreSQL holds for a status: LOCKED is an AVAILABLE row with a live lock in Redis. */
export function storedStatusOf(status: UnitStatus): StoredUnitStatus {
  return status === 'LOCKED' ? 'AVAILABLE' : status;
}

/** Sold means a signed subscription or contract exists. */
export function isSold(status: UnitStatus): boolean {
  return status === 'SUBSCRIBED' || status === 'CONTRACTED';
}

/** Board colours are a convention buyers know (DESIGN.md); one definition for every screen. */
export const STATUS_COLORS: Record<UnitStatus, { bg: string; fg: string }> = {
  AVAILABLE: { bg: '#1f9d55', fg: '#ffffff' },
  LOCKED: { bg: '#f2a900', fg: '#1a1a1a' },
  SUBSCRIBED: { bg: '#d64545', fg: '#ffffff' },
  CONTRACTED: { bg: '#7a1f1f', fg: '#ffffff' },
  WITHHELD: { bg: '#8a8f98', fg: '#ffffff' },
  NOT_RELEASED: { bg: '#e8ecef', fg: '#6b7280' },
};

/** Legend and count order on every screen. */
export const STATUS_ORDER: readonly UnitStatus[] = [
  'AVAILABLE',
  'LOCKED',
  'SUBSCRIBED',
  'CONTRACTED',
  'WITHHELD',
  'NOT_RELEASED',
];
