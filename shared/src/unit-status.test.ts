import { describe, expect, it } from 'vitest';
import {
  canTransition,
  isSold,
  nextStatus,
  storedStatusOf,
  transitionOf,
  UNIT_ACTIONS,
  UNIT_STATUSES,
  UNIT_TRANSITIONS,
  type UnitAction,
  type UnitStatus,
} from './unit-status.js';

/** The full table from DESIGN.md; every pair not listed must be refused. */
const ALLOWED: [UnitStatus, UnitAction, UnitStatus][] = [
  ['NOT_RELEASED', 'release', 'AVAILABLE'],
  ['AVAILABLE', 'withhold', 'WITHHELD'],
  ['WITHHELD', 'unwithhold', 'AVAILABLE'],
  ['AVAILABLE', 'lock', 'LOCKED'],
  ['LOCKED', 'confirm', 'SUBSCRIBED'],
  ['LOCKED', 'unlock', 'AVAILABLE'],
  ['LOCKED', 'expire', 'AVAILABLE'],
  ['SUBSCRIBED', 'sign', 'CONTRACTED'],
  ['SUBSCRIBED', 'cancel', 'AVAILABLE'],
];

describe('unit state machine', () => {
  it.each(ALLOWED)('%s --%s--> %s', (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
    expect(canTransition(from, action)).toBe(true);
  });

  const forbidden = UNIT_STATUSES.flatMap((from) =>
    UNIT_ACTIONS.filter((action) => !ALLOWED.some(([f, a]) => f === from && a === action)).map(
      (action) => [from, action] as const,
    ),
  );

  it('refuses every other transition', () => {
    expect(forbidden.length).toBe(UNIT_STATUSES.length * UNIT_ACTIONS.length - ALLOWED.length);
    for (const [from, action] of forbidden) {
      expect(nextStatus(from, action), `${from} --${action}-->`).toBeNull();
      expect(canTransition(from, action)).toBe(false);
    }
  });

  it('a sold unit can never be locked or withheld', () => {
    for (const s of ['SUBSCRIBED', 'CONTRACTED'] as const) {
      expect(isSold(s)).toBe(true);
      expect(canTransition(s, 'lock')).toBe(false);
      expect(canTransition(s, 'withhold')).toBe(false);
    }
    expect(isSold('AVAILABLE')).toBe(false);
  });

  it('lists exactly the allowed transitions, and each action starts from one status', () => {
    expect(UNIT_TRANSITIONS.map((t) => [t.from, t.action, t.to])).toEqual(expect.arrayContaining(ALLOWED));
    expect(UNIT_TRANSITIONS).toHaveLength(ALLOWED.length);
    for (const action of UNIT_ACTIONS) {
      expect(
        UNIT_TRANSITIONS.filter((t) => t.action === action),
        action,
      ).toHaveLength(1);
      const [from, , to] = ALLOWED.find(([, a]) => a === action)!;
      expect(transitionOf(action)).toEqual({ from, action, to });
    }
  });

  it('stores LOCKED as AVAILABLE (the lock lives in Redis) and every other status as itself', () => {
    for (const s of UNIT_STATUSES) expect(storedStatusOf(s)).toBe(s === 'LOCKED' ? 'AVAILABLE' : s);
  });
});
