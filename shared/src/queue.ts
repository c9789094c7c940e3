/**
 * Queue numbers 排号 and calling 叫号: contracts (payload schemas, response shapes, the payloads of
 * the public buyer namespace — its event map is in socket-events.ts) and the pure rules (calling
 * order, the no-show rule, wait estimate, labels).
 * docs/protocol.md "Queue and calling" documents them. Times are ISO-8601 UTC strings.
 */
import { z } from 'zod';
import { lineText } from './text.js';
import { mobilePhoneSchema } from './phone.js';
import { idSchema, idempotencyKeySchema } from './schemas.js';
import { UNIT_STATUSES, type UnitStatus } from './unit-status.js';

export const TICKET_STATUSES = ['WAITING', 'CALLED', 'SERVED', 'NO_SHOW', 'DROPPED'] as const;
/**
 * WAITING in line → CALLED into the selection hall → SERVED (done) or, on a no-show 过号, back to
 * WAITING (rule REQUEUE, first miss) or DROPPED. NO_SHOW is reserved: the current rules never leave
 * a ticket in it (a missed ticket is either re-queued or dropped at once).
 */
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export type NoShowRule = 'REQUEUE' | 'DROP';

/** How many calls the calling rate is measured over. */
export const CALL_RATE_WINDOW = 10;
/** How many waiting tickets each category lists as "next" on boards. */
export const NEXT_LIST_SIZE = 5;
/** How many called tickets each category lists as "now serving". */
export const NOW_SERVING_SIZE = 10;
/** Sort keys are number × SORT_KEY_STEP, leaving room to re-queue between two tickets. */
export const SORT_KEY_STEP = 1000;

// ── Payloads ──────────────────────────────────────────────────────────────────────────────────

/** Category code, e.g. VIP, GEN: letters, digits, - and _. */
export const queueCategoryCodeSchema = z
  .string()
  .trim()
  .min(1)
  .max(20)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, - or _');

/**
 * POST /api/projects/:projectId/queue/tickets — take a number. Exactly one of `phone` (typed at the
 * kiosk) or `registrationNo` (scanned from the registration's QR, "R0007" or "7").
 * The same phone always gets the same ticket back (one ticket per phone per project, in the category
 * it was first taken in), whichever way it was typed.
 */
export const takeTicketSchema = z
  .strictObject({
    category: queueCategoryCodeSchema,
    /** Mainland mobile, normalised like customers' phones (+86 138-1234-5678 → 13812345678). */
    phone: mobilePhoneSchema.optional(),
    registrationNo: lineText(16).optional(),
    idempotencyKey: idempotencyKeySchema.optional(),
  })
  .refine((b) => (b.phone === undefined) !== (b.registrationNo === undefined), {
    message: 'give exactly one of phone or registrationNo',
    path: ['phone'],
  });
export type TakeTicketBody = z.infer<typeof takeTicketSchema>;

/** POST /api/projects/:projectId/queue/call-next — call the next `count` numbers in calling order. */
export const callNextSchema = z.strictObject({
  /** Only this category; default: all categories, higher priority first. */
  category: queueCategoryCodeSchema.optional(),
  count: z.number().int().min(1).max(20).default(1),
  /** A repeated press with the same key returns the first call's result instead of calling more. */
  idempotencyKey: idempotencyKeySchema.optional(),
});
export type CallNextBody = z.infer<typeof callNextSchema>;

/** POST /api/projects/:projectId/queue/call — call specific waiting tickets (all or nothing). */
export const callSpecificSchema = z.strictObject({
  ticketIds: z.array(idSchema).min(1).max(20),
});
export type CallSpecificBody = z.infer<typeof callSpecificSchema>;

/** How a called ticket ends: the buyer came (served) or missed the call (no_show, 过号). */
export const MARK_OUTCOMES = ['served', 'no_show'] as const;
export type MarkOutcome = (typeof MARK_OUTCOMES)[number];
export const markTicketSchema = z.strictObject({ outcome: z.enum(MARK_OUTCOMES) });

export const ticketRefSchema = z.strictObject({ ticketId: idSchema });
export const projectTicketRefSchema = z.strictObject({ projectId: idSchema, ticketId: idSchema });

/** Ticket token: 128 random bits, base64url (22 characters). */
export const ticketTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be a ticket token');
export const ticketTokenRefSchema = z.strictObject({ token: ticketTokenSchema });
export const ticketPdfQuerySchema = z.strictObject({ token: ticketTokenSchema });

