/**
 * The registered buyer (认筹) a consultant is selecting for. Locks taken while a buyer is chosen
 * count against that buyer's entitlement (机会数); the confirm then needs no buyer form. The choice
 * survives a reload of the tab (sessionStorage), not a new shift. Only buyers the user may select
 * for are offered (shared canSelectFor: their own customers; a manager every one) — the server
 * refuses the others.
 */
import { createSignal } from 'solid-js';
import { canSelectFor, toApiError, type RegistrationInfo, type UserInfo } from '@kaipan/shared';
import { api } from '../lib/api';
import { describeError, t } from '../lib/i18n';
import { createLoad } from '@kaipan/web/resource';
import { isManager } from './project-roles';

export function createBuyerPicker(projectId: string, user: UserInfo) {
  const key = `kaipan.buyer.${projectId}`;
  const overview = createLoad(() => api.registrations(projectId));
  const [selectedId, setSelectedId] = createSignal<string | null>(sessionStorage.getItem(key));
  const actor = { id: user.id, manager: isManager(user, projectId) };
  const selectable = (r: RegistrationInfo): boolean =>
    r.status === 'ACTIVE' && canSelectFor(actor, r.customer.ownerId).allowed;

  const selected = (): RegistrationInfo | undefined => {
    const id = selectedId();
    return id ? overview.value()?.registrations.find((r) => r.id === id && selectable(r)) : undefined;
  };

  return {
    overview,
    refetch: overview.refetch,
    selected,
    /** Registrations this user can pick: active ones of their own buyers (a manager: all), with units left first. */
    choices(): RegistrationInfo[] {
      return (overview.value()?.registrations ?? [])
        .filter(selectable)
        .sort((a, b) => Number(remaining(b) > 0) - Number(remaining(a) > 0) || a.number - b.number);
    },
    choose(id: string | null): void {
      setSelectedId(id);
      if (id) sessionStorage.setItem(key, id);
      else sessionStorage.removeItem(key);
    },
  };
}

export type BuyerPicker = ReturnType<typeof createBuyerPicker>;

/** Units the registration may still buy. */
export function remaining(r: RegistrationInfo): number {
  return Math.max(0, r.unitsAllowed - r.unitsUsed);
}

/** Does a registration match what the consultant typed (number, name, or phone digits)? */
export function matchesBuyer(r: RegistrationInfo, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  const digits = q.replace(/\D/g, '');
  return (
    r.label.toLowerCase().includes(q) ||
    String(r.number) === q.replace(/^r0*/, '') ||
    r.customer.name.toLowerCase().includes(q) ||
    (digits.length >= 3 && (r.customer.phone ?? '').includes(digits))
  );
}

/**
 * What to tell a consultant when the server refuses something about a chosen buyer: FORBIDDEN means
 * the registration is another consultant's customer (only their consultant or a manager may select
 * for them); anything else is described as usual.
 */
export function describeBuyerError(error: unknown): string {
  return toApiError(error).code === 'FORBIDDEN' ? t('buyer.notYours') : describeError(error);
}
