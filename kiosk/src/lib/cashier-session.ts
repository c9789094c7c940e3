/**
 * The cashier's sign-in (a person, not a device key): {token, user} in localStorage
 * 'kaipan.cashier.session', the chosen project, paper preference and the payment whose answer was
 * lost (kept until the server confirms it — see cashier-submit.ts). A 401 anywhere signs out.
 */
import { createRoot, createSignal } from 'solid-js';
import type { RecordPaymentBody } from '@kaipan/shared';
import { createSessionStore } from '@kaipan/web/session/session-store';
import { readStored as read, writeStored as write } from '@kaipan/web/storage';

const SESSION_KEY = 'kaipan.cashier.session';
const PROJECT_KEY = 'kaipan.cashier.project';
const PAPER_KEY = 'kaipan.cashier.paper';
const PENDING_KEY = 'kaipan.cashier.pending';

/** Roles that may use the cashier desk (managers also decide void requests there): one rule, in shared/. */
export { CASHIER_ROLES } from '@kaipan/shared';

export type Paper = 'A5' | 'THERMAL_80';

/** A payment sent whose answer never arrived: resent (same key) until the server confirms it. */
export interface PendingPayment {
  /** Only the cashier who sent it resends it. */
  userId: string;
  projectId: string;
  body: RecordPaymentBody;
  /** What the desk shows about it (unit or registration, payer). */
  label: string;
  sentAt: string;
}

function parsePending(raw: string | null): PendingPayment | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<PendingPayment>;
    if (
      typeof v.userId === 'string' &&
      typeof v.projectId === 'string' &&
      v.body &&
      typeof v.body.idempotencyKey === 'string'
    )
      return v as PendingPayment;
  } catch {
    // ignore
  }
  return null;
}

const store = createRoot(() => {
  const [projectId, setProjectId] = createSignal<string | null>(read(PROJECT_KEY));
  const [paper, setPaper] = createSignal<Paper>(read(PAPER_KEY) === 'THERMAL_80' ? 'THERMAL_80' : 'A5');
  const [pending, setPending] = createSignal<PendingPayment | null>(parsePending(read(PENDING_KEY)));
  return { projectId, setProjectId, paper, setPaper, pending, setPending };
});

/** The signed-in cashier (or manager) of this desk: the shared session store under its own key. */
const session = createSessionStore(SESSION_KEY);

export const cashierSession = session.session;
export const signIn = session.signIn;
export const signOut = session.signOut;

/** The project the desk works in (remembered; the first of the user's projects otherwise). */
export const cashierProjectId = store.projectId;
export function setCashierProject(id: string | null): void {
  write(PROJECT_KEY, id);
  store.setProjectId(id);
}

/** Receipt paper of this desk's printer: A5 sheet or 80 mm thermal roll. */
export const paper = store.paper;
export function setPaper(p: Paper): void {
  write(PAPER_KEY, p);
  store.setPaper(p);
}

export const pendingPayment = store.pending;
export function setPendingPayment(p: PendingPayment | null): void {
  write(PENDING_KEY, p === null ? null : JSON.stringify(p));
  store.setPending(p);
}