/** POST /api/projects/:projectId/queue/categories (managers). */
export const createQueueCategorySchema = z.strictObject({
  code: queueCategoryCodeSchema,
  name: lineText(20),
  nameEn: lineText(40),
  /** 1–3 capital letters printed before the number (V012). */
  prefix: z.string().regex(/^[A-Z]{1,3}$/, 'must be 1–3 capital letters'),
  /** Lower is called first. */
  priority: z.number().int().min(0).max(99).default(0),
});
export type CreateQueueCategoryBody = z.infer<typeof createQueueCategorySchema>;

/** GET /api/projects/:projectId/queue/tickets (staff): filter and page size. */
export const listTicketsQuerySchema = z.strictObject({
  status: z.enum(TICKET_STATUSES).optional(),
  category: queueCategoryCodeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListTicketsQuery = z.infer<typeof listTicketsQuerySchema>;

// ── Responses ─────────────────────────────────────────────────────────────────────────────────

export const queueCategoryInfoSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  prefix: z.string(),
  /** Lower is called first. */
  priority: z.number().int(),
  /** Numbers issued so far (the last number). */
  issued: z.number().int(),
});
export type QueueCategoryInfo = z.infer<typeof queueCategoryInfoSchema>;

const ticketStatusSchema = z.enum(TICKET_STATUSES);

/** A ticket as staff (kiosk, managers, cashiers) see it. */
export const queueTicketViewSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  category: z.object({ id: z.string(), code: z.string(), name: z.string(), nameEn: z.string() }),
  number: z.number().int(),
  /** e.g. V012 */
  label: z.string(),
  status: ticketStatusSchema,
  /** 138****5678 for managers and cashiers; null for the kiosk device (devices never see a phone: docs/privacy.md). */
  phoneMasked: z.string().nullable(),
  customerId: z.string().nullable(),
  registrationId: z.string().nullable(),
  /** R0007 when the ticket is linked to a registration. */
  registrationNo: z.string().nullable(),
  /** Times the buyer missed the call (0, 1). */
  missedCount: z.number().int(),
  issuedAt: z.string(),
  calledAt: z.string().nullable(),
  doneAt: z.string().nullable(),
  /** WAITING only: people ahead in this ticket's own queue (see countPeopleAhead); else null. */
  peopleAhead: z.number().int().nullable(),
});
export type QueueTicketView = z.infer<typeof queueTicketViewSchema>;

/** Answer of take-a-number (201 new, 200 the buyer's existing ticket). */
export const takeTicketResultSchema = z.object({
  ticket: queueTicketViewSchema,
  /** False when the phone already had a ticket (which is returned unchanged). */
  created: z.boolean(),
  /** Secret of the buyer page; put in the ticket's QR only. */
  token: z.string(),
  /** Buyer page, relative to the site: `/q/<token>`. */
  buyerPath: z.string(),
  /** Printable 80 mm ticket: `/api/queue/tickets/<id>/pdf?token=<token>` (202 while rendering). */
  pdfPath: z.string(),
});
export type TakeTicketResult = z.infer<typeof takeTicketResultSchema>;

/** A ticket on the board: no personal data. */
export const queueBoardTicketSchema = z.object({
  id: z.string(),
  label: z.string(),
  status: ticketStatusSchema,
  calledAt: z.string().nullable(),
  missedCount: z.number().int(),
});
export type QueueBoardTicket = z.infer<typeof queueBoardTicketSchema>;

export const queueCategoryStateSchema = queueCategoryInfoSchema.extend({
  /** CALLED tickets, most recently called first (at most NOW_SERVING_SIZE). */
  nowServing: z.array(queueBoardTicketSchema),
  /** The next WAITING tickets in calling order (at most NEXT_LIST_SIZE). */
  next: z.array(queueBoardTicketSchema),
  waitingCount: z.number().int(),
  /** Calls per minute over the last CALL_RATE_WINDOW calls of this category; null before any call. */
  callsPerMinute: z.number().nullable(),
});
export type QueueCategoryState = z.infer<typeof queueCategoryStateSchema>;

/** GET /api/projects/:projectId/queue, and the payload of `queue:changed`. */
export const queueStateSchema = z.object({
  projectId: z.string(),
  /** In calling order (priority). */
  categories: z.array(queueCategoryStateSchema),
  /** Calls per minute over the last CALL_RATE_WINDOW calls of the project; null before any call. */
  callsPerMinute: z.number().nullable(),
  serverTime: z.string(),
});
export type QueueState = z.infer<typeof queueStateSchema>;

/** Result of call-next / call-specific: the tickets just called, in calling order. */
export const callResultSchema = z.object({ called: z.array(queueTicketViewSchema) });
export type CallResult = z.infer<typeof callResultSchema>;

