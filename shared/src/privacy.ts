/**
 * Privacy 个人信息保护: who sees a buyer's name, phone and ID number. A buyer's phone and ID number
 * are the most sensitive data Kaipan holds (PIPL), so there is ONE rule, written here as a table by
 * viewer class, and every server serializer that emits a person (customers, registrations,
 * subscriptions, payments, receipts, documents, queue tickets, audit, exports, hub events) asks it.
 * Nothing else decides. docs/privacy.md shows the table (a test keeps the two in step).
 *
 * - A viewer is a signed-in user (role + id), a device (wall board, queue kiosk) or the public.
 * - A subject is whose buyer the record is: the customer's owner consultant and/or the consultant
 *   of the deal. The viewer's relation to it is `own` (they own the customer or made the deal) or
 *   `other`.
 * - The answer is a view per field: `full`, `masked` (张**, 138****5678, 110***********1234) or
 *   `none` (absent). A clear ID number never travels in a list or a record: `idNumber: 'full'`
 *   means "may read it through the audited reveal endpoint"; responses carry the masked form.
 *
 * Pure: no I/O. Adding a role (issue 14: FINANCE, VIEWER) is one line in PRIVACY_RULES.
 */
import type { Role } from './protocol.js';
import type { DeviceKind } from './devices.js';
import { maskIdNumber, type CoBuyer } from './customers.js';
import { maskPhone } from './phone.js';
import { maskName } from './format.js';

export const FIELD_VIEWS = ['none', 'masked', 'full'] as const;
/** How much of one field a viewer sees (ordered: none < masked < full). */
export type FieldView = (typeof FIELD_VIEWS)[number];

export const PERSON_FIELDS = ['name', 'phone', 'idNumber'] as const;
export type PersonField = (typeof PERSON_FIELDS)[number];

/** What a viewer sees of one person. */
export interface PersonView {
  name: FieldView;
  phone: FieldView;
  idNumber: FieldView;
}

/** Staff always see at least a masked name (so `name` fields of staff responses stay strings). */
export interface StaffPersonView extends PersonView {
  name: 'full' | 'masked';
}

/** A signed-in user. The server's UserPrincipal is one (structurally). */
export interface UserViewer {
  kind: 'user';
  id: string;
  /** The viewer's role in the project the record belongs to (null: none — sees what VIEWER sees). */
  role: Role | null;
}
/** A registered device. The server's DevicePrincipal is one (structurally). */
export interface DeviceViewer {
  kind: 'device';
  deviceKind: DeviceKind;
}
/** Anyone without a credential: /verify, /lottery, the buyer page. */
export interface PublicViewer {
  kind: 'public';
}
export type Viewer = UserViewer | DeviceViewer | PublicViewer;

export const PUBLIC_VIEWER: PublicViewer = { kind: 'public' };

/**
 * The audience of a project-wide broadcast (`units:changed` deal tickers, `/api/projects/:id/deals`):
 * every screen in the project room hears it, wall boards included, so it carries what a board may see.
 */
export const BROADCAST_VIEWER: DeviceViewer = { kind: 'device', deviceKind: 'BOARD' };

/** Whose buyer a record is. Either id may be missing (a walk-in deal has no customer; a pool customer no owner). */
export interface PersonSubject {
  /** The customer's owner consultant (null: the public pool). */
  ownerId?: string | null | undefined;
  /** The consultant of the deal (subscription) the record belongs to. */
  consultantId?: string | null | undefined;
}

export type Relation = 'own' | 'other';
export type ViewerClass = Role | DeviceKind | 'PUBLIC';

const view = <N extends FieldView>(name: N, phone: FieldView, idNumber: FieldView) => ({ name, phone, idNumber });
const FULL = view('full', 'full', 'full');
const NOTHING = view('none', 'none', 'none');

/**
 * THE RULE: viewer class × relation → view. One line per viewer class.
 * - ADMIN, MANAGER: everything (the clear ID number only through the audited reveal endpoint).
 * - CASHIER: name and phone (the money desk identifies and calls the buyer); the ID number masked.
 * - CONSULTANT: their own buyers (customers they own, deals they made) in full, the ID masked; anyone
 *   else's buyer with a masked phone and no ID number.
 * - FINANCE: names (payers on receipts and day-end lists) with masked phones and ID numbers — reading
 *   the money needs whose money, not how to call them.
 * - VIEWER (sees the sale, changes nothing): masked names and phones, no ID number.
 * - BOARD, KIOSK (devices in the hall): a masked name at most; never a phone or an ID number.
 * - CALLING (the calling screen: numbers only), CASHIER_DESK (never acts alone: the cashier signs in): nothing.
 * - PUBLIC: nothing personal.
 */
