/**
 * Who may decide and withdraw a four-eyes request — the one rule shared by every approval kind
 * (below-floor price approvals 底价审批, change requests 换房/退房/更名/调价, receipt voids 作废,
 * price-list versions 价目表). Pure: the server calls it before every decision, screens call it to
 * show or hide the buttons, and the permission matrix can name it. docs/approvals.md.
 */
import { MANAGER_ROLES } from './permissions.js';
import type { Role } from './protocol.js';

/** Why a decision or a withdrawal is refused (the `details.reason` of a FORBIDDEN answer). */
export type ApprovalRefusal =
  /** Only a manager (ADMIN or MANAGER) decides. */
  | 'MANAGER_REQUIRED'
  /** Four-eyes: whoever asked never decides their own request. */
  | 'FOUR_EYES'
  /** Only whoever asked takes a request back. */
  | 'NOT_REQUESTER';

/**
 * The `details.reason` of the INVALID_TRANSITION answered when a request is no longer pending: it
 * was decided the other way, withdrawn, closed or executed — sequentially or by a decision that won
 * a race by a millisecond (the same answer either way).
 */
export const ALREADY_DECIDED = 'ALREADY_DECIDED';

/**
 * The one manager check: ADMIN and MANAGER manage a project (decide, see floor prices, …). `role`
 * is the actor's role in the request's project (null: none there).
 */
export function isManagerRole(role: Role | null): boolean {
  return role !== null && MANAGER_ROLES.includes(role);
}

/** The actor of a decision: a signed-in user and their role in the request's project. */
export interface ApprovalActor {
  id: string;
  role: Role | null;
}

/** What the rule needs of a request: who asked (a price approval's consultant, a version's requester). */
export interface ApprovalParty {
  /** null for requests nobody asked for by hand (the initial price list). */
  requestedById: string | null;
}

/** null when `actor` may approve or reject `request`, else why not. */
export function decisionRefusal(actor: ApprovalActor, request: ApprovalParty): ApprovalRefusal | null {
  if (!isManagerRole(actor.role)) return 'MANAGER_REQUIRED';
  if (request.requestedById === actor.id) return 'FOUR_EYES';
  return null;
}

/** null when `actor` may withdraw `request` (only whoever asked), else why not. */
export function withdrawalRefusal(actor: ApprovalActor, request: ApprovalParty): ApprovalRefusal | null {
  return request.requestedById === actor.id ? null : 'NOT_REQUESTER';
}