/** A shortlisted unit with its live status (buyer page). */
export const buyerShortlistUnitSchema = z.object({
  unitId: z.string(),
  code: z.string(),
  layout: z.string(),
  layoutName: z.string(),
  grossArea: z.number(),
  /** List price, fen. */
  listPrice: z.number().int(),
  status: z.enum(UNIT_STATUSES),
  rank: z.number().int(),
});
export type BuyerShortlistUnit = z.infer<typeof buyerShortlistUnitSchema>;

/** Units a buyer can choose now, per layout: AVAILABLE and not locked in the live state (the board's green). */
export const layoutAvailabilitySchema = z.object({
  layout: z.string(),
  layoutName: z.string(),
  available: z.number().int(),
  total: z.number().int(),
});
export type LayoutAvailability = z.infer<typeof layoutAvailabilitySchema>;

/** GET /api/public/tickets/:token — the buyer page (no login; the token is the credential). */
export const buyerViewSchema = z.object({
  ticketId: z.string(),
  project: z.object({
    id: z.string(),
    name: z.string(),
    nameEn: z.string(),
    timezone: z.string(),
    /** A rehearsal's ticket (the page shows the 演练 band), and the real project it practises. */
    rehearsal: z.boolean(),
    rehearsalOf: z.object({ name: z.string(), nameEn: z.string() }).nullable(),
  }),
  category: z.object({ code: z.string(), name: z.string(), nameEn: z.string() }),
  label: z.string(),
  status: ticketStatusSchema,
  issuedAt: z.string(),
  calledAt: z.string().nullable(),
  /** Set while CALLED with a registration: the selection window. */
  selectionEndsAt: z.string().nullable(),
  /** Labels being served now in the buyer's category (most recent first). */
  nowServing: z.array(z.string()),
  /** WAITING only: people ahead in this ticket's own queue (see countPeopleAhead); else null. */
  peopleAhead: z.number().int().nullable(),
  /** WAITING only: minutes, from people ahead and the recent calling rate of this category; null when unknown (no calls yet). */
  estimatedWaitMinutes: z.number().nullable(),
  shortlist: z.array(buyerShortlistUnitSchema),
  availability: z.array(layoutAvailabilitySchema),
  serverTime: z.string(),
});
export type BuyerView = z.infer<typeof buyerViewSchema>;

/** `availability:changed` on the buyer namespace: units whose status changed, and new counts. */
export interface AvailabilityChangedEvent {
  projectId: string;
  changes: { unitId: string; status: UnitStatus }[];
  availability: LayoutAvailability[];
}

// ── Pure rules ────────────────────────────────────────────────────────────────────────────────