export const PRIVACY_RULES: { [R in Role]: Record<Relation, StaffPersonView> } & {
  [D in DeviceKind | 'PUBLIC']: Record<Relation, PersonView>;
} = {
  ADMIN: { own: FULL, other: FULL },
  MANAGER: { own: FULL, other: FULL },
  CASHIER: { own: view('full', 'full', 'masked'), other: view('full', 'full', 'masked') },
  CONSULTANT: { own: view('full', 'full', 'masked'), other: view('full', 'masked', 'none') },
  FINANCE: { own: view('full', 'masked', 'masked'), other: view('full', 'masked', 'masked') },
  VIEWER: { own: view('masked', 'masked', 'none'), other: view('masked', 'masked', 'none') },
  BOARD: { own: view('masked', 'none', 'none'), other: view('masked', 'none', 'none') },
  KIOSK: { own: view('masked', 'none', 'none'), other: view('masked', 'none', 'none') },
  CALLING: { own: NOTHING, other: NOTHING },
  CASHIER_DESK: { own: NOTHING, other: NOTHING },
  PUBLIC: { own: NOTHING, other: NOTHING },
};

export function viewerClass(viewer: Viewer): ViewerClass {
  // A user with no role in the record's project sees no more than a VIEWER (fail closed).
  if (viewer.kind === 'user') return viewer.role ?? 'VIEWER';
  if (viewer.kind === 'device') return viewer.deviceKind;
  return 'PUBLIC';
}

/** `own` when the viewer owns the customer or made the deal; devices and the public own nothing. */
export function relationOf(viewer: Viewer, subject: PersonSubject): Relation {
  if (viewer.kind !== 'user') return 'other';
  return subject.ownerId === viewer.id || subject.consultantId === viewer.id ? 'own' : 'other';
}

/** What `viewer` sees of the person behind `subject`. */
export function personView(viewer: UserViewer, subject: PersonSubject): StaffPersonView;
export function personView(viewer: Viewer, subject: PersonSubject): PersonView;
export function personView(viewer: Viewer, subject: PersonSubject): PersonView {
  return PRIVACY_RULES[viewerClass(viewer)][relationOf(viewer, subject)];
}

const RANK: Record<FieldView, number> = { none: 0, masked: 1, full: 2 };

/** The lesser of two views (e.g. a queue list never shows more than a masked phone, whoever looks). */
export function atMost(level: FieldView, cap: FieldView): FieldView {
  return RANK[level] <= RANK[cap] ? level : cap;
}

/** A name as the view allows: 张三丰 / 张** / null. */
export function showName(level: 'full' | 'masked', name: string): string;
export function showName(level: FieldView, name: string): string | null;
export function showName(level: FieldView, name: string): string | null {
  if (level === 'full') return name;
  if (level === 'masked') return maskName(name);
  return null;
}

/** A phone as the view allows: 13812345678 / 138****5678 / null. */
export function showPhone(level: FieldView, phone: string | null | undefined): string | null {
  if (phone === null || phone === undefined || phone === '') return null;
  if (level === 'full') return phone;
  if (level === 'masked') return maskPhone(phone);
  return null;
}

/**
 * An ID number as the view allows. Records hold the masked form only (the cipher is read by the
 * audited reveal endpoint), so `full` and `masked` both answer the masked form; `none` answers null.
 */
export function showIdNumber(level: FieldView, idNumberMasked: string | null | undefined): string | null {
  if (!idNumberMasked || level === 'none') return null;
  // Idempotent on a masked number; a clear one handed in by mistake leaves masked all the same.
  return maskIdNumber(idNumberMasked);
}

/** Co-buyers 共同购买人 under the same view as the buyer: names and phones per the rule, nothing else dropped. */
export function showCoBuyers(v: StaffPersonView, coBuyers: readonly CoBuyer[]): CoBuyer[] {
  return coBuyers.map((c) => {
    const phone = showPhone(v.phone, c.phone);
    return {
      name: showName(v.name, c.name),
      ...(phone ? { phone } : {}),
      ...(c.relation ? { relation: c.relation } : {}),
    };
  });
}

/**
 * Which person records a viewer may open at all (a customer or its registration by id):
 * managers and cashiers any; a consultant their own customers and the public pool (to claim);
 * devices and the public none. The rule above then decides what they see in it.
 */
export function mayOpenPersonRecord(viewer: Viewer, subject: PersonSubject): boolean {
  if (viewer.kind !== 'user') return false;
  if (viewer.role !== 'CONSULTANT') return true;
  return subject.ownerId === null || relationOf(viewer, subject) === 'own';
}

