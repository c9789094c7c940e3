/**
 * A project's pricing terms (discounts, plans, policy, active price-list version) and below-floor
 * approvals 底价审批, kept live: 'prices:changed' refetches the terms (and the caller's catalog),
 * 'approval:changed' updates the approvals in place (managers hear every request; a consultant
 * hears the answers to theirs).
 */
import { onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { PriceApprovalInfo, PricingTerms } from '@kaipan/shared';
import { api } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import type { UnitsStore } from './units';

export function createPricingTerms(projectId: string, units: UnitsStore, onPricesChanged?: (version: number) => void) {
  const terms = createLoad(() => api.pricingTerms(projectId));
  const ready = (): PricingTerms | undefined => terms.value();
  const refetch = terms.refetch;
  // Sent on every pricing change: a new active price list (the version moves: list prices changed)
  // or edited rules, plans or policy (same version: only the terms are re-read).
  const off = units.listen('prices:changed', (event) => {
    if (event.projectId !== projectId) return;
    const before = ready()?.priceVersion;
    void refetch();
    if (before !== undefined && before !== event.priceVersion) onPricesChanged?.(event.priceVersion);
  });
  onCleanup(off);
  return { terms, ready, refetch };
}

export type PricingTermsStore = ReturnType<typeof createPricingTerms>;

export function createApprovals(
  projectId: string,
  units: UnitsStore,
  onEvent?: (approval: PriceApprovalInfo, isNew: boolean) => void,
) {
  const [state, setState] = createStore<{ byId: Record<string, PriceApprovalInfo>; loaded: boolean; error: unknown }>({
    byId: {},
    loaded: false,
    error: null,
  });
  const load = async (): Promise<void> => {
    try {
      const list = await api.approvals(projectId);
      setState('byId', reconcile(Object.fromEntries(list.map((a) => [a.id, a]))));
      setState({ loaded: true, error: null });
    } catch (error) {
      setState('error', error);
    }
  };
  void load();
  const put = (a: PriceApprovalInfo): void => {
    setState('byId', a.id, a);
  };
  const off = units.listen('approval:changed', (a) => {
    if (a.projectId !== projectId) return;
    const isNew = state.byId[a.id] === undefined;
    put(a);
    onEvent?.(a, isNew);
  });
  // After a reconnect, events may have been missed: read the list again.
  const offSnapshot = units.onSnapshot(() => void load());
  onCleanup(() => {
    off();
    offSnapshot();
  });
  const list = (): PriceApprovalInfo[] =>
    Object.values(state.byId).sort(
      (a, b) =>
        Number(b.status === 'PENDING') - Number(a.status === 'PENDING') || b.requestedAt.localeCompare(a.requestedAt),
    );
  return {
    state,
    list,
    pending: (): PriceApprovalInfo[] => list().filter((a) => a.status === 'PENDING'),
    /** The latest request for one lock (unit + token), if any. */
    forLock: (unitId: string, token: string | undefined): PriceApprovalInfo | undefined =>
      token === undefined
        ? undefined
        : list().find((a) => a.unitId === unitId && a.lockToken === token && a.status !== 'CANCELLED'),
    put,
    reload: load,
  };
}

export type ApprovalsStore = ReturnType<typeof createApprovals>;