/** "V" + 12 → "V012"; numbers past 999 keep all their digits (V1234). */
export function formatTicketLabel(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(3, '0')}`;
}

export function initialSortKey(number: number): number {
  return number * SORT_KEY_STEP;
}

export interface OrderedTicket {
  /** Category priority: lower is called first. */
  priority: number;
  sortKey: number;
  /** Tie-break (a re-queued ticket may share a key with a later number). */
  number: number;
}

/** Calling order: category priority, then sort key, then number. */
export function compareCallingOrder(a: OrderedTicket, b: OrderedTicket): number {
  return a.priority - b.priority || a.sortKey - b.sortKey || a.number - b.number;
}

export function sortForCalling<T extends OrderedTicket>(tickets: readonly T[]): T[] {
  return [...tickets].sort(compareCallingOrder);
}

/** Where a ticket stands in its own queue (a waiting ticket, for the people-ahead rule). */
export interface QueuePosition {
  categoryId: string;
  sortKey: number;
  /** Tie-break, as in calling order. */
  number: number;
}

/**
 * Is `other` ahead of `ticket` in line? Only a ticket of the same queue category 排号类别, called
 * before it (sort key, then number). Tickets of other categories never count: each category is its
 * own line — the calling screen shows them apart and managers call them apart — so a VIP number
 * issued after A002 does not make A002's buyer read "前面还有 2 人" for a line of one. (How fast
 * the category is called, other categories' calls included, goes into the wait estimate instead.)
 */
export function isAheadInLine(other: QueuePosition, ticket: QueuePosition): boolean {
  return (
    other.categoryId === ticket.categoryId &&
    (other.sortKey < ticket.sortKey || (other.sortKey === ticket.sortKey && other.number < ticket.number))
  );
}

/**
 * People ahead 前面还有 N 人 of a waiting ticket: the `waiting` tickets (status WAITING, any
 * categories, the ticket itself may be among them) that are ahead of it in line (isAheadInLine).
 * The server counts the same in SQL (QueueService.peopleAhead); the kiosk, the buyer page /q/<token>,
 * the ticket PDF and the wait estimate all show that one number.
 */
export function countPeopleAhead(ticket: QueuePosition, waiting: readonly QueuePosition[]): number {
  let n = 0;
  for (const other of waiting) if (isAheadInLine(other, ticket)) n += 1;
  return n;
}

export type NoShowOutcome =
  | { status: 'WAITING'; sortKey: number; missedCount: number }
  | { status: 'DROPPED'; missedCount: number };

/**
 * 过号: what happens to a called ticket whose buyer did not come.
 * - DROP: dropped at once.
 * - REQUEUE: back in line after the `requeueAfter`-th waiting ticket of its category (a key between
 *   that ticket and the next; if no integer fits there, the first later gap; past the end:
 *   last key + SORT_KEY_STEP). A ticket that was already missed once is dropped.
 * `waitingKeys`: sort keys of the category's WAITING tickets (any order). `endKey`: the largest sort
 * key ever given in the category (used when nobody waits).
 */
export function planNoShow(input: {
  rule: NoShowRule;
  requeueAfter: number;
  missedCount: number;
  waitingKeys: readonly number[];
  endKey: number;
}): NoShowOutcome {
  const missedCount = input.missedCount + 1;
  if (input.rule === 'DROP' || input.missedCount >= 1) return { status: 'DROPPED', missedCount };
  return { status: 'WAITING', sortKey: requeueKey(input.waitingKeys, input.requeueAfter, input.endKey), missedCount };
}

/** A sort key placed after the `after`-th of `waitingKeys` (see planNoShow). */
export function requeueKey(waitingKeys: readonly number[], after: number, endKey: number): number {
  const keys = [...waitingKeys].sort((a, b) => a - b);
  const k = Math.max(0, Math.floor(after));
  if (keys.length === 0) return endKey + SORT_KEY_STEP;
  if (k === 0) {
    const first = keys[0] as number;
    // Before everyone: half way from zero (keys are positive) — or at the end if no room.
    if (first >= 2) return Math.floor(first / 2);
  }
  for (let i = Math.max(k, 1); i < keys.length; i += 1) {
    const lo = keys[i - 1] as number;
    const hi = keys[i] as number;
    if (hi - lo >= 2) return lo + Math.floor((hi - lo) / 2);
  }
  return (keys[keys.length - 1] as number) + SORT_KEY_STEP;
}

/** Bounds of the calling rate used for estimates (calls per minute). */
export const CALL_RATE_BOUNDS = { min: 0.01, max: 120 } as const;
/** The longest wait an estimate will state, minutes. */
export const MAX_WAIT_ESTIMATE_MINUTES = 600;

/**
 * Calls per minute over the most recent `window` calls (epoch ms, any order): count ÷ time from
 * the oldest of them to now, at least one minute — so a batch of calls at once does not read as an
 * infinite rate, and a pause in calling lowers the rate as time passes. null before any call.
 */
export function callingRatePerMinute(
  calledAtMs: readonly number[],
  nowMs: number,
  window = CALL_RATE_WINDOW,
): number | null {
  if (calledAtMs.length === 0) return null;
  const recent = [...calledAtMs].sort((a, b) => b - a).slice(0, window);
  const oldest = recent[recent.length - 1] as number;
  const minutes = Math.max(1, (nowMs - oldest) / 60_000);
  const rate = recent.length / minutes;
  return Math.min(CALL_RATE_BOUNDS.max, Math.max(CALL_RATE_BOUNDS.min, Math.round(rate * 100) / 100));
}

/**
 * Estimated minutes until a buyer with `peopleAhead` waiting before them is called: 0 when nobody
 * is ahead; null when the rate is unknown; at most MAX_WAIT_ESTIMATE_MINUTES. `callsPerMinute` is
 * the calling rate of the buyer's own category (people ahead are counted in that category).
 */
export function estimateWaitMinutes(peopleAhead: number, callsPerMinute: number | null): number | null {
  if (peopleAhead <= 0) return 0;
  if (callsPerMinute === null || !(callsPerMinute > 0)) return null;
  const rate = Math.min(CALL_RATE_BOUNDS.max, Math.max(CALL_RATE_BOUNDS.min, callsPerMinute));
  return Math.min(MAX_WAIT_ESTIMATE_MINUTES, Math.ceil(peopleAhead / rate));
}
