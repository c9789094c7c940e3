/**
 * The cashier desk's context: what the frame (pages/cashier.tsx) hands every desk page and
 * component — the signed-in user's API, user, project and receipt books. A module of its own so the
 * components read it without importing the frame page that renders them (no import cycle).
 */
import { createContext, useContext, type Accessor } from 'solid-js';
import type { ProjectListItem, ReceiptBookInfo, Role, UserInfo } from '@kaipan/shared';
import type { CashierApi } from './cashier-api';

export interface CashierDesk {
  api: CashierApi;
  user: UserInfo;
  project: ProjectListItem;
  /** The user's role in this project (a cashier-desk role: ADMIN, MANAGER or CASHIER). */
  role: Role;
  /** The signed-in person's ACTIVE receipt book in this project (undefined while loading, null: none). */
  book: Accessor<ReceiptBookInfo | null | undefined>;
  /** Every book the user may see (managers: all of the project's; cashiers: their own). */
  books: Accessor<ReceiptBookInfo[]>;
  refreshBooks: () => void;
  isManager: boolean;
}

/** Provided by the cashier frame around the desk and day-end pages. */
export const DeskContext = createContext<CashierDesk>();

/** The desk of the cashier frame this component is rendered in. */
export function useDesk(): CashierDesk {
  const desk = useContext(DeskContext);
  if (!desk) throw new Error('useDesk outside the cashier frame');
  return desk;
}