/** What decides who may read a document: the person it is about, its maker, or its cashier. */
export type DocumentSubject =
  | { kind: 'RECEIPT' | 'AGREEMENT'; person: PersonSubject }
  | { kind: 'PURCHASE_PLAN'; createdById: string | null }
  | { kind: 'DAY_END'; cashierId: string | null }
  | { kind: 'DISPUTE_PACK' };

/**
 * Which documents a viewer may list, poll and download. A 认购书 prints the buyer's clear phone and a
 * receipt the payer's name: they are read by those who see that buyer's phone in full (managers,
 * cashiers, the buyer's own consultant). A 置业计划书 names no buyer: its maker and managers. A
 * day-end 日结 lists every payer of a cashier's day: that cashier, finance and managers. Devices and the
 * public: none (the public /verify page shows authenticity, never the paper's contents).
 */
export function mayReadDocument(viewer: Viewer, doc: DocumentSubject): boolean {
  if (viewer.kind !== 'user') return false;
  // Roles that see every buyer entirely (today ADMIN and MANAGER) read every document.
  const seesEveryone = isFullView(PRIVACY_RULES[viewer.role ?? 'VIEWER'].other);
  switch (doc.kind) {
    case 'RECEIPT':
    case 'AGREEMENT': {
      const v = personView(viewer, doc.person);
      // The 认购书 also prints the buyer's ID number (masked).
      return v.phone === 'full' && v.name === 'full' && (doc.kind === 'RECEIPT' || v.idNumber !== 'none');
    }
    case 'PURCHASE_PLAN':
      return seesEveryone || doc.createdById === viewer.id;
    case 'DISPUTE_PACK':
      // Every buyer, payer and actor of a unit's history, in full: those who see everyone (managers).
      return seesEveryone;
    case 'DAY_END':
      // Finance reads every day-end (it names payers, never their phones).
      return seesEveryone || viewer.role === 'FINANCE' || doc.cashierId === viewer.id;
  }
}

/** Every field in full. */
export function isFullView(v: PersonView): boolean {
  return v.name === 'full' && v.phone === 'full' && v.idNumber === 'full';
}

// ── Free-form JSON (audit before/after, change-request payloads) ─────────────────────────────────

/** Keys whose value is a person's phone, ID number or name wherever they appear. */
const PHONE_KEY = /phone$/i;
const ID_KEY = /^idNumber/i;
const NAME_KEYS = new Set(['buyerName', 'payerName', 'customerName']);
/** A mainland mobile or an 18-character resident ID inside any text (free text may carry one). */
const PHONE_IN_TEXT = /(?<![0-9])1[3-9][0-9]{9}(?![0-9])/g;
const RESIDENT_ID_IN_TEXT = /(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])/g;

function redactText(v: PersonView, text: string): string {
  let out = text;
  if (v.phone !== 'full')
    out = out.replace(PHONE_IN_TEXT, (p) => (v.phone === 'masked' ? maskPhone(p) : '***********'));
  if (v.idNumber !== 'full')
    out = out.replace(RESIDENT_ID_IN_TEXT, (id) => (v.idNumber === 'masked' ? maskIdNumber(id) : '******************'));
  return out;
}

/**
 * Free-form JSON (an audit event's before/after, a change request's payload) as `v` allows: phone
 * keys (`phone`, `buyerPhone`, …), ID keys (`idNumber…`), buyer/payer name keys — and the `name`
 * of an object that also holds a phone (a person: `{name, phone}`) — go through the rule; a phone or
 * resident ID number inside any other text is masked too. With a full view the value is unchanged.
 */
export function redactPersonalJson<T>(v: PersonView, value: T): T {
  if (isFullView(v)) return value;
  return walk(v, value, false) as T;
}

function walk(v: PersonView, value: unknown, personName: boolean): unknown {
  if (typeof value === 'string') return personName ? (showName(v.name, value) ?? null) : redactText(v, value);
  if (Array.isArray(value)) return value.map((item) => walk(v, item, false));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const isPerson = entries.some(([k]) => PHONE_KEY.test(k));
  const out: Record<string, unknown> = {};
  for (const [k, item] of entries) {
    if (typeof item === 'string' && PHONE_KEY.test(k)) out[k] = showPhone(v.phone, item);
    else if (typeof item === 'string' && ID_KEY.test(k)) out[k] = showIdNumber(v.idNumber, item);
    else out[k] = walk(v, item, typeof item === 'string' && (NAME_KEYS.has(k) || (isPerson && k === 'name')));
  }
  return out;
}

/** A buyer's name in a project-wide broadcast (deal tickers): what BROADCAST_VIEWER may see (张**), '' when nothing. */
export function broadcastName(name: string): string {
  return showName(personView(BROADCAST_VIEWER, {}).name, name) ?? '';
}
