/**
 * The four kinds of four-eyes request: where each is stored, what its states are called and how the
 * audit trail names its steps. The services add what each kind does (its executor, its checks and
 * its announcement) — see ./README.md for where.
 */
import type { ApprovalKind } from './workflow.js';

/** The stored part of a kind (no behaviour). */
export type KindTable = Omit<
  ApprovalKind<unknown>,
  'precheck' | 'lockFirst' | 'execute' | 'afterApproval' | 'announce'
>;

/**
 * Below-floor price approvals 底价审批 (price_approvals). Approval lets the consultant's confirm use
 * the price (kaipan_confirm marks it USED); the lock ending closes it as CANCELLED — so does a withdrawal.
 */
export const PRICE_APPROVAL = {
  entity: 'price_approval',
  noun: 'price approval',
  table: 'price_approvals',
  statusType: 'ApprovalStatus',
  requesterColumn: 'consultant_id',
  detail: `jsonb_build_object('finalPrice', final_price, 'floorPrice', floor_price)`,
  approved: 'APPROVED',
  approvedLike: ['APPROVED', 'USED'],
  withdrawn: 'CANCELLED',
  withdrawableFrom: ['PENDING'],
  actions: {
    request: 'price_approval.request',
    approve: 'price_approval.approve',
    reject: 'price_approval.reject',
    withdraw: 'price_approval.cancel',
  },
  withdrawDetail: { why: 'Withdrawn by the consultant.' },
} as const satisfies KindTable;

/**
 * Change requests 换房/退房/更名/调价 (change_requests). Approval is followed by a separate execute
 * step (APPROVED → EXECUTED); the requester may withdraw until then.
 */
export const CHANGE_REQUEST = {
  entity: 'change_request',
  noun: 'change request',
  table: 'change_requests',
  statusType: 'ChangeStatus',
  requesterColumn: 'requested_by_id',
  detail: `jsonb_build_object('kind', kind)`,
  approved: 'APPROVED',
  approvedLike: ['APPROVED', 'EXECUTED'],
  withdrawn: 'WITHDRAWN',
  withdrawableFrom: ['PENDING', 'APPROVED'],
  actions: {
    request: 'change.request',
    approve: 'change.approve',
    reject: 'change.reject',
    withdraw: 'change.withdraw',
  },
} as const satisfies KindTable;

/** Receipt voids 作废 (void_requests). Approval voids the receipt and its payment in the same transaction. */
export const RECEIPT_VOID = {
  entity: 'void_request',
  noun: 'void request',
  table: 'void_requests',
  statusType: 'VoidRequestStatus',
  requesterColumn: 'requested_by_id',
  detail: `jsonb_build_object('receipt', (SELECT r.label FROM receipts r WHERE r.id = receipt_id))`,
  approved: 'APPROVED',
  approvedLike: ['APPROVED'],
  withdrawn: 'WITHDRAWN',
  withdrawableFrom: ['PENDING'],
  actions: {
    request: 'receipt.void_request',
    approve: 'receipt.void_approve',
    reject: 'receipt.void_reject',
    withdraw: 'receipt.void_withdraw',
  },
} as const satisfies KindTable;

/**
 * Price-list versions 价目表 (price_lists). Approval activates the version (ACTIVE; the one before
 * becomes SUPERSEDED) and copies its prices onto the units in the same transaction.
 */
export const PRICE_LIST = {
  entity: 'price_list',
  noun: 'price-list version',
  table: 'price_lists',
  statusType: 'PriceListStatus',
  requesterColumn: 'requested_by_id',
  detail: `jsonb_build_object('version', version)`,
  approved: 'ACTIVE',
  approvedLike: ['ACTIVE', 'SUPERSEDED'],
  withdrawn: 'WITHDRAWN',
  withdrawableFrom: ['PENDING'],
  actions: {
    request: 'price_list.request',
    approve: 'price_list.activate',
    reject: 'price_list.reject',
    withdraw: 'price_list.withdraw',
  },
} as const satisfies KindTable;
