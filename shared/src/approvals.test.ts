import { describe, expect, it } from 'vitest';
import { decisionRefusal, isManagerRole, withdrawalRefusal } from './approvals.js';
import { ROLES } from './protocol.js';

describe('who may decide and withdraw a four-eyes request', () => {
  const asker = 'u-asker';
  const request = { requestedById: asker };

  it('managers decide, never their own request; nobody else decides', () => {
    expect(ROLES.filter(isManagerRole)).toEqual(['ADMIN', 'MANAGER']);
    for (const role of ROLES) {
      expect(decisionRefusal({ id: 'u-other', role }, request)).toBe(isManagerRole(role) ? null : 'MANAGER_REQUIRED');
      expect(decisionRefusal({ id: asker, role }, request)).toBe(
        isManagerRole(role) ? 'FOUR_EYES' : 'MANAGER_REQUIRED',
      );
    }
  });

  it('a request nobody asked for (the first price list) any manager may decide', () => {
    expect(decisionRefusal({ id: 'u-1', role: 'MANAGER' }, { requestedById: null })).toBeNull();
  });

  it('only whoever asked withdraws, whatever their role', () => {
    for (const role of ROLES) {
      expect(withdrawalRefusal({ id: asker, role }, request)).toBeNull();
      expect(withdrawalRefusal({ id: 'u-other', role }, request)).toBe('NOT_REQUESTER');
    }
    expect(withdrawalRefusal({ id: asker, role: 'ADMIN' }, { requestedById: null })).toBe('NOT_REQUESTER');
  });
});
