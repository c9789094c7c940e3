/**
 * The audit hash chain, without I/O (docs/audit.md). Each project's audit events — and, apart, the
 * install's events that belong to no project — form one chain: event n is sealed with
 *
 *   hash(n) = SHA-256( hash(n-1) ‖ canonical(n) )        hash(0) = 32 zero bytes
 *
 * where canonical(n) is a JSON array of everything stored about the event, its seal included (chain
 * position, the previous event's id, when it was sealed). Changing any stored field of any sealed
 * event, removing one or slipping one in changes every later hash — up to the head, which is printed
 * on paper (日报, dispute pack) and served to managers, so rewriting the whole tail is caught too.
 *
 * The canonical form is stable across processes, drivers and PostgreSQL versions: object keys sorted
 * (jsonb returns them in its own order), timestamps as ISO-8601 UTC with milliseconds (the column
 * keeps ms), bigint ids as decimal strings, absent values as null.
 */
import { createHash } from 'node:crypto';

/** Version tag of the canonical form, hashed with every event: a future form can coexist. */
export const CHAIN_FORMAT = 'kaipan-audit-v1';

/** The previous hash of a chain's first event. */
export const GENESIS_HASH: Uint8Array = new Uint8Array(32);

/** An audit event as stored, before its seal. Ids are decimal strings (bigint). */
export interface ChainEventContent {
  id: string;
  projectId: string | null;
  actorId: string | null;
  actorKind: string;
  actorName: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  device: string | null;
  createdAt: Date;
}

/** The seal the sealer gives an event: its place in the chain. */
export interface ChainSeal {
  /** Position in the chain: 1 for the first event. */
  seq: bigint;
  /** Id of the event at `seq - 1` (null for the first). */
  prevId: string | null;
  sealedAt: Date;
}

/** A sealed event as read back for verification. */
export interface SealedEvent extends ChainEventContent, ChainSeal {
  hash: Uint8Array;
}

/** JSON with object keys sorted at every level, so equal values serialise to equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

/** The text hashed for one event: every stored field, the seal included, in a fixed order. */
export function canonicalEvent(event: ChainEventContent, seal: ChainSeal): string {
  return canonicalJson([
    CHAIN_FORMAT,
    seal.seq.toString(),
    seal.prevId,
    seal.sealedAt.toISOString(),
    event.id,
    event.projectId,
    event.actorId,
    event.actorKind,
    event.actorName,
    event.action,
    event.entity,
    event.entityId,
    event.before ?? null,
    event.after ?? null,
    event.device,
    event.createdAt.toISOString(),
  ]);
}

/** hash(n) = SHA-256(hash(n-1) ‖ canonical(n)). */
export function chainHash(prevHash: Uint8Array, event: ChainEventContent, seal: ChainSeal): Uint8Array {
  return createHash('sha256').update(prevHash).update(canonicalEvent(event, seal), 'utf8').digest();
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Where a chain is, for the next event to seal after it. */
export interface ChainTip {
  /** Position of the last sealed event (0: none yet). */
  seq: bigint;
  /** Its hash (GENESIS_HASH when none). */
  hash: Uint8Array;
  /** Its id (null when none). */
  id: string | null;
}

export const EMPTY_TIP: ChainTip = { seq: 0n, hash: GENESIS_HASH, id: null };

/** Seal events in the given order after `tip`: their seals and hashes, and the new tip. */
export function sealEvents(
  tip: ChainTip,
  events: readonly ChainEventContent[],
  sealedAt: Date,
): { sealed: Array<{ id: string; seal: ChainSeal; hash: Uint8Array }>; tip: ChainTip } {
  let current = tip;
  const sealed = events.map((event) => {
    const seal: ChainSeal = { seq: current.seq + 1n, prevId: current.id, sealedAt };
    const hash = chainHash(current.hash, event, seal);
    current = { seq: seal.seq, hash, id: event.id };
    return { id: event.id, seal, hash };
  });
  return { sealed, tip: current };
}

/** A break in a chain, named by the event it concerns. */
export type ChainProblem =
  | {
      kind: 'altered';
      /**
       * The first event whose stored content or seal does not follow from the event before it: it was
       * rewritten — or, if whoever rewrote the one before also recomputed that one's hash, that one.
       */
      eventId: string;
      seq: bigint;
      /** The event before it in the chain (null for the first). */
      precedingId: string | null;
    }
  | {
      kind: 'missing';
      /** The id of the missing event at `seq`, as its successor recorded it (when one is missing). */
      eventId: string | null;
      seq: bigint;
      /** How many positions are missing (`seq` … `seq + count - 1`). */
      count: bigint;
      /** The id of the last missing event, as its successor recorded it. */
      lastMissingId: string | null;
    };

/**
 * Walks one chain in chain order (constant memory: a project of any size), keeping every problem; the
 * first one is the one to name. After a problem it goes on from what is stored, so one rewritten
 * event does not hide a second one further on.
 */
export class ChainWalker {
  private expectedSeq = 1n;
  private prevHash: Uint8Array = GENESIS_HASH;
  private prevId: string | null = null;
  private last: SealedEvent | null = null;
  readonly problems: ChainProblem[] = [];

  push(event: SealedEvent): void {
    if (event.seq > this.expectedSeq) {
      // Positions skipped: events removed. The next event's own hash cannot be checked (its
      // predecessor's hash is gone with it); its successor checks it.
      const count = event.seq - this.expectedSeq;
      this.problems.push({
        kind: 'missing',
        eventId: count === 1n ? event.prevId : null,
        seq: this.expectedSeq,
        count,
        lastMissingId: event.prevId,
      });
    } else if (
      event.seq < this.expectedSeq ||
      event.prevId !== this.prevId ||
      !sameBytes(chainHash(this.prevHash, event, event), event.hash)
    ) {
      this.problems.push({ kind: 'altered', eventId: event.id, seq: event.seq, precedingId: this.prevId });
    }
    this.expectedSeq = event.seq + 1n;
    this.prevHash = event.hash;
    this.prevId = event.id;
    this.last = event;
  }

  /** The last event walked: the head, once the whole chain is walked. */
  get head(): SealedEvent | null {
    return this.last;
  }
}

/** One line naming a problem, for the CLI and logs. */
export function describeProblem(problem: ChainProblem): string {
  if (problem.kind === 'altered')
    return (
      `event ${problem.eventId} (chain position ${problem.seq}) was altered: it does not match its seal` +
      (problem.precedingId ? ` (or event ${problem.precedingId} before it was rewritten with a new seal)` : '')
    );
  if (problem.count === 1n) return `event ${problem.eventId} (chain position ${problem.seq}) is missing`;
  return (
    `${problem.count} events are missing at chain positions ${problem.seq}–${problem.seq + problem.count - 1n}` +
    ` (the last of them: event ${problem.lastMissingId})`
  );
}
